// repr() of a tensor, as torch/_tensor_str.py builds it in PyTorch 1.13, 2.6
// and 2.14 (what differs between them is TensorStrRules, below).
//
// Each function below is named after its counterpart in _tensor_str.py so
// the two can be read side by side. The difference is in the mechanics:
// Python runs tensor ops per element; here the displayed elements are copied
// once into a contiguous buffer (get_summarized_data selects them first, so a
// summarized print touches only what it shows) and formatted with fmt, which
// rounds exactly like Python's str.format.

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
#include "pyrepr/torch_features.hpp"
#include "pyrepr/torch_names.hpp"

namespace pyrepr {
namespace {

using Buffer = fmt::memory_buffer;

// What differs between the _tensor_str.py of the supported releases, all in
// one place; each branch below that reads a flag names it.
struct TensorStrRules {
  // 2.6 on: with edgeitems=0 a summarized tensor prints "[...]" (_vector_str,
  // get_summarized_data), and a strided tensor's suffixes start with size=
  // (_str_intern). 1.13 prints "[ ..., <the whole row>]" in 1-D and fails
  // (torch.stack of no rows) beyond.
  bool edgeitems_zero_elides_all;
  // 2.14: a forced sci_mode decides the widths (_Formatter.__init__); before,
  // the widths come from the automatic mode and the option only changes format().
  bool forced_sci_mode_sets_widths;
  // Up to 2.6: names=(...) after the other suffixes (2.14 has no named tensors).
  bool names_suffix;
};

constexpr TensorStrRules tensor_str_rules(Version torch) {
  return {torch >= Version{2, 6}, torch >= Version{2, 14}, torch < Version{2, 14}};
}

void append(Buffer& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

// The displayed values (strided_view.hpp: get_summarized_data over the
// tensor's elements), one of four kinds of what Python's .item() gives:
// float, int, bool, complex.
using detail::Elements;
using Kind = detail::ValueKind;

// ---------------------------------------------------------------------------
// Number formatting, exactly as Python's "{:.Pf}", "{:.Pe}", "{:.0f}" and
// "{}" (str of int / bool). Non-finite values print as nan/inf/-inf (Python
// never prints "-nan").

void format_nonfinite(Buffer& out, double v) {
  if (std::isnan(v)) {
    append(out, "nan");
  } else {
    append(out, v < 0 ? "-inf" : "inf");
  }
}

constexpr uint64_t kPow10[] = {1ULL,
                               10ULL,
                               100ULL,
                               1000ULL,
                               10000ULL,
                               100000ULL,
                               1000000ULL,
                               10000000ULL,
                               100000000ULL,
                               1000000000ULL,
                               10000000000ULL,
                               100000000000ULL,
                               1000000000000ULL,
                               10000000000000ULL,
                               100000000000000ULL,
                               1000000000000000ULL,
                               10000000000000000ULL,
                               100000000000000000ULL,
                               1000000000000000000ULL};

// "{:.Pf}" for a finite v whose scaled value fits in 64 bits, by exact integer
// arithmetic: |v| = m * 2^e, and m * 10^P * 2^e is rounded half to even on
// the exact binary value, as Python (and fmt) do. Returns false otherwise.
// About 5x faster than the general algorithm for the common case.
bool format_fixed_exact(Buffer& out, double v, int precision) {
  if (precision < 0 || precision > 18) return false;
  int exp = 0;
  const double frac = std::frexp(std::fabs(v), &exp);  // |v| = frac * 2^exp
  const auto m = static_cast<uint64_t>(std::ldexp(frac, 53));
  const int e = exp - 53;  // |v| = m * 2^e exactly
  using u128 = unsigned __int128;
  u128 scaled = static_cast<u128>(m) * kPow10[precision];  // < 2^113
  uint64_t q = 0;
  if (e >= 0) {
    if (e > 14) return false;
    scaled <<= e;
    if (scaled >> 64) return false;
    q = static_cast<uint64_t>(scaled);
  } else if (-e < 120) {
    const int shift = -e;
    u128 quotient = scaled >> shift;
    const u128 rem = scaled - (quotient << shift);
    const u128 half = static_cast<u128>(1) << (shift - 1);
    if (rem > half || (rem == half && (quotient & 1))) ++quotient;
    if (quotient >> 64) return false;
    q = static_cast<uint64_t>(quotient);
  }  // else: below half a unit of the last digit, rounds to 0
  if (std::signbit(v)) out.push_back('-');
  const fmt::format_int int_part(q / kPow10[precision]);
  out.append(int_part.data(), int_part.data() + int_part.size());
  if (precision > 0) {
    out.push_back('.');
    const fmt::format_int frac_part(q % kPow10[precision]);
    for (size_t k = frac_part.size(); k < static_cast<size_t>(precision); ++k) out.push_back('0');
    out.append(frac_part.data(), frac_part.data() + frac_part.size());
  }
  return true;
}

// fmt 9 stops after 767 significant digits: {:.800f} of 0.5 has 769
// characters where Python prints 802, and {:.500f} of 1e300 loses its last
// digits. Beyond this precision (309 integer digits + 450 < 767) the C
// library's printf formats instead: it is exact at any precision and rounds
// half to even on the exact binary value, as Python does.
constexpr int kFmtMaxPrecision = 450;

// printf("%.*f" or "%.*e", precision, v) appended to out.
void format_printf(Buffer& out, double v, int precision, bool sci) {
  const char* spec = sci ? "%.*e" : "%.*f";
  const int n = std::snprintf(nullptr, 0, spec, precision, v);
  if (n < 0) {
    throw std::runtime_error("cannot format a float with precision " + std::to_string(precision));
  }
  const size_t at = out.size();
  out.resize(at + static_cast<size_t>(n) + 1);
  std::snprintf(out.data() + at, static_cast<size_t>(n) + 1, spec, precision, v);
  out.resize(at + static_cast<size_t>(n));
}

void format_fixed(Buffer& out, double v, int precision) {
  if (!std::isfinite(v)) return format_nonfinite(out, v);
  if (format_fixed_exact(out, v, precision)) return;
  if (precision > kFmtMaxPrecision) return format_printf(out, v, precision, false);
  fmt::format_to(std::back_inserter(out), "{:.{}f}", v, precision);
}

// floor(log10(x)) for a finite x > 0 with x = frac * 2^exp (std::frexp's
// exp), without log10: 2^(exp-1) <= x < 2^exp, so it is floor((exp-1) *
// log10(2)) or one more, and a comparison with that power of ten decides. The
// powers beyond 1e22 are rounded, so right at a power of ten the result may be
// one off; format_sci_exact checks its digits and corrects the exponent.
int decimal_exponent(double x, int exp) {
  constexpr int kLow = -350, kHigh = 310;  // every finite double's exponent
  static const std::vector<double> kPowers = [] {
    std::vector<double> powers;
    for (int k = kLow; k <= kHigh; ++k) {
      powers.push_back(std::strtod(("1e" + std::to_string(k)).c_str(), nullptr));
    }
    return powers;
  }();
  // floor(n * log10(2)) as Ryu computes it: 78913 / 2^18 ~ log10(2).
  const int n = exp - 1;
  const int estimate = n >= 0 ? (n * 78913) >> 18 : -((-n * 78913 + (1 << 18) - 1) >> 18);
  const int next = estimate + 1;
  if (next < kLow || next > kHigh) return static_cast<int>(std::floor(std::log10(x)));
  return x >= kPowers[static_cast<size_t>(next - kLow)] ? next : estimate;
}

// "{:.Pe}" for a finite, nonzero v by exact integer arithmetic where the
// numbers fit in 128 bits: q = round(|v| * 10^(P-E)) with P+1 digits.
// Returns false (nothing written) otherwise.
bool format_sci_exact(Buffer& out, double v, int precision) {
  using u128 = unsigned __int128;
  if (precision < 0 || precision > 17 || v == 0) return false;
  int exp = 0;
  const double frac = std::frexp(std::fabs(v), &exp);
  const auto m = static_cast<uint64_t>(std::ldexp(frac, 53));
  const int e = exp - 53;  // |v| = m * 2^e exactly
  if (e > 60 || e < -120) return false;
  int decimal_exp = decimal_exponent(std::fabs(v), exp);
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int k = precision - decimal_exp;  // q = round(m * 2^e * 10^k)
    if (k > 19 || k < -19) return false;
    u128 n = m, d = 1;
    if (k >= 0) {
      n *= kPow10[std::min(k, 18)] * (k == 19 ? 10 : 1);
    } else {
      d = kPow10[std::min(-k, 18)] * (k == -19 ? 10 : 1);
    }
    if (e >= 0) {
      if (n >> (127 - e)) return false;
      n <<= e;
    } else {
      if (d >> (126 + e)) return false;
      d <<= -e;
    }
    // n / d = |v| * 10^k exactly. Its integer part has P+1 digits exactly
    // when decimal_exp is |v|'s decimal exponent; otherwise the estimate was
    // off by one (near a power of ten), and the other exponent is tried. The
    // check is on the unrounded value: 9.9999999999999996e+30 rounds to
    // 10^16 with exponent 31, but its exponent is 30.
    const uint64_t lo = kPow10[precision], hi = 10 * lo;
    u128 quotient = n / d;
    if (quotient < lo) {
      --decimal_exp;
    } else if (quotient >= hi) {
      ++decimal_exp;
    } else {
      const u128 rem = n - quotient * d;  // round half to even
      if (rem > d - rem || (rem == d - rem && (quotient & 1))) ++quotient;
      uint64_t q = static_cast<uint64_t>(quotient);  // at most hi
      if (q == hi) q = lo, ++decimal_exp;            // 9.99996 -> 1.0000e+01
      if (std::signbit(v)) out.push_back('-');
      const fmt::format_int digits(q);
      out.push_back(digits.data()[0]);
      if (precision > 0) {
        out.push_back('.');
        out.append(digits.data() + 1, digits.data() + digits.size());
      }
      out.push_back('e');
      out.push_back(decimal_exp < 0 ? '-' : '+');
      const int a = std::abs(decimal_exp);
      if (a < 10) out.push_back('0');
      const fmt::format_int exp_digits(a);
      out.append(exp_digits.data(), exp_digits.data() + exp_digits.size());
      return true;
    }
  }
  return false;
}

void format_sci(Buffer& out, double v, int precision) {
  if (!std::isfinite(v)) return format_nonfinite(out, v);
  if (format_sci_exact(out, v, precision)) return;
  if (precision > kFmtMaxPrecision) return format_printf(out, v, precision, true);
  fmt::format_to(std::back_inserter(out), "{:.{}e}", v, precision);
}

// ---------------------------------------------------------------------------
// _Formatter. Python formats every value twice (once in __init__ to measure
// widths, once to print); here each displayed value is formatted once into a
// string table, and format() pads it to the width.
class Formatter {
 public:
  // _Formatter.__init__ for a floating-point tensor: `values` are the
  // displayed values (get_summarized_data), as doubles.
  static Formatter floating(const double* values, size_t n, size_t stride,
                            const PrintOptions& opts) {
    Formatter f;
    double amin = std::numeric_limits<double>::infinity(), amax = 0;
    bool any = false, int_mode = true;
    for (size_t k = 0; k < n; ++k) {  // nonzero_finite_vals
      const double v = values[k * stride];
      if (!std::isfinite(v) || v == 0) continue;
      any = true;
      const double a = std::fabs(v);
      amin = std::min(amin, a);
      amax = std::max(amax, a);
      if (v != std::ceil(v)) int_mode = false;
    }
    // The automatic choice; with no valid number it stays int mode and the
    // sci_mode option is not applied either.
    bool auto_sci = false;
    if (any) {
      auto_sci = amax / amin > 1000.0 || amax > 1.0e8 || (!int_mode && amin < 1.0e-4);
    }
    const bool sci = any && opts.sci_mode ? *opts.sci_mode : auto_sci;
    const bool forced_sets_widths = tensor_str_rules(opts.rules.torch).forced_sci_mode_sets_widths;
    const int precision = opts.precision;
    auto format_one = [&](Buffer& out, double v, bool as_sci) {
      if (as_sci) {
        format_sci(out, v, precision);
      } else if (int_mode) {
        format_fixed(out, v, 0);
        if (std::isfinite(v)) out.push_back('.');
      } else {
        format_fixed(out, v, precision);
      }
    };
    f.ends_.reserve(n);
    f.chars_.reserve(n * static_cast<size_t>(std::min(precision, 20) + 8));
    size_t width = 1;
    for (size_t k = 0; k < n; ++k) {
      const double v = values[k * stride];
      const size_t start = f.chars_.size();
      format_one(f.chars_, v, sci);
      f.ends_.push_back(f.chars_.size());
      if ((sci == auto_sci || forced_sets_widths) && std::isfinite(v) && v != 0)
        width = std::max(width, f.chars_.size() - start);
    }
    if (sci != auto_sci && !forced_sets_widths) {  // the automatic style's widths
      Buffer scratch;
      for (size_t k = 0; k < n; ++k) {
        const double v = values[k * stride];
        if (!std::isfinite(v) || v == 0) continue;
        scratch.clear();
        format_one(scratch, v, auto_sci);
        width = std::max(width, scratch.size());
      }
    }
    f.max_width_ = width;
    return f;
  }

