// Python's repr()/str() of the values in the Object model, and print(), by the
// rules of the Python release in PrintOptions::rules.python (3.11, 3.13 or
// 3.14; see PythonReprRules below for what differs). The rules follow
// CPython: float_repr is float.__repr__ (PyOS_double_to_string in 'r' mode),
// str_repr is unicode_repr (Objects/unicodeobject.c), the bytes repr is
// bytes_repr (Objects/bytesobject.c); list/tuple/dict/OrderedDict join the
// repr of their elements.
#include "pyrepr/object.hpp"
#include "pyrepr/tensor_repr.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iostream>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

#include "pyrepr/core/options_snapshot.hpp"
#include "pyrepr/core/release_rules.hpp"
#include "pyrepr/core/utf8.hpp"
#include "pyrepr/load.hpp"
#include "pyrepr/load/mapped_file.hpp"
#include "pyrepr/tensor_data.hpp"

namespace pyrepr {

namespace {

using detail::python_repr_rules;
using detail::PythonReprRules;

struct CodeRange {
  uint32_t first;
  uint32_t last;
};
// The printable code points of one Python release: all of them for the
// oldest, what it adds to the previous release for the others.
struct PrintableTable {
  Version python;
  const CodeRange* ranges;
  size_t size;
};

#include "pyrepr/core/unicode_printable.inc"

bool in_ranges(const CodeRange* begin, const CodeRange* end, uint32_t ch) {
  const CodeRange* it =
      std::upper_bound(begin, end, ch, [](uint32_t c, const CodeRange& r) { return c < r.first; });
  if (it == begin) return false;
  --it;
  return ch <= it->last;
}

// Py_UNICODE_ISPRINTABLE for a code point >= 0x80, under Python `python`.
bool is_printable_non_ascii(uint32_t ch, Version python) {
  for (const PrintableTable& table : kPrintableTables) {
    if (table.python > python) break;
    if (in_ranges(table.ranges, table.ranges + table.size, ch)) return true;
  }
  return false;
}

// Decodes one code point of UTF-8 starting at s[i] and advances i. Encoded
// surrogates (as pickle's 'surrogatepass' writes them) decode to the
// surrogate code point. A byte that does not start a valid sequence decodes
// to U+DC80 + byte, as Python's 'surrogateescape' error handler would, so it
// is shown as '\udcNN' rather than lost.
uint32_t decode_utf8(const std::string& s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  }
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xDC00 + b0;
  }
  for (int k = 1; k < len; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xDC00 + b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF) {
    ++i;
    return 0xDC00 + b0;
  }
  i += len;
  return cp;
}

// Backslash, the letter, then `digits` lowercase hex digits of v.
void append_hex_escape(std::string& out, char letter, uint32_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '\\';
  out += letter;
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += kHex[(v >> shift) & 0xF];
}

// bytes_repr (Objects/bytesobject.c) with smartquotes.
std::string bytes_repr(const std::string& data) {
  const bool squote = data.find('\'') != std::string::npos;
  const bool dquote = data.find('"') != std::string::npos;
  const char quote = (squote && !dquote) ? '"' : '\'';
  std::string out = "b";
  out += quote;
  for (const char ch : data) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < ' ' || c >= 0x7f) {
      append_hex_escape(out, 'x', c, 2);
    } else {
      out += ch;
    }
  }
  out += quote;
  return out;
}

// torch.Size.__repr__.
std::string size_repr(const Size& size) {
  std::string out = "torch.Size([";
  for (size_t i = 0; i < size.dims.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(size.dims[i]);
  }
  out += "])";
  return out;
}

// unicode_repr (Objects/unicodeobject.c) under the given release's Unicode
// tables.
std::string str_repr_under(const std::string& s, const PythonReprRules& rules) {
  std::vector<uint32_t> cps;
  cps.reserve(s.size());
  for (size_t i = 0; i < s.size();) cps.push_back(decode_utf8(s, i));

  const bool squote = std::find(cps.begin(), cps.end(), uint32_t('\'')) != cps.end();
  const bool dquote = std::find(cps.begin(), cps.end(), uint32_t('"')) != cps.end();
  const uint32_t quote = (squote && !dquote) ? uint32_t{'"'} : uint32_t{'\''};

  std::string out;
  out.reserve(s.size() + 2);
  out += static_cast<char>(quote);
  for (const uint32_t ch : cps) {
    if (ch == quote || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch < ' ' || ch == 0x7f) {
      append_hex_escape(out, 'x', ch, 2);
    } else if (ch < 0x7f) {
      out += static_cast<char>(ch);
    } else if (is_printable_non_ascii(ch, rules.unicode_of)) {
      detail::append_utf8(out, ch);
    } else if (ch <= 0xff) {
      append_hex_escape(out, 'x', ch, 2);
    } else if (ch <= 0xffff) {
      append_hex_escape(out, 'u', ch, 4);
    } else {
      append_hex_escape(out, 'U', ch, 8);
    }
  }
  out += static_cast<char>(quote);
  return out;
}

