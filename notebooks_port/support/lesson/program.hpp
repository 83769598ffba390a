// A lesson program's command line: what every lesson's lesson_main() shares.
//
//   int lesson_main(int argc, char** argv, const char* scenario) {
//     lesson::Program program("demo_x", "What the program shows.");
//     Lesson notebook;  // its parameters (lesson/param.hpp) are the flags --seed, ...
//     program.add_flags([&](CLI::App& app) {  // the lesson's own flags, if it has any
//       app.add_flag("--op-by-op", op_by_op, "...");
//     });
//     if (int rc = program.parse(argc, argv, notebook); rc >= 0) return rc;
//     return program.run(notebook);
//   }
//
// --help lists the notebook's parameters (in the order the notebook declares
// them), the lesson's own flags, --chart, then the run flags every program
// has (lesson/notebook.hpp): --cells-json, --annotate, --dump,
// --torch-version, --python-version, --python-hash-seed; and the hidden
// --print-parameters (each parameter as "NAME = <Python literal>", then exit).
#pragma once

#include <cstdint>
#include <functional>
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
  // --help's first line.
  Program(std::string name, const std::string& description);
  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  const std::string& name() const { return name_; }

  // The lesson's own flags (not notebook parameters): parse() calls `add`
  // with the command line after it has added the notebook's parameters, so
  // they come after those in --help and may refer to them (excludes("--mode")).
  void add_flags(std::function<void(CLI::App&)> add);

  // Adds --chart FILE.svg (after the lesson's own flags); `help` says what it
  // draws. parse() refuses a path it can't write (before any cell runs);
  // write_chart() draws into it.
  void add_chart_flag(const std::string& help);

  // Adds the flags of the notebook's parameters, the lesson's own flags, and
  // the run flags, and parses the command line into them. Returns -1 to go
  // on, otherwise the exit status: 0 after --help or --print-parameters, 2
  // (with one error line on stderr) for bad flags or values.
  int parse(int argc, char** argv, Notebook& notebook);

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
  std::vector<std::function<void(CLI::App&)>> own_flags_;
  std::optional<std::string> chart_help_;  // set by add_chart_flag
  std::string chart_;
  RunOptions options_;
  bool print_parameters_ = false;
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
// (--seed: lesson::Seed, lesson/param.hpp.)
std::optional<uint64_t> parse_seed(const std::string& text);

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
