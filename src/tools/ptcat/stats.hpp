// ptcat --stats: a tensor's statistics in one pass over its values, as
// Python computes them on t.double(): min, max, mean, std (unbiased, as
// torch.std), the 2-norm (torch.linalg.vector_norm), and how many values are
// nan, infinite and zero.
#pragma once

#include <cstdint>
#include <optional>

#include "pyrepr/tensor_data.hpp"

namespace ptcat {

struct Stats {
  int64_t count = 0;
  std::optional<double> min, max;  // none for an empty tensor (torch.min fails)
  double mean = 0, std = 0, norm = 0;
  int64_t nans = 0, infs = 0, zeros = 0;
};

// Throws std::invalid_argument for a tensor without real values (values.hpp).
Stats tensor_stats(const pyrepr::TensorData& t, unsigned threads);

}  // namespace ptcat