// repr() of every value in an Object tree, under one output's options,
// appended to `out`; handed to `sink` in pieces when one is given.
struct ReprVisitor {
  const PrintOptions& options;
  PythonReprRules rules;
  fmt::memory_buffer& out;
  const std::function<void(std::string_view)>* sink = nullptr;
  size_t chunk = 0;

  void repr_of(const Object& obj) { std::visit(*this, obj.value()); }

  void put(std::string_view s) { out.append(s.data(), s.data() + s.size()); }
  void put(char c) { out.push_back(c); }
  // Between the items of a container: the text so far goes to the sink once
  // it is a chunk long.
  void maybe_flush() {
    if (sink && out.size() >= chunk) {
      (*sink)(std::string_view(out.data(), out.size()));
      out.clear();
    }
  }

  void operator()(const None&) { put("None"); }
  void operator()(bool v) { put(v ? "True" : "False"); }
  void operator()(int64_t v) { fmt::format_to(fmt::appender(out), "{}", v); }
  void operator()(const BigInt& v) { put(v.decimal); }
  void operator()(double v) { put(float_repr(v)); }
  void operator()(const std::string& v) { put(str_repr_under(v, rules)); }
  void operator()(const Bytes& v) { put(bytes_repr(v.data)); }
  void operator()(const TensorValue& v) {
    if (v.is_parameter) put("Parameter containing:\n");
    put(pyrepr::repr(*v.tensor, options));
  }
  void operator()(const Size& v) { put(size_repr(v)); }
  void operator()(const Global& v) {
    put(v.module);
    put('.');
    put(v.name);
  }
  // object_repr: "<%s object at %p>" (%p: "0x" and lowercase hex digits).
  void operator()(const Instance& v) {
    fmt::format_to(fmt::appender(out), "<{} object at {:#x}>", v.type_name, v.address);
  }
  void operator()(const List& v) { seq_repr(v, "[", "]", false); }
  void operator()(const IntList& v) {
    put('[');
    const PackedInts& ints = *v.ints;
    for (size_t i = 0; i < ints.size(); ++i) {
      if (i) put(", ");
      fmt::format_to(fmt::appender(out), "{}", ints[i]);
      maybe_flush();
    }
    put(']');
  }
  void operator()(const Tuple& v) { seq_repr(v.items, "(", ")", true); }
  void operator()(const Dict& v) { dict_repr(v); }
  // torch/csrc/utils/structseq.cpp, returned_structseq_repr: the type, then
  // each field as name=repr on its own line.
  void operator()(const StructSeq& v) {
    put(v.type_name);
    put("(\n");
    for (size_t i = 0; i < v.fields.size(); ++i) {
      if (i) put(",\n");
      put(v.fields[i].first);
      put('=');
      repr_of(v.fields[i].second);
    }
    put(')');
  }
  // Py_ReprEnter's answer to a container already being printed.
  void operator()(const Recursive& v) {
    switch (v.of) {
      case Recursive::Of::List:
        return put("[...]");
      case Recursive::Of::Tuple:
        return put("(...)");
      case Recursive::Of::Dict:
        return put("{...}");
      case Recursive::Of::OrderedDict:
        return put("...");
    }
  }

  // list_repr / tuplerepr: element reprs inserted verbatim.
  void seq_repr(const std::vector<Object>& items, const char* open, const char* close,
                bool is_tuple) {
    put(open);
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) put(", ");
      repr_of(items[i]);
      maybe_flush();
    }
    if (is_tuple && items.size() == 1) put(',');
    put(close);
  }

  // dict_repr, and odict_repr: "OrderedDict({k: v, ...})" since Python 3.12,
  // "OrderedDict([(k, v), ...])" before; "OrderedDict()" when empty.
  void dict_repr(const Dict& dict) {
    if (dict.ordered && dict.items.empty()) return put("OrderedDict()");
    const bool as_pairs = dict.ordered && !rules.odict_as_dict;
    put(!dict.ordered ? "{" : as_pairs ? "OrderedDict([" : "OrderedDict({");
    for (size_t i = 0; i < dict.items.size(); ++i) {
      if (i) put(", ");
      if (as_pairs) put('(');
      repr_of(dict.items[i].first);
      put(as_pairs ? ", " : ": ");
      repr_of(dict.items[i].second);
      if (as_pairs) put(')');
      maybe_flush();
    }
    put(!dict.ordered ? "}" : as_pairs ? "])" : "})");
  }
};

