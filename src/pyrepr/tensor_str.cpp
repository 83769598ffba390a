// repr() of a tensor, as torch/_tensor_str.py builds it in PyTorch 1.13, 2.6
// and 2.14 (what differs between them is TensorStrRules, tensor_str_core.hpp).
//
// Each function below is named after its counterpart in _tensor_str.py so
// the two can be read side by side. This file adapts a LibTorch tensor: its
// suffixes (_str_intern: device, dtype, layout, quantization, grad_fn,
// names) and the view of its elements that the core (tensor_str_core.cpp,
// no LibTorch) turns into the bracketed values.

#include "pyrepr/tensor_str.hpp"

#include <ATen/ATen.h>
#include <c10/core/DefaultDtype.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/variable.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pyrepr/object.hpp"
#include "pyrepr/strided_view.hpp"
#include "pyrepr/tensor_str_core.hpp"
#include "pyrepr/torch_features.hpp"
#include "pyrepr/torch_names.hpp"

namespace pyrepr {
namespace {

using Buffer = fmt::memory_buffer;

void append(Buffer& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

// A strided view of a CPU tensor's elements (for the core's
// get_summarized_data). Bits dtypes have no values: Python's formatter fails
// on the first element's item(), with this message.
StridedView strided_view(const at::Tensor& t) {
  const std::string name = c10::toString(t.scalar_type());
  ElementType type{};
  if (!element_type_of(name, type)) {
    throw std::runtime_error("\"_local_scalar_dense_cpu\" not implemented for '" + name + "'");
  }
  return StridedView{type, t.data_ptr(), t.sizes().vec(), t.strides().vec()};
}

void check_options(const PrintOptions& opts) {
  if (opts.precision < 0) throw std::invalid_argument("precision must be >= 0");
  if (opts.edgeitems < 0) throw std::invalid_argument("edgeitems must be >= 0");
}

// _tensor_str
void tensor_str(Buffer& out, at::Tensor self, int64_t indent, const PrintOptions& opts) {
  if (self.numel() == 0) return append(out, "[]");
#if PYREPR_HAS_NAMED_TENSORS
  if (self.has_names()) self = self.rename(c10::nullopt);
#endif
  self = self.detach().resolve_conj().resolve_neg();
  // 2.14: float4_e2m1fn_x2 has no casts; _tensor_str shows its uint8 view,
  // formatted as a floating-point tensor ("1.", "250.").
  if (std::string_view(c10::toString(self.scalar_type())) == "Float4_e2m1fn_x2") {
    self = self.view(at::kByte).to(at::kFloat);
  }
  if (self.device().type() != at::kCPU) self = self.cpu();
  detail::tensor_str(out, strided_view(self), indent, opts);
}

std::string tensor_str(const at::Tensor& self, int64_t indent, const PrintOptions& opts) {
  Buffer out;
  tensor_str(out, self, indent, opts);
  return fmt::to_string(out);
}

// str(tuple(shape)): "(2, 3)", "(3,)", "()"
std::string shape_tuple_str(at::IntArrayRef sizes) {
  if (sizes.size() == 1) return fmt::format("({},)", sizes[0]);
  return fmt::format("({})", fmt::join(sizes, ", "));
}

// str(dtype) after "torch.": the name table the reader uses too.
std::string scalar_type_name(at::ScalarType st) { return detail::dtype_name(st); }

std::string layout_str(at::Layout layout) {
  switch (layout) {
    case at::kStrided:
      return "torch.strided";
    case at::kSparse:
      return "torch.sparse_coo";
    case at::kSparseCsr:
      return "torch.sparse_csr";
    case at::kSparseCsc:
      return "torch.sparse_csc";
    case at::kSparseBsr:
      return "torch.sparse_bsr";
    case at::kSparseBsc:
      return "torch.sparse_bsc";
    case at::kMkldnn:
      return "torch._mkldnn";
    default:
      return "torch.strided";
  }
}

std::string qscheme_str(at::QScheme q) {
  switch (q) {
    case at::kPerTensorAffine:
      return "torch.per_tensor_affine";
    case at::kPerChannelAffine:
      return "torch.per_channel_affine";
    case at::kPerTensorSymmetric:
      return "torch.per_tensor_symmetric";
    case at::kPerChannelSymmetric:
      return "torch.per_channel_symmetric";
    case at::kPerChannelAffineFloatQParams:
      return "torch.per_channel_affine_float_qparams";
    default:
      return "torch.per_tensor_affine";
  }
}

// str(self.device): "cpu", "cuda:0", "meta"
std::string device_str(const at::Device& d) { return d.str(); }

// _add_suffixes
void add_suffixes(Buffer& out, const std::vector<std::string>& suffixes, int64_t indent,
                  bool force_newline, const PrintOptions& opts) {
  std::string_view s(out.data(), out.size());
  const auto nl = s.rfind('\n');
  // len(tensor_str) - tensor_str.rfind("\n") + 1, with rfind == -1 when absent
  int64_t last_line_len = static_cast<int64_t>(s.size()) -
                          (nl == std::string_view::npos ? -1 : static_cast<int64_t>(nl)) + 1;
  for (const auto& suffix : suffixes) {
    const auto suffix_len = static_cast<int64_t>(suffix.size());
    if (force_newline || last_line_len + suffix_len + 2 > opts.linewidth) {
      append(out, ",\n");
      for (int64_t k = 0; k < indent; ++k) out.push_back(' ');
      append(out, suffix);
      last_line_len = indent + suffix_len;
      force_newline = false;
    } else {
      append(out, ", ");
      append(out, suffix);
      last_line_len += suffix_len + 2;
    }
  }
  out.push_back(')');
}

// A part of a sparse tensor: _tensor_str plus ", size=..." when empty.
std::string sparse_part(const std::string& prefix, const at::Tensor& part, int64_t indent,
                        const PrintOptions& opts) {
  std::string s = prefix + tensor_str(part, indent + static_cast<int64_t>(prefix.size()), opts);
  if (part.numel() == 0) s += ", size=" + shape_tuple_str(part.sizes());
  return s + ")";
}

// _str_intern
std::string str_intern(const at::Tensor& inp, const PrintOptions& opts) {
  check_options(opts);
  const detail::TensorStrRules rules = detail::tensor_str_rules(opts.rules.torch);
  const std::string prefix = "tensor(";
  const int64_t indent = static_cast<int64_t>(prefix.size());
  std::vector<std::string> suffixes;
  std::string body;
  const at::Tensor& self = inp;

  if (self.device().type() != at::kCPU) {
    suffixes.push_back("device='" + device_str(self.device()) + "'");
  }
  const auto default_dtype = c10::typeMetaToScalarType(c10::get_default_dtype());
  const auto default_complex =
      default_dtype == at::kDouble ? at::kComplexDouble : at::kComplexFloat;
  const auto st = self.scalar_type();
  const bool has_default_dtype =
      st == default_dtype || st == default_complex || st == at::kLong || st == at::kBool;
  const std::string dtype_suffix = "dtype=torch." + scalar_type_name(st);

  if (self.is_sparse()) {
    suffixes.push_back("size=" + shape_tuple_str(self.sizes()));
    if (!self.is_meta()) suffixes.push_back(fmt::format("nnz={}", self._nnz()));
    if (!has_default_dtype) suffixes.push_back(dtype_suffix);
    body = sparse_part("indices=tensor(", self._indices().detach(), indent, opts) + ",\n" +
           std::string(indent, ' ') +
           sparse_part("values=tensor(", self._values().detach(), indent, opts);
  } else if (self.layout() == at::kSparseCsr || self.layout() == at::kSparseCsc ||
             self.layout() == at::kSparseBsr || self.layout() == at::kSparseBsc) {
    suffixes.push_back("size=" + shape_tuple_str(self.sizes()));
    suffixes.push_back(fmt::format("nnz={}", self._nnz()));
    if (!has_default_dtype) suffixes.push_back(dtype_suffix);
    const bool row = self.layout() == at::kSparseCsr || self.layout() == at::kSparseBsr;
    const at::Tensor compressed = row ? self.crow_indices() : self.ccol_indices();
    const at::Tensor plain = row ? self.col_indices() : self.row_indices();
    body = sparse_part(row ? "crow_indices=tensor(" : "ccol_indices=tensor(", compressed.detach(),
                       indent, opts) +
           ",\n" + std::string(indent, ' ') +
           sparse_part(row ? "col_indices=tensor(" : "row_indices=tensor(", plain.detach(), indent,
                       opts) +
           ",\n" + std::string(indent, ' ') +
           sparse_part("values=tensor(", self.values().detach(), indent, opts);
  } else if (self.is_quantized()) {
    suffixes.push_back("size=" + shape_tuple_str(self.sizes()));
    if (!has_default_dtype) suffixes.push_back(dtype_suffix);
    const auto q = self.qscheme();
    suffixes.push_back("quantization_scheme=" + qscheme_str(q));
    if (q == at::kPerTensorAffine || q == at::kPerTensorSymmetric) {
      suffixes.push_back("scale=" + float_repr(self.q_scale()));
      suffixes.push_back(fmt::format("zero_point={}", self.q_zero_point()));
    } else {
      suffixes.push_back("scale=" + str_intern(self.q_per_channel_scales(), opts));
      suffixes.push_back("zero_point=" + str_intern(self.q_per_channel_zero_points(), opts));
      suffixes.push_back(fmt::format("axis={}", self.q_per_channel_axis()));
    }
    body = tensor_str(self.dequantize(), indent, opts);
  } else if (self.is_meta()) {
    suffixes.push_back("size=" + shape_tuple_str(self.sizes()));
    if (st != default_dtype) suffixes.push_back(dtype_suffix);
    body = "...";
  } else if (self.numel() == 0) {
    // Explicitly print the shape if it is not (0,), to match NumPy
    if (self.dim() != 1) suffixes.push_back("size=" + shape_tuple_str(self.sizes()));
    if (st != default_dtype) suffixes.push_back(dtype_suffix);
    body = "[]";
  } else {
    if (opts.edgeitems == 0 && rules.edgeitems_zero_elides_all) {
      suffixes.push_back("size=" + shape_tuple_str(self.sizes()));
    }
    if (!has_default_dtype) suffixes.push_back(dtype_suffix);
    body = tensor_str(self.layout() != at::kStrided ? self.to_dense() : self, indent, opts);
  }

  if (self.layout() != at::kStrided) suffixes.push_back("layout=" + layout_str(self.layout()));

  const std::string grad_fn = grad_fn_name(inp);
  if (!grad_fn.empty()) {
    suffixes.push_back("grad_fn=<" + grad_fn + ">");
  } else if (inp.requires_grad()) {
    suffixes.push_back("requires_grad=True");
  }

#if PYREPR_HAS_NAMED_TENSORS
  if (rules.names_suffix && self.has_names()) {
    std::vector<std::string> names;
    for (const auto& n : self.names()) {
      names.push_back(n.isWildcard() ? "None"
                                     : std::string("'") + n.symbol().toUnqualString() + "'");
    }
    suffixes.push_back(names.size() == 1 ? "names=(" + names[0] + ",)"
                                         : fmt::format("names=({})", fmt::join(names, ", ")));
  }
#endif

  Buffer out;
  append(out, prefix);
  append(out, body);
  add_suffixes(out, suffixes, indent, /*force_newline=*/self.is_sparse(), opts);
  return fmt::to_string(out);
}

}  // namespace

std::string grad_fn_name(const at::Tensor& t) {
  if (!t.defined()) return "";
  const auto& fn = t.grad_fn();
  if (!fn) return "";
  std::string name = fn->name();
  const auto pos = name.rfind("::");
  return pos == std::string::npos ? name : name.substr(pos + 2);
}

std::string dtype_str(const at::Tensor& t) { return "torch." + scalar_type_name(t.scalar_type()); }

std::string repr(const at::Tensor& t, const PrintOptions& options) {
  if (!t.defined()) throw std::invalid_argument("repr() of an undefined tensor");
  at::NoGradGuard no_grad;
  return str_intern(t, options);
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

}  // namespace pyrepr
