#include "pyrepr/load/python_int.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

namespace pyrepr::detail {
namespace {

// Magnitude of a non-negative integer as base-1e9 limbs from its little-endian bytes.
std::string magnitude_to_decimal(std::vector<uint32_t> limbs /* little-endian base 2^32 */) {
  while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
  if (limbs.empty()) return "0";
  std::vector<uint32_t> chunks;  // base 1e9, least significant first
  while (!limbs.empty()) {
    uint64_t rem = 0;
    for (size_t i = limbs.size(); i-- > 0;) {
      uint64_t cur = (rem << 32) | limbs[i];
      limbs[i] = static_cast<uint32_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    chunks.push_back(static_cast<uint32_t>(rem));
    while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
  }
  std::string out = std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    std::string part = std::to_string(chunks[i]);
    out += std::string(9 - part.size(), '0') + part;
  }
  return out;
}

std::vector<uint32_t> bytes_to_limbs(const std::vector<unsigned char>& mag) {
  std::vector<uint32_t> limbs((mag.size() + 3) / 4, 0);
  for (size_t i = 0; i < mag.size(); ++i) limbs[i / 4] |= uint32_t(mag[i]) << (8 * (i % 4));
  return limbs;
}

}  // namespace

size_t significant_bytes(const unsigned char* b, size_t n) {
  if (n == 0) return 0;
  bool negative = b[n - 1] & 0x80;
  unsigned char ext = negative ? 0xff : 0x00;
  while (n > 1 && b[n - 1] == ext && ((b[n - 2] & 0x80) != 0) == negative) --n;
  if (n == 1 && b[0] == 0) return 0;
  return n;
}

std::string long_to_decimal(const unsigned char* bytes, size_t n) {
  n = significant_bytes(bytes, n);
  if (n == 0) return "0";
  bool negative = bytes[n - 1] & 0x80;
  std::vector<unsigned char> mag(bytes, bytes + n);
  if (negative) {  // magnitude = ~x + 1
    unsigned carry = 1;
    for (auto& c : mag) {
      unsigned v = static_cast<unsigned char>(~c) + carry;
      c = static_cast<unsigned char>(v);
      carry = v >> 8;
    }
  }
  std::string dec = magnitude_to_decimal(bytes_to_limbs(mag));
  return negative ? "-" + dec : dec;
}

std::string integral_double_decimal(double v) {
  bool negative = v < 0;
  int exp = 0;
  double m = std::frexp(std::fabs(v), &exp);  // v = m * 2^exp, 0.5 <= m < 1
  uint64_t mant = static_cast<uint64_t>(std::ldexp(m, 53));
  exp -= 53;
  std::vector<uint32_t> limbs = {static_cast<uint32_t>(mant), static_cast<uint32_t>(mant >> 32)};
  if (exp < 0) {  // integral, so the low bits are zero
    mant >>= -exp;
    limbs = {static_cast<uint32_t>(mant), static_cast<uint32_t>(mant >> 32)};
  } else {
    std::vector<uint32_t> shifted(static_cast<size_t>(exp) / 32 + 3, 0);
    int words = exp / 32, bits = exp % 32;
    for (size_t i = 0; i < 2; ++i) {
      uint64_t part = uint64_t(limbs[i]) << bits;
      shifted[i + words] |= static_cast<uint32_t>(part);
      shifted[i + words + 1] |= static_cast<uint32_t>(part >> 32);
    }
    limbs = shifted;
  }
  std::string dec = magnitude_to_decimal(limbs);
  return negative && dec != "0" ? "-" + dec : dec;
}

}  // namespace pyrepr::detail
