// fmt and iostream support: fmt::format("{}", t) is Python's repr(t) (what
// print(t) shows); a format spec such as "{:.2f}" formats a 0-dim tensor's
// item, as Python's Tensor.__format__ does. (Objects' fmt and iostream
// support is in object.hpp, with the core.)
#pragma once

#include <fmt/format.h>

#include <ostream>
#include <string>
#include <string_view>

#include "pyrepr/object.hpp"
#include "pyrepr/torch_adapter.hpp"

namespace pyrepr {

// `std::cout << pyrepr::py(t)` prints Python's repr (LibTorch's own
// operator<< for at::Tensor prints another format).
struct PyRepr {
  const at::Tensor& tensor;
};
inline PyRepr py(const at::Tensor& t) { return PyRepr{t}; }
inline std::ostream& operator<<(std::ostream& os, PyRepr r) { return os << repr(r.tensor); }

namespace detail {
// Is `spec` a format spec a number takes (fmt's, which is Python's without
// '=' alignment): [[fill]align][sign][#][0][width][.precision][L][type]?
// A 0-dim tensor formats its item with it (Tensor.__format__).
constexpr bool valid_number_spec(std::string_view spec) {
  size_t i = 0;
  const auto is = [&](const char* set) {
    if (i >= spec.size()) return false;
    for (const char* c = set; *c; ++c)
      if (spec[i] == *c) return true;
    return false;
  };
  const auto digits = [&] {
    const size_t start = i;
    while (i < spec.size() && spec[i] >= '0' && spec[i] <= '9') ++i;
    return i > start;
  };
  const auto is_align = [&](size_t k) {
    return k < spec.size() && (spec[k] == '<' || spec[k] == '>' || spec[k] == '^');
  };
  if (is_align(1) && spec[0] != '{' && spec[0] != '}') {
    i = 2;  // fill and align
  } else if (is_align(0)) {
    i = 1;
  }
  if (is("+- ")) ++i;
  if (is("#")) ++i;
  if (is("0")) ++i;
  digits();
  if (is(".")) {
    ++i;
    if (!digits()) return false;
  }
  if (is("L")) ++i;
  if (is("aAbBcdeEfFgGoxX")) ++i;
  return i == spec.size();
}
}  // namespace detail

}  // namespace pyrepr

// fmt::format("{}", t) is repr(t); "{:.2f}" formats a 0-dim tensor's item. A
// spec no number takes is refused by parse: at compile time where fmt checks
// format strings (C++20, or FMT_STRING), else with a fmt::format_error.
template <>
struct fmt::formatter<at::Tensor> {
  std::string_view spec;
  constexpr auto parse(format_parse_context& ctx) -> decltype(ctx.begin()) {
    auto it = ctx.begin();
    while (it != ctx.end() && *it != '}') ++it;
    spec = std::string_view(ctx.begin(), static_cast<size_t>(it - ctx.begin()));
    if (!pyrepr::detail::valid_number_spec(spec))
      throw format_error("invalid format spec for a tensor: a 0-dim tensor takes a number's");
    return it;
  }
  template <class FormatContext>
  auto format(const at::Tensor& t, FormatContext& ctx) const -> decltype(ctx.out()) {
    const std::string s = spec.empty() ? pyrepr::repr(t) : pyrepr::format(t, std::string(spec));
    return std::copy(s.begin(), s.end(), ctx.out());
  }
};
