#include "pyrepr/load/load_diagnostics.hpp"

#include <cstdio>

#include "pyrepr/load.hpp"

namespace pyrepr::detail {

void fail(const std::string& msg) { throw LoadError(msg); }

std::string first_line(const std::string& s) {
  auto nl = s.find('\n');
  std::string line = nl == std::string::npos ? s : s.substr(0, nl);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

std::string printable(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (out.size() >= 80) return out + "...";
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace pyrepr::detail
