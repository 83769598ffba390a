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
    if (o.n > 0) {
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

// One piece: two passes over values already in cache.
Partial piece_stats(const std::vector<double>& v) {
  Partial p;
  double sum = 0;
  bool all_finite = true;
  for (double x : v) {
    sum += x;
    all_finite &= std::isfinite(x);
  }
  if (!all_finite) {  // count the others, and keep the finite ones
    std::vector<double> finite;
    finite.reserve(v.size());
    for (double x : v) {
      if (std::isnan(x)) {
        ++p.nans;
      } else if (std::isinf(x)) {
        ++(x > 0 ? p.pos_infs : p.neg_infs);
        p.min = std::min(p.min, x);
        p.max = std::max(p.max, x);
      } else {
        finite.push_back(x);
      }
    }
    Partial f = piece_stats(finite);
    f.nans = p.nans;
    f.pos_infs = p.pos_infs;
    f.neg_infs = p.neg_infs;
    f.min = std::min(f.min, p.min);
    f.max = std::max(f.max, p.max);
    return f;
  }
  p.n = static_cast<int64_t>(v.size());
  if (p.n == 0) return p;
  p.mean = sum / static_cast<double>(p.n);
  double m2 = 0, sumsq = 0, lo = kInf, hi = -kInf;
  int64_t zeros = 0;
  for (double x : v) {
    const double d = x - p.mean;
    m2 += d * d;
    sumsq += x * x;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    zeros += x == 0 ? 1 : 0;
  }
  p.m2 = m2;
  p.sumsq = sumsq;
  p.min = lo;
  p.max = hi;
  p.zeros = zeros;
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
    pieces.read(k, buffers[worker]);
    partials[k] = piece_stats(buffers[worker]);
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
