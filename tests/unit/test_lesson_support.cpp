// The lesson support's pieces that need no lesson (notebooks_port/support).
// LibTorch's headers before catch.hpp: they define a CHECK of their own.
#include <ATen/ATen.h>
#include <torch/nn/modules/linear.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lesson/param.hpp"
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

namespace {

// A notebook with one parameter of each kind, in the order a parameters cell has them.
class ParamsNotebook : public lesson::Notebook {
 public:
  std::vector<lesson::Cell> cells() override { return {}; }

  lesson::Seed SEED{this, 1};
  lesson::Param<int64_t> EMBEDDING_DIM{this, "EMBEDDING_DIM", 6, "size",
                                       CLI::Range(int64_t{1}, int64_t{1024})};
  lesson::Param<double> LR{this, "LR", 0.1, "rate", lesson::TypeName{"X"}};
  lesson::Param<bool> TUTORIAL{this, "TUTORIAL", false, "replay"};
  lesson::Param<std::string> MODE{this, "MODE", "quick", "mode"};
  lesson::Param<std::string> WEIGHTS{this, "WEIGHTS", "", "file", lesson::NoneIfEmpty{}};
};

std::string printed(const lesson::Notebook& notebook) {
  std::ostringstream out;
  lesson::print_parameters(notebook, out);
  return out.str();
}

}  // namespace

TEST_CASE("lesson: a parameter's flag, help and literal come from its declaration", "[lesson]") {
  CHECK(lesson::flag_of("EMBEDDING_DIM") == "--embedding-dim");
  CHECK(lesson::flag_of("SEED") == "--seed");
  CHECK(lesson::flag_of("A_2_B") == "--a-2-b");

  ParamsNotebook notebook;
  REQUIRE(notebook.parameters().size() == 6);  // registered in the order declared
  CHECK(notebook.parameters()[1]->flag() == "--embedding-dim");
  CHECK(printed(notebook) ==
        "SEED = 1\nEMBEDDING_DIM = 6\nLR = 0.1\nTUTORIAL = False\nMODE = 'quick'\n"
        "WEIGHTS = None\n");
  // Read as values.
  CHECK(notebook.EMBEDDING_DIM * 2 == 12);
  CHECK(*notebook.MODE == "quick");
  CHECK(notebook.WEIGHTS->empty());
  CHECK_FALSE(notebook.TUTORIAL);

  CLI::App app;
  for (lesson::Parameter* parameter : notebook.parameters()) parameter->add_to(app);
  const std::string help = app.help();
  CHECK(help.find("--seed N") != std::string::npos);
  CHECK(help.find("torch.manual_seed(SEED) (default 1)") != std::string::npos);
  CHECK(help.find("size (default 6)") != std::string::npos);
  CHECK(help.find("--lr X") != std::string::npos);
  CHECK(help.find("rate (default 0.1)") != std::string::npos);
  CHECK(help.find("replay (default") == std::string::npos);  // a flag's help has no default
  CHECK(help.find("file (default None)") != std::string::npos);

  std::vector<std::string> args = {"--weights",  "w.pt",   "--mode", "it's",
                                   "--tutorial", "--lr",   "2.5",    "--embedding-dim",
                                   "7",          "--seed", "-1"};
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  app.parse(args);
  CHECK(printed(notebook) ==
        "SEED = 18446744073709551615\nEMBEDDING_DIM = 7\nLR = 2.5\nTUTORIAL = True\n"
        "MODE = \"it's\"\nWEIGHTS = 'w.pt'\n");
  std::vector<std::string> bad = {"0", "--embedding-dim"};
  CHECK_THROWS_AS(app.parse(bad), CLI::ValidationError);
}
