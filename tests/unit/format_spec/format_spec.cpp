// fmt's format strings with pyrepr's formatters, checked at compile time
// (FMT_STRING here; every fmt::format call is checked so in C++20). Built
// as is, it compiles; tests/unit/CMakeLists.txt also builds it with a spec
// an Object or a tensor does not take, which must not compile.
#include <ATen/core/Tensor.h>

#include <string>

#include "pyrepr/fmt.hpp"

#ifndef SPEC_OBJECT
#define SPEC_OBJECT "{:>20}"  // str(obj), right-aligned: a string's spec
#endif
#ifndef SPEC_TENSOR
#define SPEC_TENSOR "{:+.2f}"  // a 0-dim tensor's item: a number's spec
#endif

std::string object_text(const pyrepr::Object& obj) {
  return fmt::format(FMT_STRING(SPEC_OBJECT), obj);
}

std::string tensor_text(const at::Tensor& t) { return fmt::format(FMT_STRING(SPEC_TENSOR), t); }
