// Core (no LibTorch): "{:.Pf}" and "{:.Pe}" of one float, exactly as Python's
// str.format writes them. Most values are formatted by exact integer
// arithmetic on their binary fields (a few times faster than the general
// algorithm); the rest by fmt, or by printf beyond fmt's precision.
#include "pyrepr/core/float_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace pyrepr::detail {
namespace {

using Buffer = TextBuffer;
using u128 = unsigned __int128;

void append(Buffer& out, const char* s) { out.append(s, s + std::strlen(s)); }

void format_nonfinite(Buffer& out, double v) {
  if (std::isnan(v)) {
    append(out, "nan");
  } else {
    append(out, v < 0 ? "-inf" : "inf");
  }
}

constexpr uint64_t kPow10[] = {1ULL,
                               10ULL,
                               100ULL,
                               1000ULL,
                               10000ULL,
                               100000ULL,
                               1000000ULL,
                               10000000ULL,
                               100000000ULL,
                               1000000000ULL,
                               10000000000ULL,
                               100000000000ULL,
                               1000000000000ULL,
                               10000000000000ULL,
                               100000000000000ULL,
                               1000000000000000ULL,
                               10000000000000000ULL,
                               100000000000000000ULL,
                               1000000000000000000ULL};

// 10^k for k in [0, 19] (10^19 < 2^64)
uint64_t pow10_u64(int k) { return k == 19 ? 10 * kPow10[18] : kPow10[k]; }

// The IEEE fields of a finite double: |v| = m * 2^e exactly, with m of 53
// bits for a normal number (and 0 for zero); frexp's exponent is e + 53. Bits, not
// frexp/ldexp (two library calls per value).
struct Binary {
  uint64_t m;
  int e;
};
Binary binary(double v) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
  const uint64_t fraction = bits & ((uint64_t{1} << 52) - 1);
  if (biased == 0 && fraction == 0) return {0, 0};  // zero
  if (biased == 0) {                                // subnormal: normalize to 53 bits
    const int shift = __builtin_clzll(fraction) - 11;
    return {fraction << shift, -1074 - shift};
  }
  return {fraction | (uint64_t{1} << 52), biased - 1075};
}

// The decimal digits of q, right-aligned to end, two at a time; returns where
// they start.
char* digits_backward(char* end, uint64_t q) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  while (q >= 100) {
    end -= 2;
    std::memcpy(end, kPairs + 2 * (q % 100), 2);
    q /= 100;
  }
  if (q >= 10) {
    end -= 2;
    std::memcpy(end, kPairs + 2 * q, 2);
  } else {
    *--end = static_cast<char>('0' + q);
  }
  return end;
}

// "{:.Pf}" for a finite v whose scaled value fits in 64 bits, by exact integer
// arithmetic: |v| = m * 2^e, and m * 10^P * 2^e is rounded half to even on
// the exact binary value, as Python (and fmt) do. Returns false otherwise.
// About 5x faster than the general algorithm for the common case.
bool format_fixed_exact(Buffer& out, double v, int precision) {
  if (precision < 0 || precision > 18) return false;
  const auto [m, e] = binary(v);
  u128 scaled = static_cast<u128>(m) * kPow10[precision];  // < 2^113
  uint64_t q = 0;
  if (e >= 0) {
    if (e > 14) return false;
    scaled <<= e;
    if (scaled >> 64) return false;
    q = static_cast<uint64_t>(scaled);
  } else if (-e < 120) {
    const int shift = -e;
    u128 quotient = scaled >> shift;
    const u128 rem = scaled - (quotient << shift);
    const u128 half = static_cast<u128>(1) << (shift - 1);
    if (rem > half || (rem == half && (quotient & 1))) ++quotient;
    if (quotient >> 64) return false;
    q = static_cast<uint64_t>(quotient);
  }  // else: below half a unit of the last digit, rounds to 0
  // At most 20 digits, a sign and a point.
  char text[24];
  char* const end = text + sizeof text;
  char* p = end;
  if (precision > 0) {
    p = digits_backward(end, q % kPow10[precision] + kPow10[precision]);  // "1" + the fraction
    *p = '.';  // overwrites that leading 1
    q /= kPow10[precision];
  }
  p = digits_backward(p, q);
  if (std::signbit(v)) *--p = '-';
  out.append(p, end);
  return true;
}

// fmt 9 stops after 767 significant digits: {:.800f} of 0.5 has 769
// characters where Python prints 802, and {:.500f} of 1e300 loses its last
// digits. Beyond this precision (309 integer digits + 450 < 767) the C
// library's printf formats instead: it is exact at any precision and rounds
// half to even on the exact binary value, as Python does.
constexpr int kFmtMaxPrecision = 450;

// printf("%.*f" or "%.*e", precision, v) appended to out.
void format_printf(Buffer& out, double v, int precision, bool sci) {
  const char* spec = sci ? "%.*e" : "%.*f";
  const int n = std::snprintf(nullptr, 0, spec, precision, v);
  if (n < 0) {
    throw std::runtime_error("cannot format a float with precision " + std::to_string(precision));
  }
  const size_t at = out.size();
  out.resize(at + static_cast<size_t>(n) + 1);
  std::snprintf(out.data() + at, static_cast<size_t>(n) + 1, spec, precision, v);
  out.resize(at + static_cast<size_t>(n));
}

