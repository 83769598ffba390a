// ptcat diff: two tensors' values compared as torch.testing.assert_close
// compares them (_compare_regular_values_close, make_tensor_mismatch_msg,
// make_scalar_mismatch_msg), in the arithmetic of the release whose rules
// apply: the verdict of torch.isclose, and the figures of the mismatch message.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "pyrepr/dtype.hpp"
#include "pyrepr/tensor_data.hpp"
#include "pyrepr/versions.hpp"

namespace ptcat {

// What differs in torch.testing.assert_close between the supported releases.
struct AssertCloseRules {
  // 1.13 (_promote_for_comparison): floating tensors promoted to float64
  // before isclose and the differences. 2.x compares in the tensors' own
  // dtype (float32, float16, bfloat16; quantized ones dequantized to
  // float32), each operation rounded to it. Integers compare alike in both.
  bool promotes_to_float64;
};

constexpr AssertCloseRules assert_close_rules(pyrepr::Version torch) {
  return {torch < pyrepr::Version{2, 0}};
}

// torch.testing's _DTYPE_PRECISIONS: (rtol, atol); (0, 0) for the rest.
std::pair<double, double> default_tolerances(const pyrepr::DType& d);

// A tensor pair's closeness, as assert_close's mismatch message reports it.
struct Closeness {
  double rtol = 0, atol = 0;
  int64_t numel = 0, mismatches = 0;
  double max_abs = 0, max_rel = 0;  // over the mismatched elements (0 if none)
  std::vector<int64_t> max_abs_index, max_rel_index;
};

// a and b: the same dtype and shape, readable (values.hpp).
Closeness compare_values(const pyrepr::TensorData& a, const pyrepr::TensorData& b, double rtol,
                         double atol, AssertCloseRules rules, unsigned threads);

}  // namespace ptcat
