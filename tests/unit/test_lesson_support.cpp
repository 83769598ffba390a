// The lesson support's pieces that need no lesson (notebooks_port/support).
#include "lesson/notebook.hpp"  // before catch.hpp: LibTorch's headers define a CHECK of their own

#include <string>

#include "catch.hpp"

TEST_CASE("lesson: scenario_of takes the scenario from the program's name", "[lesson]") {
  using lesson::scenario_of;
  CHECK(std::string(scenario_of("build/bin/lstm_basics_stepwise", "lstm_basics")) == "stepwise");
  CHECK(std::string(scenario_of("lstm_basics_batched", "lstm_basics")) == "batched");
  CHECK(std::string(scenario_of("/x/demo_lstm_basics", "lstm_basics")) == "demo");
  CHECK(std::string(scenario_of("lstm_basics_", "lstm_basics")) == "demo");
  CHECK(std::string(scenario_of("lstm_basics", "lstm_basics")) == "demo");
  CHECK(std::string(scenario_of("", "lstm_basics")) == "demo");
  CHECK(std::string(scenario_of("lstm_basicsX_stepwise", "lstm_basics")) == "demo");
  CHECK(std::string(scenario_of("dir_lstm_basics_y/demo_z", "lstm_basics")) == "demo");
}
