// Core (no LibTorch): one float as Python's str.format writes it with "{:.Pf}"
// and "{:.Pe}" (the formats of torch/_tensor_str.py's _Formatter), rounding
// half to even on the exact binary value. Non-finite values print as
// nan/inf/-inf (Python never prints "-nan").
#pragma once

#include "pyrepr/core/large_buffer.hpp"

namespace pyrepr::detail {

// "{:.Pf}".format(v) appended to out.
void format_fixed(TextBuffer& out, double v, int precision);
// "{:.Pe}".format(v) appended to out.
void format_sci(TextBuffer& out, double v, int precision);

}  // namespace pyrepr::detail
