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

// One piece: two passes over values already in cache, each with four
// running sums (independent chains the CPU overlaps, and a summation order
// closer to pairwise than one long chain).
Partial piece_stats(const std::vector<double>& v) {
  Partial p;
  const size_t n = v.size();
  const double* x = v.data();
  double s[4] = {0, 0, 0, 0};
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    for (int j = 0; j < 4; ++j) s[j] += x[k + j];
  }
  for (; k < n; ++k) s[0] += x[k];
  const double sum = (s[0] + s[1]) + (s[2] + s[3]);
  // A finite sum means finite values (a nan or an infinity would show); an
  // infinite or nan one may still be finite values that overflowed.
  bool all_finite = std::isfinite(sum);
  if (!all_finite) {
    all_finite = true;
    for (size_t i = 0; i < n && all_finite; ++i) all_finite = std::isfinite(x[i]);
  }
  if (!all_finite) {  // count the others, and keep the finite ones
    std::vector<double> finite;
    finite.reserve(n);
    for (double y : v) {
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
    Partial f = piece_stats(finite);
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
  double m2[4] = {0, 0, 0, 0}, sq[4] = {0, 0, 0, 0};
  double lo[4] = {kInf, kInf, kInf, kInf}, hi[4] = {-kInf, -kInf, -kInf, -kInf};
  int64_t zeros[4] = {0, 0, 0, 0};
  k = 0;
  for (; k + 4 <= n; k += 4) {
    for (int j = 0; j < 4; ++j) {
      const double y = x[k + j];
      const double d = y - p.mean;
      m2[j] += d * d;
      sq[j] += y * y;
      lo[j] = y < lo[j] ? y : lo[j];
      hi[j] = y > hi[j] ? y : hi[j];
      zeros[j] += y == 0 ? 1 : 0;
    }
  }
  for (; k < n; ++k) {
    const double y = x[k];
    const double d = y - p.mean;
    m2[0] += d * d;
    sq[0] += y * y;
    lo[0] = y < lo[0] ? y : lo[0];
    hi[0] = y > hi[0] ? y : hi[0];
    zeros[0] += y == 0 ? 1 : 0;
  }
  p.m2 = (m2[0] + m2[1]) + (m2[2] + m2[3]);
  p.sumsq = (sq[0] + sq[1]) + (sq[2] + sq[3]);
  p.min = std::min(std::min(lo[0], lo[1]), std::min(lo[2], lo[3]));
  p.max = std::max(std::max(hi[0], hi[1]), std::max(hi[2], hi[3]));
  p.zeros = zeros[0] + zeros[1] + zeros[2] + zeros[3];
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