  // _Formatter.__init__ for integer and bool tensors: the width of str(value).
  static Formatter integral(const int64_t* values, size_t n, bool unsigned64) {
    Formatter f;
    f.ends_.reserve(n);
    for (size_t k = 0; k < n; ++k) {
      const fmt::format_int s = unsigned64 ? fmt::format_int(static_cast<uint64_t>(values[k]))
                                           : fmt::format_int(values[k]);
      f.chars_.append(s.data(), s.data() + s.size());
      f.ends_.push_back(f.chars_.size());
      f.max_width_ = std::max(f.max_width_, s.size());
    }
    return f;
  }
  static Formatter boolean(const std::vector<bool>& values) {
    Formatter f;
    const size_t n = values.size();
    f.ends_.reserve(n);
    for (size_t k = 0; k < n; ++k) {
      append(f.chars_, values[k] ? "True" : "False");
      f.ends_.push_back(f.chars_.size());
      f.max_width_ = std::max<size_t>(f.max_width_, values[k] ? 4 : 5);
    }
    return f;
  }

  size_t width() const { return max_width_; }

  // _Formatter.format of the k-th displayed value: right-aligned to max_width.
  void format(Buffer& out, size_t k) const {
    const std::string_view s = unpadded(k);
    for (size_t pad = s.size(); pad < max_width_; ++pad) out.push_back(' ');
    append(out, s);
  }
  std::string_view unpadded(size_t k) const {
    const size_t begin = k == 0 ? 0 : ends_[k - 1];
    return std::string_view(chars_.data() + begin, ends_[k] - begin);
  }