// repr(value) appended to `out` (and handed to `sink` in pieces, if given),
// under one snapshot of the options.
void write_repr(fmt::memory_buffer& out, const Object& value,
                const std::function<void(std::string_view)>* sink, size_t chunk) {
  const detail::OptionsSnapshot snapshot;  // every tensor inside prints with the same options
  const PrintOptions& options = snapshot.options();
  const detail::FileChangeCheck check;  // a loaded tensor's file may shrink while it prints
  ReprVisitor{options, python_repr_rules(options.rules.python), out, sink, chunk}.repr_of(value);
  if (check.changed()) throw LoadError(detail::file_changed_message());
}

// str(value): repr(value) but for a str, which is its own text.
void write_str(fmt::memory_buffer& out, const Object& value,
               const std::function<void(std::string_view)>* sink, size_t chunk) {
  if (!value.is<std::string>()) return write_repr(out, value, sink, chunk);
  const std::string& s = value.as<std::string>();
  out.append(s.data(), s.data() + s.size());
}

}  // namespace

std::string float_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  std::string out = std::signbit(v) ? "-" : "";
  if (v == 0) return out + "0.0";

  // Shortest round-trip digits, as _Py_dg_dtoa mode 0 gives them.
  std::array<char, 64> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), std::fabs(v),
                                 std::chars_format::scientific);
  const std::string sci(buf.data(), res.ptr);  // "d[.ddd]e[+-]XX"
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (size_t i = 0; i < e_pos; ++i)
    if (sci[i] != '.') digits += sci[i];
  // value = 0.<digits> * 10**decpt
  const int decpt = std::stoi(sci.substr(e_pos + 1)) + 1;
  const int ndigits = static_cast<int>(digits.size());

  if (decpt <= -4 || decpt > 16) {
    out += digits[0];
    if (ndigits > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    const int exponent = decpt - 1;
    out += exponent < 0 ? "e-" : "e+";
    const int abs_exp = exponent < 0 ? -exponent : exponent;
    if (abs_exp < 10) out += '0';
    out += std::to_string(abs_exp);
  } else if (decpt <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-decpt), '0');
    out += digits;
  } else if (decpt >= ndigits) {
    out += digits;
    out.append(static_cast<size_t>(decpt - ndigits), '0');
    out += ".0";
  } else {
    out.append(digits, 0, static_cast<size_t>(decpt));
    out += '.';
    out.append(digits, static_cast<size_t>(decpt), std::string::npos);
  }
  return out;
}

std::string str_repr(const std::string& s) {
  const detail::OptionsSnapshot snapshot;
  return str_repr_under(s, python_repr_rules(snapshot.options().rules.python));
}

std::string repr(const Object& obj) {
  fmt::memory_buffer out;
  write_repr(out, obj, nullptr, 0);
  return fmt::to_string(out);
}

std::string str(const Object& obj) {
  if (obj.is<std::string>()) return obj.as<std::string>();
  return repr(obj);
}

void format_to(fmt::memory_buffer& out, const Object& value) { write_str(out, value, nullptr, 0); }

void format_chunks(const Object& value, const std::function<void(std::string_view)>& sink,
                   size_t chunk) {
  fmt::memory_buffer out;
  write_str(out, value, &sink, chunk);
  if (out.size()) sink(std::string_view(out.data(), out.size()));
}

namespace {

// print(*args, sep=..., end=...)'s text: one option set for the whole line.
fmt::memory_buffer print_line(const std::vector<Object>& args, const PrintKw& kw) {
  const detail::OptionsSnapshot snapshot;
  fmt::memory_buffer line;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) line.append(kw.sep.data(), kw.sep.data() + kw.sep.size());
    format_to(line, args[i]);
  }
  line.append(kw.end.data(), kw.end.data() + kw.end.size());
  return line;
}

}  // namespace

void print_to(std::ostream& os, const std::vector<Object>& args, const PrintKw& kw) {
  const fmt::memory_buffer line = print_line(args, kw);
  os.write(line.data(), static_cast<std::streamsize>(line.size()));
}

bool print_to(std::FILE* f, const std::vector<Object>& args, const PrintKw& kw) {
  const fmt::memory_buffer line = print_line(args, kw);
  return std::fwrite(line.data(), 1, line.size(), f) == line.size();
}

std::ostream& operator<<(std::ostream& os, const Object& obj) { return os << str(obj); }

void print_args(const std::vector<Object>& args, const PrintKw& kw) {
  print_to(std::cout, args, kw);
}

}  // namespace pyrepr
