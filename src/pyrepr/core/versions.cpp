#include "pyrepr/versions.hpp"

#include <cctype>
#include <stdexcept>

#ifndef PYREPR_TORCH_VERSION
#error "PYREPR_TORCH_VERSION (the LibTorch version, e.g. \"1.13.1\") is set by src/CMakeLists.txt"
#endif
#ifndef PYREPR_PYTHON_VERSION
#error \
    "PYREPR_PYTHON_VERSION (the oracle Python's version, e.g. \"3.11\") is set by src/CMakeLists.txt"
#endif

namespace pyrepr {
namespace {

// "X.Y" at the start of text, followed by nothing, ".patch..." or "+local".
bool parse_major_minor(std::string_view text, Version& v) {
  size_t i = 0;
  auto number = [&](int& out) {
    const size_t start = i;
    out = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && i - start < 4) {
      out = out * 10 + (text[i++] - '0');
    }
    return i > start;
  };
  if (!number(v.major) || i >= text.size() || text[i++] != '.' || !number(v.minor)) return false;
  if (i == text.size()) return true;
  if (text[i] == '+') return true;
  if (text[i] != '.') return false;
  ++i;
  int patch = 0;
  if (!number(patch)) return false;
  return i == text.size() || text[i] == '+' || std::isalpha(static_cast<unsigned char>(text[i]));
}

template <size_t N>
Version parse_supported(std::string_view text, const Version (&supported)[N], const char* what) {
  std::string list;
  for (const Version& s : supported) list += (list.empty() ? "" : ", ") + s.str();
  Version v;
  if (!parse_major_minor(text, v)) {
    throw std::invalid_argument(std::string("expected a ") + what + " version such as " +
                                supported[N - 1].str() + ", got '" + std::string(text) + "'");
  }
  for (const Version& s : supported) {
    if (s == v) return v;
  }
  throw std::invalid_argument(std::string(what) + " " + v.str() +
                              " is not supported (supported: " + list + ")");
}

// The supported release whose rules fit a build against `v` best: v itself,
// else the newest older one (or the oldest, below them all).
template <size_t N>
Version closest(Version v, const Version (&supported)[N]) {
  Version best = supported[0];
  for (const Version& s : supported) {
    if (s <= v) best = s;
  }
  return best;
}

Version parse_build_version(const char* text) {
  Version v;
  if (!parse_major_minor(text, v)) {
    throw std::logic_error(std::string("bad version compiled in: ") + text);
  }
  return v;
}

}  // namespace

Version parse_torch_version(std::string_view text) {
  return parse_supported(text, kTorchVersions, "PyTorch");
}

Version parse_python_version(std::string_view text) {
  return parse_supported(text, kPythonVersions, "Python");
}

Rules built_in_rules() {
  static const Rules rules{closest(parse_build_version(PYREPR_TORCH_VERSION), kTorchVersions),
                           closest(parse_build_version(PYREPR_PYTHON_VERSION), kPythonVersions)};
  return rules;
}

}  // namespace pyrepr
