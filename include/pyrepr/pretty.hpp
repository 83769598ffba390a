// Core (no LibTorch): IPython's display of a value, as Jupyter shows a
// cell's result (Out[n]). Defined in src/pyrepr/core/pretty.cpp, a port of
// IPython's lib/pretty.py.
#pragma once

#include <string>

#include "pyrepr/object.hpp"

namespace pyrepr {

// IPython's text/plain display of a cell's last expression
// (IPython.lib.pretty with max_width 79): long or multi-line
// lists/tuples/dicts put one element per line.
std::string pretty(const Object& obj, int max_width = 79);

}  // namespace pyrepr