// floor(log10(x)) for a finite x > 0 with x = frac * 2^exp (std::frexp's
// exp), without log10: 2^(exp-1) <= x < 2^exp, so it is floor((exp-1) *
// log10(2)) or one more, and a comparison with that power of ten decides. The
// powers beyond 1e22 are rounded, so right at a power of ten the result may be
// one off; format_sci_exact checks its digits and corrects the exponent.
int decimal_exponent(double x, int exp) {
  constexpr int kLow = -350, kHigh = 310;  // every finite double's exponent
  static const std::vector<double> kPowers = [] {
    std::vector<double> powers;
    for (int k = kLow; k <= kHigh; ++k) {
      powers.push_back(std::strtod(("1e" + std::to_string(k)).c_str(), nullptr));
    }
    return powers;
  }();
  // floor(n * log10(2)) as Ryu computes it: 78913 / 2^18 ~ log10(2); the
  // shift is arithmetic (floor) for a negative n too, with no branch on the
  // sign (which is random for values around 1).
  const int n = exp - 1;
  const int estimate = (n * 78913) >> 18;
  const int next = estimate + 1;
  if (next < kLow || next > kHigh) return static_cast<int>(std::floor(std::log10(x)));
  return x >= kPowers[static_cast<size_t>(next - kLow)] ? next : estimate;
}

// The integer part of m * 2^e * 10^k, and whether rounding it half to even
// adds one, by exact integer arithmetic. Returns false where the numbers do
// not fit in 128 bits.
bool scaled_quotient(uint64_t m, int e, int k, u128& quotient, bool& round_up) {
  if (k > 19 || k < -19) return false;
  const u128 ten_k = k >= 0 ? pow10_u64(k) : pow10_u64(-k);
  if (k >= 0 && e < 0 && e > -128) {
    // the common case: n / 2^shift; m < 2^53 and 10^19 < 2^64, so n fits
    const u128 n = m * ten_k;
    const int shift = -e;
    quotient = n >> shift;
    const u128 rem = n & ((u128{1} << shift) - 1);
    const u128 half = u128{1} << (shift - 1);
    round_up = (rem > half) | ((rem == half) & ((quotient & 1) != 0));  // no branch
    return true;
  }
  u128 n = m, d = 1;
  if (k >= 0) {
    n *= ten_k;
  } else {
    d = ten_k;
  }
  if (e >= 0) {
    if (n >> (127 - e)) return false;
    n <<= e;
  } else {
    if (d >> (126 + e)) return false;
    d <<= -e;
  }
  quotient = n / d;
  const u128 rem = n - quotient * d;
  round_up = rem > d - rem || (rem == d - rem && (quotient & 1));
  return true;
}

// "{:.Pe}" for a finite, nonzero v by exact integer arithmetic where the
// numbers fit in 128 bits: q = round(|v| * 10^(P-E)) with P+1 digits.
// Returns false (nothing written) otherwise.
bool format_sci_exact(Buffer& out, double v, int precision) {
  if (precision < 0 || precision > 17 || v == 0) return false;
  const auto [m, e] = binary(v);  // |v| = m * 2^e exactly
  if (e > 60 || e < -120) return false;
  int decimal_exp = decimal_exponent(std::fabs(v), e + 53);
  const uint64_t lo = kPow10[precision], hi = 10 * lo;
  for (int attempt = 0; attempt < 3; ++attempt) {
    // q = round(m * 2^e * 10^k). Its integer part has P+1 digits exactly
    // when decimal_exp is |v|'s decimal exponent; otherwise the estimate was
    // off by one (near a power of ten), and the other exponent is tried. The
    // check is on the unrounded value: 9.9999999999999996e+30 rounds to
    // 10^16 with exponent 31, but its exponent is 30.
    u128 quotient = 0;
    bool round_up = false;
    if (!scaled_quotient(m, e, precision - decimal_exp, quotient, round_up)) return false;
    if (quotient < lo) {
      --decimal_exp;
      continue;
    }
    if (quotient >= hi) {
      ++decimal_exp;
      continue;
    }
    auto q = static_cast<uint64_t>(quotient) + (round_up ? 1 : 0);  // at most hi
    if (q == hi) q = lo, ++decimal_exp;                             // 9.99996 -> 1.0000e+01
    // sign, 18 digits, point, "e-", 3 exponent digits
    char text[32];
    char* const end = text + sizeof text;
    const int a = std::abs(decimal_exp);
    char* p = digits_backward(end, static_cast<uint64_t>(a));
    if (a < 10) *--p = '0';
    *--p = decimal_exp < 0 ? '-' : '+';
    *--p = 'e';
    p = digits_backward(p, q);  // P+1 digits
    if (precision > 0) {        // d.ddd: the first digit moves before a point
      p[-1] = p[0];
      p[0] = '.';
      --p;
    }
    *--p = '-';
    p += std::signbit(v) ? 0 : 1;  // no branch on the sign
    out.append(p, end);
    return true;
  }
  return false;
}

}  // namespace

void format_fixed(Buffer& out, double v, int precision) {
  if (!std::isfinite(v)) return format_nonfinite(out, v);
  if (format_fixed_exact(out, v, precision)) return;
  if (precision > kFmtMaxPrecision) return format_printf(out, v, precision, false);
  fmt::format_to(std::back_inserter(out), "{:.{}f}", v, precision);
}

void format_sci(Buffer& out, double v, int precision) {
  if (!std::isfinite(v)) return format_nonfinite(out, v);
  if (format_sci_exact(out, v, precision)) return;
  if (precision > kFmtMaxPrecision) return format_printf(out, v, precision, true);
  fmt::format_to(std::back_inserter(out), "{:.{}e}", v, precision);
}

}  // namespace pyrepr::detail
