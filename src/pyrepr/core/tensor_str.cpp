// Core (no LibTorch): the text of a dense tensor's values, as
// torch/_tensor_str.py's _tensor_str builds it (_Formatter,
// _tensor_str_with_formatter, _vector_str), from a strided view of its
// elements. Each function is named after its counterpart in _tensor_str.py.
// Python runs tensor ops per element; here the displayed elements are read
// once (get_summarized_data, strided_view.cpp) and each is formatted once,
// rounding exactly as Python's str.format does.
#include "pyrepr/core/tensor_str.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "pyrepr/core/float_format.hpp"

namespace pyrepr::detail {
namespace {

using Buffer = TextBuffer;

void append(Buffer& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

// The displayed values (strided_view.hpp: get_summarized_data over the
// tensor's elements), one of four kinds of what Python's .item() gives:
// float, int, bool, complex.
using Kind = ValueKind;

// Writes s at p; returns the end.
char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
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
      f.add(start);
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
      const size_t start = f.chars_.size();
      f.chars_.append(s.data(), s.data() + s.size());
      f.add(start);
      f.max_width_ = std::max(f.max_width_, s.size());
    }
    return f;
  }
  static Formatter boolean(const std::vector<bool>& values) {
    Formatter f;
    const size_t n = values.size();
    f.ends_.reserve(n);
    for (size_t k = 0; k < n; ++k) {
      const size_t start = f.chars_.size();
      append(f.chars_, values[k] ? "True" : "False");
      f.add(start);
      f.max_width_ = std::max<size_t>(f.max_width_, values[k] ? 4 : 5);
    }
    return f;
  }

  size_t width() const { return max_width_; }
  // The most characters format() writes for one value (a nan or a zero may be
  // longer than the width, which counts only nonzero finite values).
  size_t padded_bound() const { return std::max(max_width_, longest_); }

  // _Formatter.format of the k-th displayed value: right-aligned to
  // max_width, written at p; returns the end.
  char* format(char* p, size_t k) const {
    const std::string_view s = unpadded(k);
    if (s.size() < max_width_) {
      std::memset(p, ' ', max_width_ - s.size());
      p += max_width_ - s.size();
    }
    return put(p, s);
  }
  std::string_view unpadded(size_t k) const {
    const size_t begin = k == 0 ? 0 : ends_[k - 1];
    return std::string_view(chars_.data() + begin, ends_[k] - begin);
  }

 private:
  // Records the value formatted since `start` in chars_.
  void add(size_t start) {
    ends_.push_back(chars_.size());
    longest_ = std::max(longest_, chars_.size() - start);
  }

  Buffer chars_;              // the unpadded strings, one after the other
  LargeVector<size_t> ends_;  // where each one ends in chars_
  size_t max_width_ = 1;
  size_t longest_ = 0;  // the longest unpadded string
};

// ---------------------------------------------------------------------------
// Layout. Each row is written through a pointer into room made for its
// longest possible text (the per-character appends were a third of a full
// print's time).

// Makes room for `bound` more characters at the end of out; returns where.
char* make_room(Buffer& out, size_t bound) {
  const size_t at = out.size();
  out.resize(at + bound);
  return out.data() + at;
}
// Ends out at p, inside the room make_room made.
void end_at(Buffer& out, const char* p) { out.resize(static_cast<size_t>(p - out.data())); }

struct Printer {
  const PrintOptions& opts;
  const Elements& el;
  std::vector<int64_t> strides;  // of the contiguous summarized data
  Formatter f1, f2;              // f2: imaginary parts (complex only)

  // The most characters val_formatter writes.
  size_t value_bound() const {
    return f1.padded_bound() + (el.kind == Kind::Complex ? f2.padded_bound() + 2 : 0);
  }

  // _scalar_str / _val_formatter: one element at flat index k, written at p;
  // returns the end.
  char* val_formatter(char* p, int64_t k) const {
    const auto index = static_cast<size_t>(k);
    p = f1.format(p, index);
    if (el.kind != Kind::Complex) return p;
    // imag = (f2.format(im) + "j").lstrip(): the unpadded string; a sign is
    // kept, otherwise "+" is inserted
    const std::string_view imag = f2.unpadded(index);
    if (imag.front() != '+' && imag.front() != '-') *p++ = '+';
    p = put(p, imag);
    *p++ = 'j';
    return p;
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
    // Room for n values, " ..." and their separators, each possibly ",\n"
    // and the indent, and the brackets.
    const auto line_break = static_cast<size_t>(indent + 3);
    const size_t slots = static_cast<size_t>(n) + 1;
    char* p = make_room(out, slots * (value_bound() + line_break + 4) + 2);
    *p++ = '[';
    int64_t until_break = per_line;  // slots left on this line
    bool first = true;
    auto separator = [&] {
      if (first) {
        first = false;
        --until_break;
        return;
      }
      if (until_break == 0) {
        *p++ = ',';
        *p++ = '\n';
        std::memset(p, ' ', static_cast<size_t>(indent + 1));
        p += indent + 1;
        until_break = per_line;
      } else {
        *p++ = ',';
        *p++ = ' ';
      }
      --until_break;
    };
    for (int64_t k = 0; k < n; ++k) {
      if (k == ellipsis_at) {
        separator();
        p = put(p, " ...");
      }
      separator();
      p = val_formatter(p, base + k * strides[d]);
    }
    *p++ = ']';
    end_at(out, p);
  }

  // _tensor_str_with_formatter
  void tensor_str_with_formatter(Buffer& out, int64_t indent, int d, int64_t base) const {
    const int dim = static_cast<int>(el.sizes.size()) - d;
    if (dim == 0) return end_at(out, val_formatter(make_room(out, value_bound()), base));
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

void tensor_str(TextBuffer& out, const StridedView& view, int64_t indent, const PrintOptions& opts,
                const std::function<void(Elements&)>& adjust) {
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
