#include "closeness.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include "values.hpp"

namespace ptcat {

namespace {

using pyrepr::DType;
namespace dt = pyrepr::dtypes;

// float -> float16 -> float, to nearest, ties to even, as c10::Half rounds:
// 11 significant bits, subnormals in steps of 2^-24, beyond 65504 infinite.
float to_half(float f) {
  if (!std::isfinite(f) || f == 0) return f;
  int e = 0;
  std::frexp(f, &e);  // |f| = m * 2^e, m in [0.5, 1)
  const int ulp = std::max(e - 11, -24);
  const double r = std::ldexp(std::nearbyint(std::ldexp(static_cast<double>(f), -ulp)), ulp);
  if (std::fabs(r) > 65504.0) return std::copysign(std::numeric_limits<float>::infinity(), f);
  return static_cast<float>(r);
}

// float -> bfloat16 -> float, as c10::BFloat16's round_to_nearest_even.
float to_bfloat16(float f) {
  if (std::isnan(f)) return f;
  uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof bits);
  bits += 0x7fffU + ((bits >> 16U) & 1U);
  bits &= 0xffff0000U;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// The arithmetic torch computes a dtype's operations in.
enum class Arith {
  Double,    // float64 (and 1.13's promoted values)
  Float,     // float32, quantized (dequantized to float32)
  Half,      // float16: each operation in float32, then rounded
  BFloat16,  // the same for bfloat16
};

Arith arithmetic(const DType& d, AssertCloseRules rules) {
  if (rules.promotes_to_float64 || &d == &dt::float64) return Arith::Double;
  if (&d == &dt::float16) return Arith::Half;
  if (&d == &dt::bfloat16) return Arith::BFloat16;
  return Arith::Float;
}

// One elementwise operation of torch in arithmetic K (a Python float scalar
// taken as K's opmath type, float32 but for Double).
template <Arith K, class Op>
double op(double x, double y, Op f) {
  if constexpr (K == Arith::Double) {
    return f(x, y);
  } else {
    const float r = f(static_cast<float>(x), static_cast<float>(y));
    if constexpr (K == Arith::Half) return to_half(r);
    if constexpr (K == Arith::BFloat16) return to_bfloat16(r);
    return r;
  }
}

constexpr auto kMinus = [](auto p, auto q) { return p - q; };
constexpr auto kPlus = [](auto p, auto q) { return p + q; };
constexpr auto kTimes = [](auto p, auto q) { return p * q; };
constexpr auto kDivide = [](auto p, auto q) { return p / q; };

// torch.isclose(a, b, rtol, atol, equal_nan=False) in arithmetic K:
// a == b, or |a - b| finite and <= atol + |rtol * b|.
template <Arith K>
bool isclose(double a, double b, double rtol, double atol) {
  if (a == b) return true;
  if (rtol == 0 && atol == 0) return false;
  const double error = std::fabs(op<K>(a, b, kMinus));
  const double allowed = op<K>(atol, std::fabs(op<K>(rtol, b, kTimes)), kPlus);
  return std::isfinite(error) && error <= allowed;
}

// torch.isclose for bool and integer tensors, the same in every release:
// b cast to float32 (the default dtype) first, so a - b, rtol * b and the
// rest are in float32 (and a difference never wraps around).
bool isclose_ints(int64_t a, int64_t b, double rtol, double atol) {
  if (a == b) return true;
  if (rtol == 0 && atol == 0) return false;
  const auto fa = static_cast<float>(a), fb = static_cast<float>(b);
  const float allowed = static_cast<float>(atol) + std::fabs(static_cast<float>(rtol) * fb);
  return std::fabs(fa - fb) <= allowed;
}

// |a - b| in int64, as the mismatch message computes it (wrapping past int64).
int64_t abs_difference(int64_t a, int64_t b) {
  const auto diff = static_cast<uint64_t>(a) - static_cast<uint64_t>(b);
  const auto d = static_cast<int64_t>(diff);
  return d < 0 ? static_cast<int64_t>(0 - diff) : d;
}

std::vector<int64_t> unravel(int64_t flat, const std::vector<int64_t>& sizes) {
  std::vector<int64_t> index(sizes.size());
  for (size_t d = sizes.size(); d-- > 0;) {
    index[d] = flat % sizes[d];
    flat /= sizes[d];
  }
  return index;
}

// The greatest of a sequence as torch.max(x, 0) finds it: the first
// occurrence, and the first nan once there is one.
struct Greatest {
  double value = 0;
  int64_t index = 0;
  bool any = false;
  void offer(double v, int64_t i) {
    if (any && (std::isnan(value) || !(v > value || std::isnan(v)))) return;
    value = v;
    index = i;
    any = true;
  }
  void merge(const Greatest& o) {  // o's indices come after ours
    if (o.any) offer(o.value, o.index);
  }
};

struct PieceResult {
  int64_t mismatches = 0;
  Greatest abs, rel;
};

// A 0-dim tensor's message takes .item() of each: Python's float (or int)
// arithmetic, the relative difference infinite against 0.
void scalar_differences(double a, double b, PieceResult& r) {
  const double abs = std::fabs(a - b);
  r.abs.offer(abs, 0);
  r.rel.offer(b == 0 ? std::numeric_limits<double>::infinity() : abs / std::fabs(b), 0);
}

template <Arith K>
void compare_floats(const std::vector<double>& fa, const std::vector<double>& fb, int64_t first,
                    double rtol, double atol, bool scalar, PieceResult& r) {
  for (size_t i = 0; i < fa.size(); ++i) {
    const double x = fa[i], y = fb[i];
    if (isclose<K>(x, y, rtol, atol)) continue;
    ++r.mismatches;
    if (scalar) {
      scalar_differences(x, y, r);
      continue;
    }
    // make_tensor_mismatch_msg: |a - b| and |a - b| / |b| in the dtype
    const double abs = std::fabs(op<K>(x, y, kMinus));
    const auto index = first + static_cast<int64_t>(i);
    r.abs.offer(abs, index);
    r.rel.offer(op<K>(abs, std::fabs(y), kDivide), index);
  }
}

void compare_ints(const std::vector<int64_t>& ia, const std::vector<int64_t>& ib, int64_t first,
                  double rtol, double atol, bool scalar, PieceResult& r) {
  for (size_t i = 0; i < ia.size(); ++i) {
    const int64_t x = ia[i], y = ib[i];
    if (isclose_ints(x, y, rtol, atol)) continue;
    ++r.mismatches;
    if (scalar) {
      scalar_differences(static_cast<double>(x), static_cast<double>(y), r);
      continue;
    }
    // upcast to int64 (1.13: promoted already); int64 / int64 divides in float32
    const int64_t abs = abs_difference(x, y);
    const int64_t mag = abs_difference(y, 0);
    const auto index = first + static_cast<int64_t>(i);
    r.abs.offer(static_cast<double>(abs), index);
    r.rel.offer(static_cast<double>(static_cast<float>(abs) / static_cast<float>(mag)), index);
  }
}

}  // namespace

std::pair<double, double> default_tolerances(const DType& d) {
  if (&d == &dt::float16 || &d == &dt::complex32) return {1e-3, 1e-5};
  if (&d == &dt::bfloat16) return {0.016, 1e-5};
  if (&d == &dt::float32 || &d == &dt::complex64) return {1.3e-6, 1e-5};
  if (&d == &dt::float64 || &d == &dt::complex128) return {1e-7, 1e-7};
  if (d.values == pyrepr::DTypeValues::Quantized) return {1.3e-6, 1e-5};  // float32's
  return {0.0, 0.0};
}

Closeness compare_values(const pyrepr::TensorData& a, const pyrepr::TensorData& b, double rtol,
                         double atol, AssertCloseRules rules, unsigned threads) {
  const Pieces pa(a), pb(b);
  if (pa.size() != pb.size()) throw std::logic_error("diff: pieces differ");
  std::vector<PieceResult> results(pa.size());
  const bool ints = integral(a) && integral(b);
  const bool scalar = a.sizes.empty();
  const Arith arith = arithmetic(*a.dtype, rules);
  struct Buffers {
    std::vector<double> fa, fb;
    std::vector<int64_t> ia, ib;
  };
  std::vector<Buffers> buffers(std::max(threads, 1U));
  for_each_piece(pa, threads, [&](unsigned worker, size_t k) {
    Buffers& buf = buffers[worker];
    PieceResult& r = results[k];
    if (ints) {
      const int64_t first = pa.read(k, buf.ia);
      pb.read(k, buf.ib);
      compare_ints(buf.ia, buf.ib, first, rtol, atol, scalar, r);
      return;
    }
    const int64_t first = pa.read(k, buf.fa);
    pb.read(k, buf.fb);
    switch (arith) {
      case Arith::Double:
        return compare_floats<Arith::Double>(buf.fa, buf.fb, first, rtol, atol, scalar, r);
      case Arith::Float:
        return compare_floats<Arith::Float>(buf.fa, buf.fb, first, rtol, atol, scalar, r);
      case Arith::Half:
        return compare_floats<Arith::Half>(buf.fa, buf.fb, first, rtol, atol, scalar, r);
      case Arith::BFloat16:
        return compare_floats<Arith::BFloat16>(buf.fa, buf.fb, first, rtol, atol, scalar, r);
    }
  });
  Closeness c;
  c.rtol = rtol;
  c.atol = atol;
  c.numel = a.numel();
  Greatest abs, rel;
  for (const PieceResult& r : results) {
    c.mismatches += r.mismatches;
    abs.merge(r.abs);
    rel.merge(r.rel);
  }
  // Python sets the matched elements' differences to 0 before taking the
  // greatest: when all mismatches have a difference of 0 (never) or there
  // are none, index 0.
  if (c.mismatches > 0) {
    c.max_abs = abs.value;
    c.max_rel = rel.value;
    c.max_abs_index =
        abs.value > 0 || std::isnan(abs.value) ? unravel(abs.index, a.sizes) : unravel(0, a.sizes);
    c.max_rel_index =
        rel.value > 0 || std::isnan(rel.value) ? unravel(rel.index, a.sizes) : unravel(0, a.sizes);
  }
  return c;
}

}  // namespace ptcat