 private:
  Buffer chars_;              // the unpadded strings, one after the other
  std::vector<size_t> ends_;  // where each one ends in chars_
  size_t max_width_ = 1;
};

// ---------------------------------------------------------------------------
// Layout
struct Printer {
  const PrintOptions& opts;
  const Elements& el;
  const std::vector<bool>& elided;  // per dim: show first e, "...", last items
  const std::vector<int64_t>& first_count;
  std::vector<int64_t> strides;  // of the contiguous summarized data
  Formatter f1, f2;              // f2: imaginary parts (complex only)

  // _scalar_str / _val_formatter: one element at flat index k.
  void val_formatter(Buffer& out, int64_t k) const {
    const auto index = static_cast<size_t>(k);
    f1.format(out, index);
    if (el.kind != Kind::Complex) return;
    // imag = (f2.format(im) + "j").lstrip(): the unpadded string; a sign is
    // kept, otherwise "+" is inserted
    const std::string_view imag = f2.unpadded(index);
    if (imag.front() != '+' && imag.front() != '-') out.push_back('+');
    append(out, imag);
    out.push_back('j');
  }

  // _vector_str
  void vector_str(Buffer& out, int64_t indent, int d, int64_t base) const {
    size_t element_length = f1.width() + 2;
    if (el.kind == Kind::Complex) element_length += f2.width() + 1;
    int64_t per_line = std::max<int64_t>(
        1, static_cast<int64_t>(std::floor(static_cast<double>(opts.linewidth - indent) /
                                           static_cast<double>(element_length))));
    const int64_t n = el.sizes[d];
    const int64_t ellipsis_at = elided[d] ? first_count[d] : -1;
    out.push_back('[');
    int64_t slot = 0;  // position in the data list, the ellipsis included
    auto separator = [&] {
      if (slot == 0) return;
      if (slot % per_line == 0) {
        out.push_back(',');
        out.push_back('\n');
        for (int64_t s = 0; s < indent + 1; ++s) out.push_back(' ');
      } else {
        append(out, ", ");
      }
    };
    for (int64_t k = 0; k < n; ++k) {
      if (k == ellipsis_at) {
        separator();
        append(out, " ...");
        ++slot;
      }
      separator();
      val_formatter(out, base + k * strides[d]);
      ++slot;
    }
    out.push_back(']');
  }

