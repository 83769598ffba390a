// What every lesson program shares: the notebook's code cells run in order,
// each cell's output captured the way Jupyter shows it (stdout stream text,
// then the displayed last expression Out[n] in IPython's pretty format), and
// the common flags:
//   --cells-json   print the shown cells as JSON (for `compare` and the parity tests)
//   --annotate     print headings and In [n]/Out[n] prompts between the outputs
//   --dump FILE    save every tensor shown to FILE (torch.load reads it)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pyrepr/object.hpp"
#include "pyrepr/versions.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace lesson {

// A cell's displayed last expression (Out[n]); nullopt when there is none.
using Shown = std::optional<pyrepr::Object>;

struct Cell {
  std::string heading;  // the markdown heading the cell sits under (for --annotate)
  std::function<Shown()> run;
};

// The tensors a lesson shows, saved by --dump as a dict name -> tensor (in
// the order they were shown). A name is prefixed with its cell ("cell2.") and
// lists/tuples are flattened (inputs01 -> inputs01[0], inputs01[1], ...).
class Dump {
 public:
  // Records every tensor in `obj` (no-op unless --dump was given).
  void operator()(const std::string& name, const pyrepr::Object& obj);

  // Used by run_notebook.
  void enable(bool on) { enabled_ = on; }
  void set_cell(int index) { cell_ = index; }
  // Writes the dict; throws std::runtime_error if the file cannot be written.
  void save(const std::string& path) const;

 private:
  void add(const std::string& key, const pyrepr::Object& obj);
  bool enabled_ = false;
  int cell_ = 0;
  std::vector<std::pair<std::string, pyrepr::Object>> items_;
};

struct RunOptions {
  bool cells_json = false;
  bool annotate = false;
  std::string dump_path;
  pyrepr::Rules rules = pyrepr::built_in_rules();  // whose printing rules apply
};

// Adds --cells-json, --annotate, --dump, --torch-version and --python-version to `app`.
void add_run_flags(CLI::App& app, RunOptions& options);

// Parses the command line. Returns -1 to go on, otherwise the exit status:
// 0 after --help, 2 (with one error line on stderr) for bad flags or values.
int parse_flags(CLI::App& app, int argc, char** argv);

// One line "<program>: error: <message>" on stderr; returns 2.
int usage_error(const std::string& program, const std::string& message);

// Runs every cell in order and writes the output of the cells whose 1-based
// index is in `shown` (all cells if empty) to stdout, in the chosen form.
// An exception from a cell is reported on stderr (exit status 1).
int run_notebook(const std::string& program, const std::vector<Cell>& cells,
                 const std::vector<int>& shown, const RunOptions& options, Dump& dump);

// A JSON string literal for UTF-8 text.
std::string json_string(const std::string& text);

// Parses a seed as Python's torch.manual_seed accepts it: an integer in
// [-2^63, 2^64 - 1]; negative values wrap modulo 2^64. nullopt if invalid.
std::optional<uint64_t> parse_seed(const std::string& text);

// Adds --seed N to `app`: the value is parsed by parse_seed into `seed` (left
// as it is when the flag is absent); anything else is a usage error.
CLI::Option* add_seed_flag(CLI::App& app, uint64_t& seed,
                           const std::string& help = "torch.manual_seed(SEED) (default 1)");

// The scenario a lesson program runs, from the name it was run as (argv[0]):
// "<lesson>_<scenario>" (a link add_lesson() makes) gives "<scenario>",
// anything else (demo_<lesson>) "demo". The pointer stays valid while argv0 does.
const char* scenario_of(const char* argv0, const char* lesson);

}  // namespace lesson

// Each lesson library defines this; the program add_lesson() creates calls it
// with program "demo" (the whole notebook) or a scenario name (scenario_of).
int lesson_main(int argc, char** argv, const char* program);
