// The lstm_equations lesson's LSTM step, for the tests (tests/unit).
#pragma once

#include <ATen/core/Tensor.h>

#include <tuple>

namespace lstm_equations {

// One LSTM step from its equations (cell 4 of lstm_equations.ipynb): x is
// (batch, input), h and c are (batch, hidden), the weights and biases are
// nn.LSTM's weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 (the four
// gates stacked in the order i, f, g, o). Returns the new (h, c).
std::tuple<at::Tensor, at::Tensor> lstm_step(const at::Tensor& x, const at::Tensor& h,
                                             const at::Tensor& c, const at::Tensor& w_ih,
                                             const at::Tensor& w_hh, const at::Tensor& b_ih,
                                             const at::Tensor& b_hh);

}  // namespace lstm_equations
