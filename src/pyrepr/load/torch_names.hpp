// Internal (pyrepr::load): the torch names a torch.save pickle uses, looked up
// as torch.load's find_class and persistent_load look them up: dtypes by name
// (a LoadError naming the rebuild function when there is none), the typed
// storage classes, and torch.<name> values (dtypes, layouts, qschemes).
#pragma once

#include <optional>
#include <string>

#include "pyrepr/dtype.hpp"

namespace pyrepr::detail {

// The dtype torch.<name>; one error line (LoadError) naming `fn` when it is
// not a dtype or has no storage.
const DType& dtype_of(const std::string& name, const char* fn);

// The dtype of a typed storage class ("FloatStorage" -> float32), the ones
// torch.save names in persistent ids (before PyTorch 2.x's UntypedStorage).
const DType* storage_class_dtype(const std::string& name);

// torch.<name> for dtypes, layouts and qschemes, with Python's aliases mapped
// to the name repr() prints; nullopt for any other name.
std::optional<std::string> canonical_torch_value(const std::string& name);

}  // namespace pyrepr::detail