  // _tensor_str_with_formatter
  void tensor_str_with_formatter(Buffer& out, int64_t indent, int d, int64_t base) const {
    const int dim = static_cast<int>(el.sizes.size()) - d;
    if (dim == 0) return val_formatter(out, base);
    if (dim == 1) return vector_str(out, indent, d, base);
    const int64_t n = el.sizes[d];
    const int64_t ellipsis_at = elided[d] ? first_count[d] : -1;
    auto separator = [&] {
      out.push_back(',');
      for (int s = 0; s < dim - 1; ++s) out.push_back('\n');
      for (int64_t s = 0; s < indent + 1; ++s) out.push_back(' ');
    };
    out.push_back('[');
    for (int64_t k = 0; k < n; ++k) {
      if (k > 0) separator();
      if (k == ellipsis_at) {
        append(out, "...");
        separator();
      }
      tensor_str_with_formatter(out, indent + 1, d + 1, base + k * strides[d]);
    }
    out.push_back(']');
  }
};

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

// The strides of a contiguous tensor of these sizes.
std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& sizes) {
  std::vector<int64_t> strides(sizes.size(), 1);
  for (size_t d = sizes.size(); d-- > 1;) strides[d - 1] = strides[d] * sizes[d];
  return strides;
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
  const bool summarize = static_cast<double>(self.numel()) > opts.threshold;
  if (summarize && opts.edgeitems == 0 && self.dim() > 0 &&
      tensor_str_rules(opts.rules.torch).edgeitems_zero_elides_all) {
    return append(out, "[...]");
  }

  const Elements el = detail::get_summarized_data(strided_view(self), summarize, opts.edgeitems);
  const size_t n = el.count();
  Printer p{opts, el, el.elided, el.first_count, contiguous_strides(el.sizes), {}, {}};
  switch (el.kind) {
    case Kind::Floating:
      p.f1 = Formatter::floating(el.floats.data(), n, 1, opts);
      break;
    case Kind::Complex:
      p.f1 = Formatter::floating(el.floats.data(), n, 2, opts);
      p.f2 = Formatter::floating(el.floats.data() + 1, n, 2, opts);
      break;
    case Kind::Integral:
      p.f1 = Formatter::integral(el.ints.data(), n, el.unsigned64);
      break;
    case Kind::Boolean:
      p.f1 = Formatter::boolean(el.booleans);
      break;
  }
  // the output's size, to allocate it once: each element, padded, and ", "
  const size_t element = p.f1.width() + 2 + (el.kind == Kind::Complex ? p.f2.width() + 2 : 0);
  out.reserve(out.size() + n * element + 64);
  p.tensor_str_with_formatter(out, indent, 0, 0);
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
  const TensorStrRules rules = tensor_str_rules(opts.rules.torch);
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
