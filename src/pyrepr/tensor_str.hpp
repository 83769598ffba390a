// repr() of a tensor, byte for byte as PyTorch 1.13's Python prints it.
// Functions are named after their counterparts in torch/_tensor_str.py.
#pragma once

#include <algorithm>
#include <iosfwd>
#include <string>

#include "pyrepr/options.hpp"

namespace at {
class Tensor;
}

namespace pyrepr {

// Python's repr(t) == str(t), with the current global print options.
std::string repr(const at::Tensor& t);
// The same with explicit options (the global ones are not read).
std::string repr(const at::Tensor& t, const PrintOptions& options);

// Parameter.__repr__: "Parameter containing:\n" + repr(t).
std::string parameter_repr(const at::Tensor& t);
std::string parameter_repr(const at::Tensor& t, const PrintOptions& options);

// repr(t) written to `out`, fmt-style (any output iterator), as
// pyrepr::format_to writes an Object.
template <class OutputIt>
OutputIt format_to(OutputIt out, const at::Tensor& t) {
  const std::string text = repr(t);
  return std::copy(text.begin(), text.end(), out);
}

// Python's format(t, spec) (Tensor.__format__): for a 0-dim tensor the item
// is formatted with `spec` (e.g. ".2f"); otherwise spec must be empty and the
// result is repr(t). Throws std::invalid_argument for an unsupported spec.
std::string format(const at::Tensor& t, const std::string& spec);

// The name Python prints in grad_fn=<...> for t's autograd node ("" if none).
std::string grad_fn_name(const at::Tensor& t);

// str(t.dtype), e.g. "torch.float32".
std::string dtype_str(const at::Tensor& t);

}  // namespace pyrepr
