// Core (no LibTorch): the torch names a torch.save file uses and repr()
// prints, for the reader (pyrepr::load) and the printer alike: dtypes (with
// Python's aliases, their element sizes and what their elements hold), the
// typed storage classes, layouts and qschemes, in PyTorch 1.13, 2.6 and 2.14.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "pyrepr/strided_view.hpp"

namespace pyrepr::detail {

// What a dtype's elements print as.
enum class Values : uint8_t {
  Plain,      // their own values (ElementType `element`)
  Quantized,  // dequantized; `element` is the integer representation
  ByteFloat,  // float4_e2m1fn_x2 (2.14): its bytes, printed as floats ("1.")
  None,       // bits*: no values (printing fails, as in Python)
};

// Every dtype a torch.save file can name (torch.<name>, Python's aliases
// included).
struct DtypeName {
  const char* python;     // torch.<python>
  const char* canonical;  // what repr(dtype) prints after "torch."
  const char* c10;        // LibTorch's at::ScalarType::<c10> (its messages name it)
  size_t itemsize = 0;    // bytes per element; 0: no storage (torch.save refuses them)
  ElementType element = ElementType::UInt8;
  Values values = Values::Plain;
};

// The dtype torch.<python_name>, or nullptr.
const DtypeName* find_dtype(const std::string& python_name);
// The dtype LibTorch calls at::ScalarType::<c10_name>, or nullptr.
const DtypeName* find_dtype_c10(const std::string& c10_name);
// The dtype torch.<canonical>; one error line (LoadError) naming `fn` when it
// is not a dtype or has no storage.
const DtypeName& dtype_of(const std::string& canonical, const char* fn);

// The dtype of a typed storage class ("FloatStorage" -> float32), the ones
// torch.save names in persistent ids (before PyTorch 2.x's UntypedStorage).
const DtypeName* storage_class_dtype(const std::string& name);

// torch.<name> for dtypes, layouts and qschemes, with Python's aliases mapped
// to the name repr() prints; nullopt for any other name.
std::optional<std::string> canonical_torch_value(const std::string& name);

bool is_layout_name(const std::string& n);

// What LibTorch lets require gradients.
bool is_floating_or_complex(const DtypeName& d);

}  // namespace pyrepr::detail
