// Core (no LibTorch): Python's utf-8 codec, as far as pyrepr needs it: which
// bytes it accepts (the reader's pickled strs and names) and a code point
// written as UTF-8 (the reader, and repr of str).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pyrepr::detail {

// UTF-8 as Python's 'utf-8' codec accepts it: with 'surrogatepass' (pickled
// str) encoded surrogates are allowed, with 'strict' (GLOBAL names) not.
bool valid_utf8(const unsigned char* s, size_t n, bool surrogatepass);

// Appends code point `cp` to `out` as UTF-8 (a surrogate as its three bytes,
// as the pickled strs with 'surrogatepass' hold them).
void append_utf8(std::string& out, uint32_t cp);

}  // namespace pyrepr::detail
