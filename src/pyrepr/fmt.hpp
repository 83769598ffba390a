// fmt and iostream support: fmt::format("{}", t) is Python's repr(t) (what
// print(t) shows); a format spec such as "{:.2f}" formats a 0-dim tensor's
// item, as Python's Tensor.__format__ does. Objects format as str(obj).
#pragma once

#include <fmt/format.h>

#include <ostream>
#include <string>
#include <string_view>

#include "pyrepr/object.hpp"
#include "pyrepr/tensor_str.hpp"

namespace pyrepr {

// `std::cout << pyrepr::py(t)` prints Python's repr (LibTorch's own
// operator<< for at::Tensor prints another format).
struct PyRepr {
  const at::Tensor& tensor;
};
inline PyRepr py(const at::Tensor& t) { return PyRepr{t}; }
inline std::ostream& operator<<(std::ostream& os, PyRepr r) { return os << repr(r.tensor); }
inline std::ostream& operator<<(std::ostream& os, const Object& o) { return os << str(o); }

}  // namespace pyrepr

template <>
struct fmt::formatter<at::Tensor> {
  std::string_view spec;
  constexpr auto parse(format_parse_context& ctx) -> decltype(ctx.begin()) {
    auto it = ctx.begin();
    while (it != ctx.end() && *it != '}') ++it;
    spec = std::string_view(ctx.begin(), static_cast<size_t>(it - ctx.begin()));
    return it;
  }
  template <class FormatContext>
  auto format(const at::Tensor& t, FormatContext& ctx) const -> decltype(ctx.out()) {
    const std::string s = spec.empty() ? pyrepr::repr(t) : pyrepr::format(t, std::string(spec));
    return std::copy(s.begin(), s.end(), ctx.out());
  }
};

template <>
struct fmt::formatter<pyrepr::Object> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const pyrepr::Object& o, FormatContext& ctx) const -> decltype(ctx.out()) {
    const std::string s = pyrepr::str(o);
    return fmt::formatter<std::string_view>::format(s, ctx);
  }
};
