// A lesson program's command line: what every lesson's lesson_main() shares.
//
//   int lesson_main(int argc, char** argv, const char* scenario) {
//     Parameters p;
//     lesson::Program program("demo_x", "What the program shows.", p.seed);
//     program.app().add_option("--hidden-size", p.hidden_size, "...");  // the lesson's own flags
//     if (int rc = program.parse(argc, argv); rc >= 0) return rc;
//     Notebook notebook(p);
//     return program.run(notebook);
//   }
//
// Every program has --seed and the run flags (lesson/notebook.hpp):
// --cells-json, --annotate, --dump, --torch-version, --python-version,
// --python-hash-seed.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lesson/notebook.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace lesson {

struct Chart;

class Program {
 public:
  // `name`: what --help and the error lines call the program; `description`:
  // --help's first line. Adds --seed, parsed by parse_seed into `seed`.
  Program(std::string name, const std::string& description, uint64_t& seed,
          const std::string& seed_help = "torch.manual_seed(SEED) (default 1)");
  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  // For the lesson's own flags.
  CLI::App& app() { return *app_; }
  const std::string& name() const { return name_; }

  // Adds --chart FILE.svg; `help` says what it draws. parse() refuses a path
  // it can't write (before any cell runs); write_chart() draws into it.
  void add_chart_flag(const std::string& help);

  // Adds the run flags and parses the command line. Returns -1 to go on,
  // otherwise the exit status: 0 after --help, 2 (with one error line on
  // stderr) for bad flags or values.
  int parse(int argc, char** argv);

  // One line "<name>: error: <message>" on stderr; returns 2.
  int error(const std::string& message) const;

  // run_notebook() with the parsed run flags; `shown`: the cells to show
  // (1-based; empty = all).
  int run(Notebook& notebook, const std::vector<int>& shown = {}) const;

  // After run(): draws `chart` into the --chart file if there is one.
  // 0, or one error line and 1.
  int write_chart(const Chart& chart) const;

 private:
  std::string name_;
  std::unique_ptr<CLI::App> app_;
  RunOptions options_;
  std::string chart_;
};

// Adds --cells-json, --annotate, --dump, --torch-version, --python-version and
// --python-hash-seed to `app`.
void add_run_flags(CLI::App& app, RunOptions& options);

// Parses the command line. Returns -1 to go on, otherwise the exit status:
// 0 after --help, 2 (with one error line on stderr) for bad flags or values.
int parse_flags(CLI::App& app, int argc, char** argv);

// One line "<program>: error: <message>" on stderr; returns 2.
int usage_error(const std::string& program, const std::string& message);

// Parses a seed as Python's torch.manual_seed accepts it: an integer in
// [-2^63, 2^64 - 1]; negative values wrap modulo 2^64. nullopt if invalid.
std::optional<uint64_t> parse_seed(const std::string& text);

// Adds --seed N to `app`: the value is parsed by parse_seed into `seed` (left
// as it is when the flag is absent); anything else is a usage error.
CLI::Option* add_seed_flag(CLI::App& app, uint64_t& seed,
                           const std::string& help = "torch.manual_seed(SEED) (default 1)");

// The scenario a lesson program runs, from the name it was run as (argv[0]):
// "<lesson>_<scenario>" (a link add_lesson() makes) with <scenario> one of
// `scenarios` gives "<scenario>", anything else (demo_<lesson>) "demo". The
// pointer stays valid while argv0 does.
const char* scenario_of(const char* argv0, const char* lesson,
                        std::initializer_list<const char*> scenarios);

}  // namespace lesson

// Each lesson library defines this; the program add_lesson() creates calls it
// with scenario "demo" (the whole notebook) or one of its SCENARIOS (scenario_of).
int lesson_main(int argc, char** argv, const char* scenario);
