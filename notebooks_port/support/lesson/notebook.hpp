// What every lesson's notebook shares: the code cells run in order, each
// cell's output captured the way Jupyter shows it (stdout stream text, then
// the displayed last expression Out[n] in IPython's pretty format), written
// as the run flags (lesson/program.hpp) ask:
//   --cells-json   print the shown cells as JSON (for `compare` and the parity tests)
//   --annotate     print headings and In [n]/Out[n] prompts between the outputs
//   --dump FILE    save every tensor shown, and the notebook's variables, to
//                  FILE (torch.load reads it; see Notebook)
//   --python-hash-seed N   the PYTHONHASHSEED the notebook's Python ran with
//                  (the order of a set of str: Notebook::python_hash_seed())
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pyrepr/pyrepr.hpp"
#include "pyrepr/versions.hpp"

namespace lesson {

// A cell's displayed last expression (Out[n]); nullopt when there is none.
using Shown = std::optional<pyrepr::Object>;

struct Cell {
  std::function<Shown()> run;
};

// The markdown heading each code cell sits under, in order, for --annotate:
// the main() that add_lesson() writes sets them, read from the notebook
// (support/headings.py), so a port never repeats them.
void set_notebook_headings(std::vector<std::string> headings);

struct RunOptions {
  bool cells_json = false;
  bool annotate = false;
  std::string dump_path;
  uint32_t python_hash_seed = 0;                   // PYTHONHASHSEED=N (0: hash randomization off)
  pyrepr::Rules rules = pyrepr::built_in_rules();  // whose printing rules apply
};

class Dump;       // what --dump saves (notebook.cpp)
class Parameter;  // a notebook parameter (lesson/param.hpp)

// The base of a lesson's notebook class: its code cells, Python's print(),
// and the notebook variables --dump saves. A cell's C++ is then only the
// port of its Python cell: --dump saves, as a dict name -> tensor,
//   - every tensor a cell shows, in the order shown: "cell<n>.print<k>[i]"
//     for argument i of the cell's k-th print() call, "cell<n>.Out" for
//     Out[n]; lists, tuples and dicts inside are flattened ("[j]", "[key]");
//   - after each cell, every registered variable that cell changed:
//     "cell<n>.<name>" (tensors flattened the same way).
class Notebook {
 public:
  Notebook() = default;
  virtual ~Notebook() = default;
  Notebook(const Notebook&) = delete;
  Notebook& operator=(const Notebook&) = delete;

  // The code cells, in order.
  virtual std::vector<Cell> cells() = 0;

  // The parameters cell: the notebook's lesson::Param members, in the order
  // declared (each registers itself; lesson/param.hpp). Program::parse adds
  // their flags and sets them.
  const std::vector<Parameter*>& parameters() const { return parameters_; }

 protected:
  // Python's print(a, b, ...): writes what pyrepr::print writes.
  template <class... Args>
  void print(const Args&... args) {
    print_args(std::vector<pyrepr::Object>{pyrepr::Object(args)...});
  }
  void print_args(const std::vector<pyrepr::Object>& args);

  // Registers a notebook variable (a member) under its Python name, once,
  // in the constructor: --dump saves it after each cell that changes it.
  template <class T>
  void variable(std::string name, const T& value) {
    variables_.push_back({std::move(name), [&value] { return pyrepr::Object(value); }});
  }

  // The PYTHONHASHSEED this run reproduces (--python-hash-seed N, default 0),
  // for what depends on Python's str hash: pyrepr::python_set_order(words,
  // python_hash_seed()) is the order of set(words). Set before the cells run.
  uint32_t python_hash_seed() const { return python_hash_seed_; }

 private:
  friend class Dump;
  friend class Parameter;
  friend int run_notebook(const std::string& program, Notebook& notebook,
                          const std::vector<int>& shown, const RunOptions& options);
  struct Variable {
    std::string name;
    std::function<pyrepr::Object()> get;
  };
  Dump* dump_ = nullptr;           // set by run_notebook while --dump records
  uint32_t python_hash_seed_ = 0;  // set by run_notebook
  std::vector<Variable> variables_;
  std::vector<Parameter*> parameters_;
};

// Runs every cell in order and writes the output of the cells whose 1-based
// index is in `shown` (all cells if empty) to stdout, in the chosen form;
// --dump records as Notebook says. An exception from a cell is reported on
// stderr (exit status 1).
int run_notebook(const std::string& program, Notebook& notebook, const std::vector<int>& shown,
                 const RunOptions& options);

// A JSON string literal for UTF-8 text.
std::string json_string(const std::string& text);

}  // namespace lesson
