// pyrepr::torch: a live at::Tensor read into the core's TensorData (its
// values resolved and on the CPU, its suffix metadata from LibTorch), the
// way back for tensors read from a file (to_torch), and the at::Tensor
// entry points. The printing itself is the core's (tensor_repr.cpp).
#include "pyrepr/torch_adapter.hpp"
#include "pyrepr/tensor_repr.hpp"

#include <ATen/ATen.h>
#include <c10/core/DefaultDtype.h>
#include <c10/util/Exception.h>
#include <fmt/format.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/variable.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "pyrepr/dtype.hpp"
#include "pyrepr/torch/features.hpp"
#include "pyrepr/torch/scalar_types.hpp"

namespace pyrepr {
namespace {

// Marks the TensorData made here: their `source` is an at::Tensor.
constexpr char kFromTorch = 0;

Layout layout_of(at::Layout layout) {
  switch (layout) {
    case at::kSparse:
      return Layout::SparseCoo;
    case at::kSparseCsr:
      return Layout::SparseCsr;
    case at::kSparseCsc:
      return Layout::SparseCsc;
    case at::kSparseBsr:
      return Layout::SparseBsr;
    case at::kSparseBsc:
      return Layout::SparseBsc;
    case at::kMkldnn:
      return Layout::Mkldnn;
    default:
      return Layout::Strided;
  }
}

QScheme qscheme_of(at::QScheme q) {
  switch (q) {
    case at::kPerChannelAffine:
      return QScheme::PerChannelAffine;
    case at::kPerTensorSymmetric:
      return QScheme::PerTensorSymmetric;
    case at::kPerChannelSymmetric:
      return QScheme::PerChannelSymmetric;
    case at::kPerChannelAffineFloatQParams:
      return QScheme::PerChannelAffineFloatQParams;
    default:
      return QScheme::PerTensorAffine;
  }
}

std::shared_ptr<const TensorData> part(const at::Tensor& t) {
  return std::make_shared<const TensorData>(tensor_data(t.detach()));
}

// The elements _tensor_str formats: self.detach().resolve_conj().resolve_neg()
// (unnamed, dense, on the CPU). 2.14's float4_e2m1fn_x2 has no casts:
// _tensor_str shows its uint8 view (the core prints those bytes as floats).
void set_values(TensorData& d, at::Tensor self) {
#if PYREPR_HAS_NAMED_TENSORS
  if (self.has_names()) self = self.rename(c10::nullopt);
#endif
  if (self.layout() != at::kStrided) self = self.to_dense();
  self = self.detach().resolve_conj().resolve_neg();
  if (std::string_view(c10::toString(self.scalar_type())) == "Float4_e2m1fn_x2") {
    self = self.view(at::kByte);
  }
  if (self.device().type() != at::kCPU) self = self.cpu();
  auto keep = std::make_shared<const at::Tensor>(self);
  auto storage = std::make_shared<Storage>();
  storage->data = static_cast<const unsigned char*>(self.data_ptr());
  storage->nbytes = static_cast<size_t>(self.numel()) * self.element_size();
  storage->owner = keep;
  d.storage = std::move(storage);
  d.storage_offset = 0;
  d.strides = self.strides().vec();
}

// A c10::Storage holding a copy of t's bytes: one per core Storage, so that
// views of one storage in the file are views of one storage here too.
c10::Storage storage_copy(const TensorData& t) {
  if (!t.storage) return at::empty({0}, at::kByte).storage();
  static std::mutex mutex;
  const std::lock_guard<std::mutex> lock(mutex);
  if (!t.storage->adapted) {
    const size_t n = t.storage->nbytes;
    at::Tensor bytes = at::empty({static_cast<int64_t>(n)}, at::kByte);
    if (n > 0) std::memcpy(bytes.data_ptr(), t.storage->data, n);
    t.storage->adapted = std::make_shared<const c10::Storage>(bytes.storage());
  }
  return *static_cast<const c10::Storage*>(t.storage->adapted.get());
}

at::ScalarType scalar_type(const DType* dtype) {
  if (!dtype) throw std::invalid_argument("to_torch() of an undefined tensor");
  return detail::scalar_type_of(*dtype);
}

at::Tensor quantized_from(const TensorData& t, const c10::Storage& storage) {
  const auto opts = at::TensorOptions().dtype(scalar_type(t.dtype));
  at::Tensor q;
  if (t.qscheme == QScheme::PerTensorAffine) {
    q = at::_empty_affine_quantized({0}, opts, t.q_scale, t.q_zero_point);
  } else {
    q = at::_empty_per_channel_affine_quantized(t.sizes, to_torch(*t.q_scales),
                                                to_torch(*t.q_zero_points), t.q_axis, opts);
  }
  return q.set_(storage, t.storage_offset, t.sizes, t.strides);
}

}  // namespace

TensorData tensor_data(const at::Tensor& t) {
  if (!t.defined()) throw std::invalid_argument("repr() of an undefined tensor");
  at::NoGradGuard no_grad;
  TensorData d;
  d.dtype = &detail::dtype_of(t.scalar_type());
  d.layout = layout_of(t.layout());
  d.device = t.device().str();
  d.default_dtype = &detail::dtype_of(c10::typeMetaToScalarType(c10::get_default_dtype()));
  d.sizes = t.sizes().vec();
  d.grad_fn = grad_fn_name(t);
  d.requires_grad = t.requires_grad();
#if PYREPR_HAS_NAMED_TENSORS
  if (t.has_names()) {
    for (const auto& n : t.names()) {
      d.names.push_back(n.isWildcard() ? std::nullopt
                                       : std::optional<std::string>(n.symbol().toUnqualString()));
    }
  }
#endif
  d.source = std::make_shared<const at::Tensor>(t);
  d.source_kind = &kFromTorch;
  if (t.is_sparse()) {
    if (!t.is_meta()) d.nnz = t._nnz();
    d.sparse_parts = {part(t._indices()), part(t._values())};
    d.is_coalesced = t.is_coalesced();
  } else if (d.layout != Layout::Strided && d.layout != Layout::Mkldnn) {
    d.nnz = t._nnz();
    const bool row = t.layout() == at::kSparseCsr || t.layout() == at::kSparseBsr;
    d.sparse_parts = {part(row ? t.crow_indices() : t.ccol_indices()),
                      part(row ? t.col_indices() : t.row_indices()), part(t.values())};
  } else if (t.is_quantized()) {
    const auto q = t.qscheme();
    d.qscheme = qscheme_of(q);
    if (q == at::kPerTensorAffine || q == at::kPerTensorSymmetric) {
      d.q_scale = t.q_scale();
      d.q_zero_point = t.q_zero_point();
    } else {
      d.q_scales = part(t.q_per_channel_scales());
      d.q_zero_points = part(t.q_per_channel_zero_points());
      d.q_axis = t.q_per_channel_axis();
    }
    d.dequantized = part(t.dequantize());
  } else if (!t.is_meta() && t.numel() > 0) {
    set_values(d, t);
  }
  return d;
}

at::Tensor to_torch(const TensorData& t) {
  if (t.source_kind == &kFromTorch) return *static_cast<const at::Tensor*>(t.source.get());
  QuietTorchWarnings quiet;  // empty() of complex32 warns that it is experimental
  at::Tensor out;
  if (t.layout == Layout::SparseCoo) {
    const at::Tensor values = to_torch(*t.sparse_parts.at(1));
    out = at::_sparse_coo_tensor_unsafe(to_torch(*t.sparse_parts.at(0)), values, t.sizes,
                                        values.options().layout(at::kSparse));
    if (t.is_coalesced) out._coalesced_(true);
  } else if (t.layout != Layout::Strided) {
    const at::Layout layout = t.layout == Layout::SparseCsr   ? at::kSparseCsr
                              : t.layout == Layout::SparseCsc ? at::kSparseCsc
                              : t.layout == Layout::SparseBsr ? at::kSparseBsr
                                                              : at::kSparseBsc;
    const at::Tensor values = to_torch(*t.sparse_parts.at(2));
    out = at::_sparse_compressed_tensor_unsafe(to_torch(*t.sparse_parts.at(0)),
                                               to_torch(*t.sparse_parts.at(1)), values, t.sizes,
                                               values.options().layout(layout));
  } else if (t.qscheme != QScheme::None) {
    out = quantized_from(t, storage_copy(t));
  } else {
    out = at::empty({0}, at::TensorOptions().dtype(scalar_type(t.dtype)));
    out.set_(storage_copy(t), t.storage_offset, t.sizes, t.strides);
    if (t.conj) out._set_conj(true);
    if (t.neg) out._set_neg(true);
  }
  if (t.requires_grad) out.set_requires_grad(true);
  return out;
}

at::Tensor to_torch(const TensorValue& v) { return to_torch(*v.tensor); }

Object ObjectConverter<at::Tensor>::convert(const at::Tensor& t) {
  if (t.defined()) return Object(tensor_data(t));
  // An undefined tensor (a variable not set yet) is kept as one: repr()
  // refuses it, to_torch() gives it back.
  TensorData d;
  d.dtype = nullptr;
  d.source = std::make_shared<const at::Tensor>(t);
  d.source_kind = &kFromTorch;
  return Object(std::move(d));
}

Object parameter(const at::Tensor& t) { return pyrepr::parameter(tensor_data(t)); }

Object size_of(const at::Tensor& t) { return Object(Size{t.sizes().vec()}); }

namespace {
// The class name Python gives a node: its C++ name without the namespaces.
std::string node_name(const torch::autograd::Node& fn) {
  std::string name = fn.name();
  const auto pos = name.rfind("::");
  return pos == std::string::npos ? name : name.substr(pos + 2);
}
}  // namespace

std::string grad_fn_name(const at::Tensor& t) {
  if (!t.defined()) return "";
  const auto& fn = t.grad_fn();
  return fn ? node_name(*fn) : "";
}

// What this LibTorch's Tensor::grad_fn() returns (see torch_adapter.hpp).
using GradFnPtr = std::decay_t<decltype(std::declval<const at::Tensor&>().grad_fn())>;

Object ObjectConverter<GradFnPtr>::convert(const GradFnPtr& fn) {
  if (!fn) return Object(None{});
  return Object(Instance{node_name(*fn), reinterpret_cast<std::uintptr_t>(fn.get())});
}

std::string dtype_str(const at::Tensor& t) {
  return std::string("torch.") + detail::dtype_of(t.scalar_type()).name;
}

std::string repr(const at::Tensor& t, const PrintOptions& options) {
  return repr(tensor_data(t), options);
}

std::string repr(const at::Tensor& t) { return repr(t, get_printoptions()); }

std::string parameter_repr(const at::Tensor& t, const PrintOptions& options) {
  return "Parameter containing:\n" + repr(t, options);
}
std::string parameter_repr(const at::Tensor& t) { return parameter_repr(t, get_printoptions()); }

std::string format(const at::Tensor& t, const std::string& spec) {
  if (!t.defined()) throw std::invalid_argument("format() of an undefined tensor");
  if (t.dim() != 0 || t.is_quantized() || t.is_sparse() || t.is_meta()) {
    if (!spec.empty()) {
      throw std::invalid_argument("unsupported format string passed to Tensor.__format__");
    }
    return repr(t);
  }
  // Tensor.__format__ of a 0-dim tensor: self.item().__format__(spec)
  const at::Tensor v = t.detach().cpu();
  const auto st = v.scalar_type();
  try {
    if (at::isComplexType(st)) {
      throw std::invalid_argument("format() of a complex 0-dim tensor is not supported");
    }
    if (st == at::kBool) {
      const bool b = v.item<bool>();
      if (spec.empty()) return b ? "True" : "False";
      return fmt::format(fmt::runtime("{:" + spec + "}"), static_cast<int>(b));
    }
    if (at::isFloatingType(st)) {
      const double d = v.item<double>();
      if (spec.empty()) return float_repr(d);
      return fmt::format(fmt::runtime("{:" + spec + "}"), d);
    }
    const int64_t i = v.item<int64_t>();
    return fmt::format(fmt::runtime("{:" + spec + "}"), i);
  } catch (const fmt::format_error& e) {
    throw std::invalid_argument(std::string("invalid format spec '") + spec + "': " + e.what());
  }
}

namespace {

// A c10 warning handler that drops every warning.
class DropWarnings final : public c10::WarningHandler {
 public:
#if PYREPR_WARNING_HANDLER_TAKES_WARNING
  void process(const c10::Warning& /*warning*/) override {}
#else
  void process(const c10::SourceLocation& /*where*/, const std::string& /*msg*/,
               bool /*verbatim*/) override {}
#endif
};

#if PYREPR_WARNING_HANDLER_TAKES_WARNING
namespace warning_utils = c10::WarningUtils;
#else
namespace warning_utils = c10::Warning;
#endif

}  // namespace

QuietTorchWarnings::QuietTorchWarnings() : previous_(warning_utils::get_warning_handler()) {
  static DropWarnings drop;
  warning_utils::set_warning_handler(&drop);
}

QuietTorchWarnings::~QuietTorchWarnings() {
  warning_utils::set_warning_handler(static_cast<c10::WarningHandler*>(previous_));
}

}  // namespace pyrepr
