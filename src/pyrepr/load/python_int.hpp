// Internal (pyrepr::load): Python ints of any size, as decimal text.
#pragma once

#include <cstddef>
#include <string>

namespace pyrepr::detail {

// A Python int stored as little-endian two's complement bytes (pickle's
// LONG1/LONG4 payload), as decimal text (n == 0 is 0).
std::string long_to_decimal(const unsigned char* bytes, size_t n);

// The number of bytes that matter in such a number (redundant sign-extension
// bytes dropped; 0 for zero).
size_t significant_bytes(const unsigned char* b, size_t n);

// The exact decimal text of an integral double (any magnitude).
std::string integral_double_decimal(double v);

}  // namespace pyrepr::detail
