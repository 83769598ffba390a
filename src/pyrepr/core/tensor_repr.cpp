// repr() of a tensor (TensorData, no LibTorch), as torch/_tensor_str.py builds
// it in PyTorch 1.13, 2.6 and 2.14 (what differs between them is
// TensorStrRules, release_rules.hpp). Each function is named after its
// counterpart in _tensor_str.py so the two can be read side by side: here the
// suffixes (_str_intern: device, dtype, layout, quantization, grad_fn, names)
// and the values a tensor prints (dequantized, with its conj and neg bits
// applied), which tensor_str.cpp turns into the bracketed text.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pyrepr/core/tensor_str.hpp"
#include "pyrepr/dtype.hpp"
#include "pyrepr/load.hpp"
#include "pyrepr/load/mapped_file.hpp"
#include "pyrepr/object.hpp"
#include "pyrepr/tensor_data.hpp"
#include "pyrepr/tensor_repr.hpp"

namespace pyrepr {
namespace {

using Buffer = detail::TextBuffer;
using detail::Elements;
using detail::ValueKind;

void append(Buffer& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

const DType& dtype_info(const TensorData& t) {
  if (!t.dtype) throw std::invalid_argument("repr() of an undefined tensor");
  if (t.dtype->itemsize == 0) {
    throw std::invalid_argument(std::string("repr(): unknown dtype torch.") + t.dtype->name);
  }
  return *t.dtype;
}

// The view of t's elements (for the core's get_summarized_data). Bits dtypes
// have no values: Python's formatter fails on the first element's item(),
// with this message.
StridedView strided_view(const TensorData& t, const DType& d) {
  if (d.values == DTypeValues::None) {
    throw std::runtime_error(std::string("\"_local_scalar_dense_cpu\" not implemented for '") +
                             d.c10 + "'");
  }
  if (!t.storage || t.strides.size() != t.sizes.size()) {
    throw std::invalid_argument("repr(): a tensor without its elements");
  }
  const unsigned char* base = t.storage->data + t.storage_offset * static_cast<int64_t>(d.itemsize);
  if (element_bits(d.element) < 8) {
    // LibTorch dequantizes sub-byte elements in order from the offset's byte,
    // and can't copy them into order: printing a non-contiguous one fails.
    std::vector<int64_t> strides(t.sizes.size());
    int64_t expected = 1;
    for (size_t k = t.sizes.size(); k-- > 0;) {
      if (t.sizes[k] != 1 && t.strides[k] != expected) {
        throw std::runtime_error(std::string("\"copy_kernel\" not implemented for '") + d.c10 +
                                 "'");
      }
      strides[k] = expected;
      expected *= t.sizes[k];
    }
    return StridedView{d.element, base, t.sizes, std::move(strides)};
  }
  return StridedView{d.element, base, t.sizes, t.strides};
}

// The index along `axis` of the original tensor of each displayed element.
std::vector<int64_t> channel_of_each(const Elements& el, const std::vector<int64_t>& sizes,
                                     int64_t axis) {
  const auto a = static_cast<size_t>(axis);
  int64_t inner = 1;
  for (size_t d = a + 1; d < el.sizes.size(); ++d) inner *= el.sizes[d];
  std::vector<int64_t> channels(el.count());
  for (size_t k = 0; k < channels.size(); ++k) {
    const int64_t i = (static_cast<int64_t>(k) / inner) % el.sizes[a];
    const bool tail = el.elided[a] && i >= el.first_count[a];
    channels[k] = tail ? sizes[a] - (el.sizes[a] - i) : i;
  }
  return channels;
}

// A zero point outside the integer type's range: LibTorch builds the tensor
// but refuses to dequantize it (so to print it), with this message. (Its
// sub-byte kernels, quint4x2 and quint2x4, check nothing.)
void check_zero_point(double zp, const DType& dtype, const char* kernel) {
  const bool u8 = &dtype == &dtypes::quint8, i8 = &dtype == &dtypes::qint8;
  const double lo = u8 ? 0 : i8 ? -128 : -2147483648.0;
  const double hi = u8 ? 255 : i8 ? 127 : 2147483647.0;
  if (zp > hi) {
    throw std::runtime_error(fmt::format("{} zero_point {:.0f} is above upper bound.", kernel, zp));
  }
  if (zp < lo) {
    throw std::runtime_error(fmt::format("{} zero_point {:.0f} is below lower bound.", kernel, zp));
  }
}

// dequantize(): the arithmetic LibTorch's CPU kernels do, in their types:
// per tensor float(scale) * float(q - zero_point) in float; per channel
// (q - zero_point) * scale in double; with float qparams (q - zero_point) *
// scale in float.
void dequantize(Elements& el, const TensorData& t, const DType& d) {
  const bool sub_byte = element_bits(d.element) < 8;
  detail::LargeVector<double> out(el.ints.size());
  if (t.qscheme == QScheme::PerTensorAffine) {
    if (!sub_byte) {
      check_zero_point(static_cast<double>(t.q_zero_point), d,
                       "dequantize_tensor_per_tensor_affine");
    }
    const auto scale = static_cast<float>(t.q_scale);
    for (size_t k = 0; k < out.size(); ++k) {
      out[k] = static_cast<double>(scale * static_cast<float>(el.ints[k] - t.q_zero_point));
    }
  } else {
    const std::vector<double> scales = detail::all_values(*t.q_scales);
    const std::vector<double> zps = detail::all_values(*t.q_zero_points);
    const std::vector<int64_t> channel = channel_of_each(el, t.sizes, t.q_axis);
    const bool float_qparams = t.qscheme == QScheme::PerChannelAffineFloatQParams;
    if (!float_qparams && sub_byte) {  // LibTorch has no such kernel
      throw std::runtime_error(
          std::string("\"dequantize_tensor_per_channel_affine\" not implemented for '") + d.c10 +
          "'");
    }
    if (!float_qparams) {
      for (double zp : zps) check_zero_point(zp, d, "dequantize_tensor_per_channel_affine");
    }
    for (size_t k = 0; k < out.size(); ++k) {
      const auto c = static_cast<size_t>(channel[k]);
      if (float_qparams) {
        const float v = (static_cast<float>(el.ints[k]) - static_cast<float>(zps[c])) *
                        static_cast<float>(scales[c]);
        out[k] = static_cast<double>(v);
      } else {
        const auto q = static_cast<double>(el.ints[k] - static_cast<int64_t>(zps[c]));
        out[k] = static_cast<double>(static_cast<float>(q * scales[c]));
      }
    }
  }
  el.kind = ValueKind::Floating;
  el.floats = std::move(out);
  el.ints.clear();
}

// -v in the element's own type (an int8 -128 stays -128).
int64_t negate_integer(int64_t v, ElementType type) {
  const auto u = static_cast<uint64_t>(v);
  switch (type) {
    case ElementType::Int8:
      return static_cast<int8_t>(0 - static_cast<uint8_t>(u));
    case ElementType::UInt8:
      return static_cast<uint8_t>(0 - static_cast<uint8_t>(u));
    case ElementType::Int16:
      return static_cast<int16_t>(0 - static_cast<uint16_t>(u));
    case ElementType::UInt16:
      return static_cast<uint16_t>(0 - static_cast<uint16_t>(u));
    case ElementType::Int32:
      return static_cast<int32_t>(0 - static_cast<uint32_t>(u));
    case ElementType::UInt32:
      return static_cast<uint32_t>(0 - static_cast<uint32_t>(u));
    default:
      return static_cast<int64_t>(0 - u);
  }
}

// What resolve_conj(), resolve_neg(), dequantize() and float4's byte view
// make of the displayed elements.
void values_of(Elements& el, const TensorData& t, const DType& d) {
  if (d.values == DTypeValues::Quantized) return dequantize(el, t, d);
  if (d.values == DTypeValues::ByteFloat) {
    el.floats.assign(el.ints.begin(), el.ints.end());
    el.ints.clear();
    el.kind = ValueKind::Floating;
  }
  if (t.neg) {
    for (double& v : el.floats) v = -v;
    for (int64_t& v : el.ints) v = negate_integer(v, d.element);
  }
  if (t.conj && el.kind == ValueKind::Complex) {
    for (size_t k = 1; k < el.floats.size(); k += 2) el.floats[k] = -el.floats[k];
  }
}

void check_options(const PrintOptions& opts) {
  if (opts.precision < 0) throw std::invalid_argument("precision must be >= 0");
  if (opts.edgeitems < 0) throw std::invalid_argument("edgeitems must be >= 0");
}

// _tensor_str
void tensor_str(Buffer& out, const TensorData& self, int64_t indent, const PrintOptions& opts) {
  if (self.numel() == 0) return append(out, "[]");
  if (self.dequantized) return tensor_str(out, *self.dequantized, indent, opts);
  const DType& d = dtype_info(self);
  detail::tensor_str(out, strided_view(self, d), indent, opts,
                     [&](Elements& el) { values_of(el, self, d); });
}

std::string tensor_str(const TensorData& self, int64_t indent, const PrintOptions& opts) {
  Buffer out;
  tensor_str(out, self, indent, opts);
  return {out.data(), out.size()};
}

// str(tuple(shape)): "(2, 3)", "(3,)", "()"
std::string shape_tuple_str(const std::vector<int64_t>& sizes) {
  if (sizes.size() == 1) return fmt::format("({},)", sizes[0]);
  return fmt::format("({})", fmt::join(sizes, ", "));
}

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
std::string sparse_part(const std::string& prefix, const TensorData& part, int64_t indent,
                        const PrintOptions& opts) {
  std::string s = prefix + tensor_str(part, indent + static_cast<int64_t>(prefix.size()), opts);
  if (part.numel() == 0) s += ", size=" + shape_tuple_str(part.sizes);
  return s + ")";
}

bool is_compressed(Layout layout) {
  return layout == Layout::SparseCsr || layout == Layout::SparseCsc ||
         layout == Layout::SparseBsr || layout == Layout::SparseBsc;
}

const TensorData& part(const TensorData& t, size_t k) {
  if (t.sparse_parts.size() <= k || !t.sparse_parts[k]) {
    throw std::invalid_argument("repr(): a sparse tensor without its parts");
  }
  return *t.sparse_parts[k];
}

// _str_intern
void str_intern(Buffer& out, const TensorData& self, const PrintOptions& opts) {
  const DType& st = dtype_info(self);
  check_options(opts);
  const detail::TensorStrRules rules = detail::tensor_str_rules(opts.rules.torch);
  const std::string prefix = "tensor(";
  const int64_t indent = static_cast<int64_t>(prefix.size());
  std::vector<std::string> suffixes;
  // the body is written straight into `out` after the prefix (a full print
  // of a large tensor is megabytes: it is not copied)
  std::function<void()> body;

  if (self.device != "cpu") suffixes.push_back("device='" + self.device + "'");
  const DType& default_dtype = self.default_dtype ? *self.default_dtype : dtypes::float32;
  const DType& default_complex =
      &default_dtype == &dtypes::float64 ? dtypes::complex128 : dtypes::complex64;
  const bool has_default_dtype = &st == &default_dtype || &st == &default_complex ||
                                 &st == &dtypes::int64 || &st == &dtypes::bool_;
  const std::string dtype_suffix = std::string("dtype=torch.") + st.name;
  const bool is_meta = self.device == "meta";

  if (self.layout == Layout::SparseCoo) {
    suffixes.push_back("size=" + shape_tuple_str(self.sizes));
    if (!is_meta) suffixes.push_back(fmt::format("nnz={}", self.nnz));
    if (!has_default_dtype) suffixes.push_back(dtype_suffix);
    body = [&] {
      append(out, sparse_part("indices=tensor(", part(self, 0), indent, opts) + ",\n" +
                      std::string(indent, ' ') +
                      sparse_part("values=tensor(", part(self, 1), indent, opts));
    };
  } else if (is_compressed(self.layout)) {
    suffixes.push_back("size=" + shape_tuple_str(self.sizes));
    suffixes.push_back(fmt::format("nnz={}", self.nnz));
    if (!has_default_dtype) suffixes.push_back(dtype_suffix);
    const bool row = self.layout == Layout::SparseCsr || self.layout == Layout::SparseBsr;
    body = [&, row] {
      append(out, sparse_part(row ? "crow_indices=tensor(" : "ccol_indices=tensor(", part(self, 0),
                              indent, opts) +
                      ",\n" + std::string(indent, ' ') +
                      sparse_part(row ? "col_indices=tensor(" : "row_indices=tensor(",
                                  part(self, 1), indent, opts) +
                      ",\n" + std::string(indent, ' ') +
                      sparse_part("values=tensor(", part(self, 2), indent, opts));
    };
  } else if (self.qscheme != QScheme::None) {
    suffixes.push_back("size=" + shape_tuple_str(self.sizes));
    if (!has_default_dtype) suffixes.push_back(dtype_suffix);
    suffixes.push_back(std::string("quantization_scheme=torch.") + qscheme_name(self.qscheme));
    if (self.qscheme == QScheme::PerTensorAffine || self.qscheme == QScheme::PerTensorSymmetric) {
      suffixes.push_back("scale=" + float_repr(self.q_scale));
      suffixes.push_back(fmt::format("zero_point={}", self.q_zero_point));
    } else {
      if (!self.q_scales || !self.q_zero_points) {
        throw std::invalid_argument("repr(): a per-channel quantized tensor without its scales");
      }
      suffixes.push_back("scale=" + repr(*self.q_scales, opts));
      suffixes.push_back("zero_point=" + repr(*self.q_zero_points, opts));
      suffixes.push_back(fmt::format("axis={}", self.q_axis));
    }
    body = [&] { tensor_str(out, self, indent, opts); };
  } else if (is_meta) {
    suffixes.push_back("size=" + shape_tuple_str(self.sizes));
    if (&st != &default_dtype) suffixes.push_back(dtype_suffix);
    body = [&] { append(out, "..."); };
  } else if (self.numel() == 0) {
    // Explicitly print the shape if it is not (0,), to match NumPy
    if (self.dim() != 1) suffixes.push_back("size=" + shape_tuple_str(self.sizes));
    if (&st != &default_dtype) suffixes.push_back(dtype_suffix);
    body = [&] { append(out, "[]"); };
  } else {
    if (opts.edgeitems == 0 && rules.edgeitems_zero_elides_all) {
      suffixes.push_back("size=" + shape_tuple_str(self.sizes));
    }
    if (!has_default_dtype) suffixes.push_back(dtype_suffix);
    body = [&] { tensor_str(out, self, indent, opts); };
  }

  if (self.layout != Layout::Strided) {
    suffixes.push_back(std::string("layout=torch.") + layout_name(self.layout));
  }

  if (!self.grad_fn.empty()) {
    suffixes.push_back("grad_fn=<" + self.grad_fn + ">");
  } else if (self.requires_grad) {
    suffixes.push_back("requires_grad=True");
  }

  if (rules.names_suffix && !self.names.empty()) {
    std::vector<std::string> names;
    for (const auto& n : self.names) names.push_back(n ? "'" + *n + "'" : "None");
    suffixes.push_back(names.size() == 1 ? "names=(" + names[0] + ",)"
                                         : fmt::format("names=({})", fmt::join(names, ", ")));
  }

  append(out, prefix);
  body();
  add_suffixes(out, suffixes, indent, /*force_newline=*/self.layout == Layout::SparseCoo, opts);
}

}  // namespace

namespace {

// Every value of t, as t.flatten().tolist() would give them after
// dequantize(), resolve_conj() and resolve_neg(); bool_ok: a bool tensor's too.
Elements plain_values(const TensorData& t, bool bool_ok) {
  const DType& d = dtype_info(t);
  if (t.layout != Layout::Strided) {
    throw std::invalid_argument(std::string("expected a strided tensor, not torch.") +
                                layout_name(t.layout));
  }
  Elements el = detail::get_summarized_data(strided_view(t, d), false, 0);
  values_of(el, t, d);
  if (el.kind == ValueKind::Boolean && bool_ok) {
    el.kind = ValueKind::Integral;
    el.ints = detail::LargeVector<int64_t>(el.booleans.size());
    for (size_t k = 0; k < el.booleans.size(); ++k) el.ints[k] = el.booleans[k] ? 1 : 0;
    el.booleans.clear();
  }
  return el;
}

}  // namespace

std::vector<double> real_values(const TensorData& t) {
  Elements el = plain_values(t, true);
  if (el.kind == ValueKind::Floating) return {el.floats.begin(), el.floats.end()};
  if (el.kind == ValueKind::Integral && el.unsigned64) {
    std::vector<double> v(el.ints.size());
    for (size_t k = 0; k < v.size(); ++k)
      v[k] = static_cast<double>(static_cast<uint64_t>(el.ints[k]));
    return v;
  }
  if (el.kind == ValueKind::Integral) return {el.ints.begin(), el.ints.end()};
  throw std::invalid_argument(std::string("expected a tensor of real numbers, not torch.") +
                              t.dtype->name);
}

std::vector<int64_t> integer_values(const TensorData& t) {
  const DType& d = dtype_info(t);
  if (d.values != DTypeValues::Plain || is_floating_point(d) || is_complex(d)) {
    throw std::invalid_argument(std::string("expected an integer or bool tensor, not torch.") +
                                d.name);
  }
  Elements el = plain_values(t, true);
  return {el.ints.begin(), el.ints.end()};
}

namespace detail {

std::vector<double> all_values(const TensorData& t) {
  if (t.dtype == &dtypes::bool_) {
    throw std::invalid_argument("expected a tensor of real numbers, not torch.bool");
  }
  return real_values(t);
}

std::vector<int64_t> all_ints(const TensorData& t) {
  const DType& d = dtype_info(t);
  if (&d == &dtypes::bool_)
    throw std::invalid_argument("expected an integer tensor, not torch.bool");
  try {
    return integer_values(t);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(std::string("expected an integer tensor, not torch.") + d.name);
  }
}

}  // namespace detail

namespace {

// str_intern, or a LoadError if the tensor's file shrank under it (its
// vanished pages read as zeros: mapped_file.hpp).
void str_intern_checked(Buffer& out, const TensorData& t, const PrintOptions& options) {
  const detail::FileChangeCheck check;
  str_intern(out, t, options);
  if (check.changed() || (t.storage && detail::in_vanished_file(t.storage->data)))
    throw LoadError(detail::file_changed_message());
}

}  // namespace

void format_to(fmt::memory_buffer& out, const TensorData& t, const PrintOptions& options) {
  // _add_suffixes measures the last line from the start of this tensor's text
  Buffer own;
  str_intern_checked(own, t, options);
  out.append(own.data(), own.data() + own.size());
}

std::string repr(const TensorData& t, const PrintOptions& options) {
  Buffer out;
  str_intern_checked(out, t, options);
  return {out.data(), out.size()};
}

}  // namespace pyrepr
