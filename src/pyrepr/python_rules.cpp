#include "pyrepr/python_rules.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "pyrepr/python_int.hpp"

namespace pyrepr::detail {

bool valid_utf8(const unsigned char* s, size_t n, bool surrogatepass) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf)
      len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
      len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
      len = 4, cp = c & 0x07;
    else
      return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return false;
    if (!surrogatepass && cp >= 0xd800 && cp <= 0xdfff) return false;
    i += len;
  }
  return true;
}

std::string dict_key(const Node* k, int depth, int max_depth) {
  if (depth > max_depth) fail("dict key nested too deeply");
  switch (k->kind) {
    case Kind::None:
      return "N";
    case Kind::Bool:
      return "i" + std::to_string(k->flag ? 1 : 0);
    case Kind::Int:
      return "i" + std::to_string(k->i);
    case Kind::BigInt:
      return "i" + k->s;
    case Kind::Float: {
      double v = k->f;
      if (std::isnan(v)) return "p" + std::to_string(reinterpret_cast<uintptr_t>(k));
      if (std::isfinite(v) && v == std::floor(v)) {
        if (std::fabs(v) < 9.2e18) return "i" + std::to_string(static_cast<int64_t>(v));
        return "i" + integral_double_decimal(v);
      }
      char buf[64];
      std::snprintf(buf, sizeof buf, "f%a", v);
      return buf;
    }
    case Kind::Str:
      return "s" + k->s;
    case Kind::Bytes:
      return "b" + k->s;
    case Kind::Size: {
      std::string s = "t(";  // torch.Size hashes and compares like a tuple of ints
      for (int64_t d : k->dims) {
        std::string part = "i" + std::to_string(d);
        s += std::to_string(part.size()) + ":" + part;
      }
      return s + ")";
    }
    case Kind::Tuple: {
      std::string s = "t(";
      for (const Node* x : k->items) {
        std::string part = dict_key(x, depth + 1, max_depth);
        s += std::to_string(part.size()) + ":" + part;
      }
      return s + ")";
    }
    case Kind::Global:
      return "g" + global_name(k);
    case Kind::Tensor:
    case Kind::Storage:
      return "p" + std::to_string(reinterpret_cast<uintptr_t>(k));
    case Kind::List:
    case Kind::Dict:
      break;
  }
  fail(std::string("unhashable type: '") + kind_name(k) + "' used as a dict key");
}

std::string latin1_encode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80)
      out += static_cast<char>(c), i += 1;
    else if ((c == 0xc2 || c == 0xc3) && i + 1 < s.size())
      out += static_cast<char>(((c & 0x1f) << 6) | (s[i + 1] & 0x3f)), i += 2;
    else
      fail("_codecs.encode: 'latin-1' codec can't encode the string");
  }
  return out;
}

}  // namespace pyrepr::detail
