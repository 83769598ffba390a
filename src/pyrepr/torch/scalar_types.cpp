#include "pyrepr/torch/scalar_types.hpp"

#include <stdexcept>
#include <utility>

#ifndef PYREPR_TORCH_VERSION
#error "PYREPR_TORCH_VERSION (the LibTorch version, e.g. \"1.13.1\") is set by src/CMakeLists.txt"
#endif

namespace pyrepr::detail {

// The table comes from LibTorch's own list of its enumerators, so no
// enumerator is named here and this compiles against 1.13, 2.6 and 2.14.
std::optional<at::ScalarType> built_scalar_type(const std::string& c10_name) {
#define PYREPR_SCALAR_TYPE_ENTRY(ctype, name) {#name, at::ScalarType::name},
  static const std::pair<const char*, at::ScalarType> built[] = {
      AT_FORALL_SCALAR_TYPES_WITH_COMPLEX_AND_QINTS(PYREPR_SCALAR_TYPE_ENTRY)};
#undef PYREPR_SCALAR_TYPE_ENTRY
  for (const auto& [name, type] : built)
    if (c10_name == name) return type;
  return std::nullopt;
}

at::ScalarType scalar_type_of(const DType& d) {
  if (auto st = built_scalar_type(d.c10)) return *st;
  throw std::runtime_error(std::string("dtype torch.") + d.name +
                           " is not supported by this build: its LibTorch (" +
                           PYREPR_TORCH_VERSION + ") has no " + d.c10 + " tensors");
}

const DType& dtype_of(at::ScalarType st) {
  const std::string c10 = c10::toString(st);
  if (const DType* d = find_dtype_c10(c10)) return *d;
  // (not reached while the table names every ScalarType of 1.13, 2.6 and 2.14)
  throw std::runtime_error("pyrepr has no dtype for at::ScalarType::" + c10);
}

}  // namespace pyrepr::detail
