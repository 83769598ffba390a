// The lstm_equations lesson (notebooks_port/lstm_equations): its LSTM step,
// written out from the equations, matches torch::nn::LSTM in outputs and in
// gradients, within 1e-6 — for the notebook's configuration (the largest
// differences it prints) and for others.
#include <ATen/ATen.h>
#include <torch/nn/modules/rnn.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>
#include "catch.hpp"

#include "lstm_equations.hpp"

namespace {

using at::Tensor;

struct Config {
  uint64_t seed;
  int64_t input_size, hidden_size, seq_len, batch;
};

// The largest absolute differences between the equations and nn.LSTM.
struct Differences {
  double out = 0, h_n = 0, c_n = 0;
  double grad[4] = {0, 0, 0, 0};  // weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0
  double largest() const {
    double m = std::max({out, h_n, c_n});
    for (double g : grad) m = std::max(m, g);
    return m;
  }
};

double max_abs_diff(const Tensor& a, const Tensor& b) { return (a - b).abs().max().item<double>(); }

const char* const kNames[] = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"};

// What the notebook does (drawn in the same order, so for the notebook's
// configuration these are the numbers it prints). `permute_w_ih` reorders
// the gate blocks of the equations' weight_ih (to show the check can fail).
Differences compare(const Config& cfg, const std::vector<int64_t>& permute_w_ih = {}) {
  torch::manual_seed(cfg.seed);
  torch::nn::LSTM lstm(cfg.input_size, cfg.hidden_size);
  std::vector<Tensor> inputs;
  for (int64_t k = 0; k < cfg.seq_len; ++k)
    inputs.push_back(torch::randn({cfg.batch, cfg.input_size}));
  Tensor h0 = torch::randn({1, cfg.batch, cfg.hidden_size});
  Tensor c0 = torch::randn({1, cfg.batch, cfg.hidden_size});

  auto params = lstm->named_parameters();
  std::vector<Tensor> w;
  for (const char* name : kNames) w.push_back(params[name].detach().clone());
  if (!permute_w_ih.empty()) {
    auto blocks = w[0].chunk(4);
    std::vector<Tensor> reordered;
    for (int64_t k : permute_w_ih) reordered.push_back(blocks[static_cast<size_t>(k)]);
    w[0] = at::cat(reordered);
  }
  for (Tensor& t : w) t.requires_grad_();

  Tensor h = h0[0], c = c0[0];
  std::vector<Tensor> outs;
  for (const Tensor& x : inputs) {
    std::tie(h, c) = lstm_equations::lstm_step(x, h, c, w[0], w[1], w[2], w[3]);
    outs.push_back(h);
  }
  Tensor out_eq = at::stack(outs);
  auto [out_nn, state] = lstm->forward(at::stack(inputs), std::make_tuple(h0, c0));
  auto [h_nn, c_nn] = state;

  Differences d;
  d.out = max_abs_diff(out_eq, out_nn);
  d.h_n = max_abs_diff(h, h_nn[0]);
  d.c_n = max_abs_diff(c, c_nn[0]);
  out_eq.pow(2).sum().backward();
  out_nn.pow(2).sum().backward();
  for (size_t k = 0; k < 4; ++k) d.grad[k] = max_abs_diff(w[k].grad(), params[kNames[k]].grad());
  return d;
}

std::string describe(const Config& c) {
  return "seed " + std::to_string(c.seed) + ", input " + std::to_string(c.input_size) +
         ", hidden " + std::to_string(c.hidden_size) + ", seq_len " + std::to_string(c.seq_len) +
         ", batch " + std::to_string(c.batch);
}

}  // namespace

TEST_CASE("lstm_equations: the notebook's differences are below 1e-6", "[lstm_equations]") {
  // lstm_equations.ipynb's defaults: seed 1, nn.LSTM(3, 3), five words.
  const Differences d = compare({1, 3, 3, 5, 1});
  CHECK(d.out < 1e-6);
  CHECK(d.h_n < 1e-6);
  CHECK(d.c_n < 1e-6);
  for (size_t k = 0; k < 4; ++k) {
    INFO(kNames[k]);
    CHECK(d.grad[k] < 1e-6);
  }
  // The two computations add in a different order, so they are close but
  // not identical: the check compares two real computations.
  CHECK(d.largest() > 0);
}

TEST_CASE("lstm_equations: the step matches nn.LSTM for other sizes", "[lstm_equations]") {
  // Absolute rounding differences grow with the gradients (longer sequences,
  // larger batches); at these sizes they stay below 2.5e-7.
  const Config configs[] = {
      {2, 3, 3, 5, 1}, {7, 4, 6, 7, 1},   {3, 1, 1, 1, 1},
      {4, 5, 2, 8, 3}, {6, 10, 12, 6, 2}, {8, 2, 4, 9, 2},
  };
  for (const Config& cfg : configs) {
    INFO(describe(cfg));
    const Differences d = compare(cfg);
    CHECK(d.out < 1e-6);
    CHECK(d.h_n < 1e-6);
    CHECK(d.c_n < 1e-6);
    for (size_t k = 0; k < 4; ++k) {
      INFO(kNames[k]);
      CHECK(d.grad[k] < 1e-6);
    }
  }
}

TEST_CASE("lstm_equations: a wrong gate order is caught", "[lstm_equations]") {
  // Gates taken as f, i, g, o instead of i, f, g, o: far beyond 1e-6.
  const Differences d = compare({1, 3, 3, 5, 1}, {1, 0, 2, 3});
  CHECK(d.out > 1e-3);
  CHECK(d.largest() > 1e-3);
}
