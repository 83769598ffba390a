// The runners' flags: [--torch-version X.Y] [--python-version X.Y] before the
// case files. They set the rules of the global print options, so cases that
// another release's Python wrote are checked under that release's rules.
#pragma once

#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "pyrepr/options.hpp"
#include "pyrepr/versions.hpp"

namespace differential {

// Returns the index of the first file, or -1 after one error line on stderr.
inline int parse_rule_flags(int argc, char** argv, const std::string& program) {
  const std::string usage =
      "usage: " + program + " [--torch-version X.Y] [--python-version X.Y] CASES.pt...";
  pyrepr::PrintOptions options = pyrepr::get_printoptions();
  int a = 1;
  for (; a < argc; ++a) {
    const std::string_view flag = argv[a];
    if (flag.substr(0, 2) != "--") break;
    if (flag != "--torch-version" && flag != "--python-version") {
      std::cerr << program << ": unknown flag '" << flag << "' (" << usage << ")\n";
      return -1;
    }
    if (a + 1 >= argc) {
      std::cerr << program << ": " << flag << " needs a version (X.Y)\n";
      return -1;
    }
    const std::string_view value = argv[++a];
    try {
      if (flag == "--torch-version") {
        options.rules.torch = pyrepr::parse_torch_version(value);
      } else {
        options.rules.python = pyrepr::parse_python_version(value);
      }
    } catch (const std::invalid_argument& e) {
      std::cerr << program << ": " << flag << ": " << e.what() << "\n";
      return -1;
    }
  }
  if (a >= argc) {
    std::cerr << usage << "\n";
    return -1;
  }
  pyrepr::set_printoptions(options);
  return a;
}

}  // namespace differential
