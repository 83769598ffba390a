// Internal: the torch names a torch.save file uses and repr() prints, for the
// reader (pyrepr::load) and the printer (tensor_str.cpp) alike: dtypes (with
// Python's aliases), the typed storage classes, layouts and qschemes.
#pragma once

#include <c10/core/ScalarType.h>

#include <optional>
#include <string>

namespace pyrepr::detail {

// Every dtype a torch.save file can name (torch.<name>, Python's aliases
// included) in PyTorch 1.13, 2.6 and 2.14: the name repr() prints, and the
// name of its c10::ScalarType enumerator. The LibTorch compiled against may
// lack the enumerator (1.13 has no float8 or uint16): see built_scalar_type.
struct DtypeName {
  const char* python;     // torch.<python>
  const char* canonical;  // what repr(dtype) prints after "torch."
  const char* c10;        // at::ScalarType::<c10>
  bool has_storage = true;
};

// The dtype torch.<python_name>, or nullptr.
const DtypeName* find_dtype(const std::string& python_name);

// The ScalarType named `c10_name` if the LibTorch compiled against has it.
std::optional<at::ScalarType> built_scalar_type(const std::string& c10_name);

// The ScalarType of torch.<canonical>; one error line (LoadError) naming the
// dtype when it has no storage or this build's LibTorch does not have it.
at::ScalarType scalar_type_of(const std::string& canonical, const char* fn);

// The dtype of a typed storage class ("FloatStorage" -> float32), the ones
// torch.save names in persistent ids (before PyTorch 2.x's UntypedStorage).
std::optional<at::ScalarType> storage_class_dtype(const std::string& name);

// torch.<name> for dtypes, layouts and qschemes, with Python's aliases mapped
// to the name repr() prints; nullopt for any other name.
std::optional<std::string> canonical_torch_value(const std::string& name);

bool is_layout_name(const std::string& n);

// The name repr(dtype) prints after "torch." ("float32" for at::kFloat).
std::string dtype_name(at::ScalarType st);

}  // namespace pyrepr::detail
