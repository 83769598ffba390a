// Core (no LibTorch): the text of a dense tensor's values, as
// torch/_tensor_str.py's _tensor_str builds it (_Formatter,
// _tensor_str_with_formatter, _vector_str), from a strided view of its
// elements. Each function is named after its counterpart in _tensor_str.py.
// Python runs tensor ops per element; here the displayed elements are read
// once (get_summarized_data, strided_view.cpp) and each is formatted once,
// rounding exactly as Python's str.format does.
#include "pyrepr/tensor_str_core.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace pyrepr::detail {
namespace {

using Buffer = fmt::memory_buffer;

void append(Buffer& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

// The displayed values (strided_view.hpp: get_summarized_data over the
// tensor's elements), one of four kinds of what Python's .item() gives:
// float, int, bool, complex.
using Kind = ValueKind;

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
    // d is a power of two unless k < 0: then a shift divides (most values)
    u128 quotient = k >= 0 ? n >> (e >= 0 ? 0 : -e) : n / d;
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
    const int64_t ellipsis_at = el.elided[d] ? el.first_count[d] : -1;
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
    const int64_t ellipsis_at = el.elided[d] ? el.first_count[d] : -1;
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

// The strides of a contiguous tensor of these sizes.
std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& sizes) {
  std::vector<int64_t> strides(sizes.size(), 1);
  for (size_t d = sizes.size(); d-- > 1;) strides[d - 1] = strides[d] * sizes[d];
  return strides;
}

int64_t view_numel(const StridedView& view) {
  int64_t n = 1;
  for (int64_t s : view.sizes) n *= s;
  return n;
}

}  // namespace

void tensor_str(fmt::memory_buffer& out, const StridedView& view, int64_t indent,
                const PrintOptions& opts, const std::function<void(Elements&)>& adjust) {
  if (view_numel(view) == 0) return append(out, "[]");
  const bool summarize = static_cast<double>(view_numel(view)) > opts.threshold;
  if (summarize && opts.edgeitems == 0 && !view.sizes.empty() &&
      tensor_str_rules(opts.rules.torch).edgeitems_zero_elides_all) {
    return append(out, "[...]");
  }

  Elements el = get_summarized_data(view, summarize, opts.edgeitems);
  if (adjust) adjust(el);
  const size_t n = el.count();
  Printer p{opts, el, contiguous_strides(el.sizes), {}, {}};
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

}  // namespace pyrepr::detail
