// Which releases' printing rules pyrepr follows: PyTorch's (torch/_tensor_str.py)
// and Python's (repr of OrderedDict, the Unicode tables behind str.isprintable,
// IPython's display as that Python's Debian release ships it).
//
// By default, the rules of the LibTorch this library was built against and of
// the Python configured as the oracle (CMake's PYTHON_WITH_TORCH). A program
// can choose others at run time: they are part of PrintOptions, so a
// PrintOptionsGuard scopes them and each output reads one consistent set.
#pragma once

#include <string>
#include <string_view>

namespace pyrepr {

struct Version {
  int major = 0;
  int minor = 0;

  friend constexpr bool operator==(Version a, Version b) {
    return a.major == b.major && a.minor == b.minor;
  }
  friend constexpr bool operator!=(Version a, Version b) { return !(a == b); }
  friend constexpr bool operator<(Version a, Version b) {
    return a.major != b.major ? a.major < b.major : a.minor < b.minor;
  }
  friend constexpr bool operator>=(Version a, Version b) { return !(a < b); }
  friend constexpr bool operator>(Version a, Version b) { return b < a; }
  friend constexpr bool operator<=(Version a, Version b) { return !(b < a); }

  std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
};

// The releases whose rules are implemented, each checked byte for byte
// against that release's own Python (Debian 12, 13 and unstable).
inline constexpr Version kTorchVersions[] = {{1, 13}, {2, 6}, {2, 14}};
inline constexpr Version kPythonVersions[] = {{3, 11}, {3, 13}, {3, 14}};

// "2.14", "2.14.1" or "2.6.0+cpu" -> {2, 14}. Throws std::invalid_argument
// with one line naming the supported versions when the text is not a version
// or the release is not one of the above.
Version parse_torch_version(std::string_view text);
Version parse_python_version(std::string_view text);

struct Rules {
  Version torch;   // _tensor_str.py of this PyTorch release
  Version python;  // CPython's repr rules and IPython's display of this Python release

  friend bool operator==(const Rules& a, const Rules& b) {
    return a.torch == b.torch && a.python == b.python;
  }
  friend bool operator!=(const Rules& a, const Rules& b) { return !(a == b); }
};

// The rules of the build: the LibTorch it was compiled against and the
// Python it was configured with (PYREPR_TORCH_VERSION, PYREPR_PYTHON_VERSION).
Rules built_in_rules();

}  // namespace pyrepr
