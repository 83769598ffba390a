#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "values.hpp"

namespace ptcat {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The finite values' count, mean and sum of squared deviations (merged by
// Chan et al.'s rule), their sum of squares, and the rest counted apart.
struct Partial {
  int64_t n = 0;  // finite values
  double mean = 0, m2 = 0, sumsq = 0;
  double min = kInf, max = -kInf;  // over every value but nan
  int64_t nans = 0, pos_infs = 0, neg_infs = 0, zeros = 0;

  void merge(const Partial& o) {
    if (n == 0) {
      n = o.n;
      mean = o.mean;
      m2 = o.m2;
    } else if (o.n > 0) {
      const int64_t total = n + o.n;
      const double delta = o.mean - mean;
      mean += delta * static_cast<double>(o.n) / static_cast<double>(total);
      m2 += o.m2 + delta * delta * static_cast<double>(n) * static_cast<double>(o.n) /
                       static_cast<double>(total);
      n = total;
    }
    sumsq += o.sumsq;
    min = std::min(min, o.min);
    max = std::max(max, o.max);
    nans += o.nans;
    pos_infs += o.pos_infs;
    neg_infs += o.neg_infs;
    zeros += o.zeros;
  }
};

// Two doubles at a time (GCC and clang's vector extensions: one SSE2
// register), two of them per step, so that the passes below vectorize: -O3
// alone will not reorder floating point sums, nor turn a ternary into a min
// that must keep its nan behaviour. Each lane is its own running sum.
using V2 = double __attribute__((vector_size(16)));

template <class T>
inline V2 load2(const T* x) {
  return V2{static_cast<double>(x[0]), static_cast<double>(x[1])};
}

inline double lanes_sum(V2 a, V2 b) { return (a[0] + b[0]) + (a[1] + b[1]); }

// One piece: two passes over values in cache (the first sums, the second
// sums the squared deviations from the piece's mean, the squares, and finds
// the extremes and zeros).
template <class T>
Partial piece_stats(const T* x, size_t n) {
  Partial p;
  const size_t whole = n - n % 4;
  V2 s0 = {0, 0}, s1 = {0, 0};
  for (size_t k = 0; k < whole; k += 4) {
    s0 += load2(x + k);
    s1 += load2(x + k + 2);
  }
  double sum = lanes_sum(s0, s1);
  for (size_t k = whole; k < n; ++k) sum += static_cast<double>(x[k]);
  // A finite sum means finite values (a nan or an infinity would show); an
  // infinite or nan one may still be finite values that overflowed.
  bool all_finite = std::isfinite(sum);
  if (!all_finite) {
    all_finite = true;
    for (size_t i = 0; i < n && all_finite; ++i)
      all_finite = std::isfinite(static_cast<double>(x[i]));
  }
  if (!all_finite) {  // count the others, and keep the finite ones
    std::vector<double> finite;
    finite.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      const auto y = static_cast<double>(x[i]);
      if (std::isnan(y)) {
        ++p.nans;
      } else if (std::isinf(y)) {
        ++(y > 0 ? p.pos_infs : p.neg_infs);
        p.min = std::min(p.min, y);
        p.max = std::max(p.max, y);
      } else {
        finite.push_back(y);
      }
    }
    Partial f = piece_stats(finite.data(), finite.size());
    f.nans = p.nans;
    f.pos_infs = p.pos_infs;
    f.neg_infs = p.neg_infs;
    f.min = std::min(f.min, p.min);
    f.max = std::max(f.max, p.max);
    return f;
  }
  p.n = static_cast<int64_t>(n);
  if (n == 0) return p;
  p.mean = sum / static_cast<double>(n);
  const V2 mean = {p.mean, p.mean};
  const V2 zero = {0, 0}, one = {1, 1};
  // (zeros counted in doubles: exact below 2^53)
  V2 m2[2] = {zero, zero}, sq[2] = {zero, zero}, zeros[2] = {zero, zero};
  V2 lo[2] = {{kInf, kInf}, {kInf, kInf}}, hi[2] = {-lo[0], -lo[0]};
  for (size_t k = 0; k < whole; k += 4) {
    for (int j = 0; j < 2; ++j) {
      const V2 y = load2(x + k + 2 * j);
      const V2 d = y - mean;
      m2[j] += d * d;
      sq[j] += y * y;
      lo[j] = y < lo[j] ? y : lo[j];
      hi[j] = y > hi[j] ? y : hi[j];
      zeros[j] += y == zero ? one : zero;
    }
  }
  p.m2 = lanes_sum(m2[0], m2[1]);
  p.sumsq = lanes_sum(sq[0], sq[1]);
  p.min = std::min(std::min(lo[0][0], lo[0][1]), std::min(lo[1][0], lo[1][1]));
  p.max = std::max(std::max(hi[0][0], hi[0][1]), std::max(hi[1][0], hi[1][1]));
  double zero_count = lanes_sum(zeros[0], zeros[1]);
  for (size_t k = whole; k < n; ++k) {
    const auto y = static_cast<double>(x[k]);
    const double d = y - p.mean;
    p.m2 += d * d;
    p.sumsq += y * y;
    p.min = std::min(p.min, y);
    p.max = std::max(p.max, y);
    zero_count += y == 0 ? 1 : 0;
  }
  p.zeros = static_cast<int64_t>(zero_count);
  return p;
}

}  // namespace

Stats tensor_stats(const pyrepr::TensorData& t, unsigned threads) {
  std::string why;
  if (!readable(t, why)) throw std::invalid_argument(why);
  const Pieces pieces(t);
  std::vector<Partial> partials(pieces.size());
  std::vector<std::vector<double>> buffers(std::max(threads, 1U));
  for_each_piece(pieces, threads, [&](unsigned worker, size_t k) {
    const unsigned char* raw = nullptr;
    size_t n = 0;
    switch (pieces.in_memory(k, raw, n)) {  // float32 and float64 straight from memory
      case pyrepr::ElementType::Float32:
        partials[k] = piece_stats(reinterpret_cast<const float*>(raw), n);
        return;
      case pyrepr::ElementType::Float64:
        partials[k] = piece_stats(reinterpret_cast<const double*>(raw), n);
        return;
      default:
        pieces.read(k, buffers[worker]);
        partials[k] = piece_stats(buffers[worker].data(), buffers[worker].size());
    }
  });
  Partial all;
  for (const Partial& p : partials) all.merge(p);  // in order: the same sums every run

  Stats s;
  s.count = all.n + all.nans + all.pos_infs + all.neg_infs;
  s.nans = all.nans;
  s.infs = all.pos_infs + all.neg_infs;
  s.zeros = all.zeros;
  if (s.count > 0) {
    s.min = all.nans > 0 ? kNaN : all.min;
    s.max = all.nans > 0 ? kNaN : all.max;
  }
  const auto count = static_cast<double>(s.count);
  if (all.nans > 0 || (all.pos_infs > 0 && all.neg_infs > 0)) {
    s.mean = kNaN;
  } else if (all.pos_infs > 0 || all.neg_infs > 0) {
    s.mean = all.pos_infs > 0 ? kInf : -kInf;
  } else {
    s.mean = s.count > 0 ? all.mean : kNaN;
  }
  s.std = (all.nans > 0 || s.infs > 0 || s.count < 2) ? kNaN : std::sqrt(all.m2 / (count - 1));
  s.norm = all.nans > 0 ? kNaN : s.infs > 0 ? kInf : std::sqrt(all.sumsq);
  return s;
}

}  // namespace ptcat
