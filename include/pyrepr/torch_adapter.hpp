// pyrepr::torch: repr() of a live LibTorch tensor, byte for byte as PyTorch's
// Python prints it, and the at::Tensor side of the Object model (print(t),
// parameter(t), size_of(t)). A tensor is read into the core's TensorData
// (tensor_data.hpp) and printed by the same code as a tensor from a file.
#pragma once

#include <c10/util/intrusive_ptr.h>

#include <algorithm>
#include <iosfwd>
#include <memory>
#include <string>

#include "pyrepr/object.hpp"
#include "pyrepr/options.hpp"
#include "pyrepr/tensor_data.hpp"

namespace at {
class Tensor;
}
namespace torch::autograd {
struct Node;
}

namespace pyrepr {

// print(t), Object(t), lists and tuples of tensors: Object takes an
// at::Tensor through this.
template <>
struct ObjectConverter<at::Tensor> {
  static Object convert(const at::Tensor& t);
};

// print(t.grad_fn()), as Python's print(t.grad_fn): None without a node,
// else "<AddBackward0 object at 0x...>" with this node's address. grad_fn()
// returns a std::shared_ptr before LibTorch 2.14 and a c10::intrusive_ptr
// since; the one this LibTorch returns is defined.
template <>
struct ObjectConverter<std::shared_ptr<torch::autograd::Node>> {
  static Object convert(const std::shared_ptr<torch::autograd::Node>& fn);
};
template <>
struct ObjectConverter<c10::intrusive_ptr<torch::autograd::Node>> {
  static Object convert(const c10::intrusive_ptr<torch::autograd::Node>& fn);
};

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

// What repr() reads of t, now: its values (resolved, on the CPU) and its
// suffixes. The TensorData keeps t (and its values) alive.
TensorData tensor_data(const at::Tensor& t);

// The at::Tensor of a tensor value: the one it was made from, or for a
// tensor read from a file a new one holding a copy of its elements. Throws
// std::runtime_error when this LibTorch lacks the dtype (1.13: float8,
// uint16, ...).
at::Tensor to_torch(const TensorData& t);
at::Tensor to_torch(const TensorValue& v);

// An nn.Parameter (prints "Parameter containing:\n" + repr) and torch.Size.
Object parameter(const at::Tensor& t);
Object size_of(const at::Tensor& t);

// While one is alive, LibTorch's warnings (TORCH_WARN: "ComplexHalf support
// is experimental", deprecations) on this thread are dropped instead of
// printed on stderr, where a program's error lines go; to_torch() holds one,
// a program can hold one around its printing too. They nest.
class QuietTorchWarnings {
 public:
  QuietTorchWarnings();
  ~QuietTorchWarnings();
  QuietTorchWarnings(const QuietTorchWarnings&) = delete;
  QuietTorchWarnings& operator=(const QuietTorchWarnings&) = delete;

 private:
  void* previous_;  // the c10::WarningHandler before this one
};

}  // namespace pyrepr
