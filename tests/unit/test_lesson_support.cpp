// The lesson support's pieces that need no lesson (notebooks_port/support).
// LibTorch's headers before catch.hpp: they define a CHECK of their own.
#include <ATen/ATen.h>
#include <torch/nn/modules/linear.h>

#include <stdexcept>
#include <string>

#include "lesson/program.hpp"
#include "lesson/state_dict.hpp"

#include "catch.hpp"

TEST_CASE("lesson: scenario_of takes the scenario from the program's name", "[lesson]") {
  auto scenario = [](const char* argv0) {
    return std::string(lesson::scenario_of(argv0, "lstm_basics", {"stepwise", "batched"}));
  };
  CHECK(scenario("build/bin/lstm_basics_stepwise") == "stepwise");
  CHECK(scenario("lstm_basics_batched") == "batched");
  CHECK(scenario("/x/demo_lstm_basics") == "demo");
  CHECK(scenario("lstm_basics_") == "demo");
  CHECK(scenario("lstm_basics") == "demo");
  CHECK(scenario("") == "demo");
  CHECK(scenario("lstm_basicsX_stepwise") == "demo");
  CHECK(scenario("dir_lstm_basics_y/demo_z") == "demo");
  CHECK(scenario("lstm_basics_other") == "demo");  // not one of its scenarios
  CHECK(scenario("lstm_basics_stepwise2") == "demo");
  CHECK(std::string(lesson::scenario_of("x_stepwise", "x", {})) == "demo");
}

TEST_CASE("lesson: load_state_dict is strict, as Python's strict=True", "[lesson]") {
  torch::nn::Linear linear(2, 3);  // weight [3, 2], bias [3]
  const at::Tensor w = at::ones({3, 2}, at::kDouble), b = at::full({3}, 2.0);
  auto message = [&](const lesson::StateDict& state) {
    try {
      lesson::load_state_dict(*linear, state);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK(message({{"weight", w}}) == "missing key(s) in state_dict: 'bias'");
  CHECK(message({{"weight", w}, {"bias", b}, {"extra", b}}) ==
        "unexpected key(s) in state_dict: 'extra'");
  CHECK(message({{"weight", at::ones({2, 2})}, {"bias", b}}) ==
        "size mismatch for weight: copying a param with shape [2, 2] from checkpoint, the shape "
        "in current model is [3, 2]");
  CHECK(message({{"bias", b}, {"other", w}}) ==
        "missing key(s) in state_dict: 'weight'; unexpected key(s) in state_dict: 'other'");
  CHECK(linear->weight.abs().sum().item<double>() != 6.0);  // refused: left unchanged
  CHECK(message({{"bias", b}, {"weight", w}}) == "(accepted)");
  CHECK(linear->weight.scalar_type() == at::kFloat);  // converted, as copy_ does
  CHECK(at::equal(linear->weight, at::ones({3, 2})));
  CHECK(at::equal(linear->bias, at::full({3}, 2.0)));
}
