// A notebook parameter, declared once: a member of the notebook class that is
// the parameters cell's `NAME = value`, the flag --name and its --help line.
//
//   class Lesson : public lesson::Notebook {
//     ...
//     // Parameters (the first code cell).
//     lesson::Seed SEED{this, 1};  // --seed N
//     lesson::Param<int64_t> EPOCHS{this, "EPOCHS", 300, "training epochs",
//                                   CLI::Range(int64_t{0}, kMaxEpochs)};
//     lesson::Param<bool> VECTORIZED{this, "VECTORIZED", false, "... (VECTORIZED = True)"};
//   };
//
// The flag is "--" + the name in lower case with '_' as '-' (EMBEDDING_DIM ->
// --embedding-dim), as compare turns a parity config's NAME=VALUE into flags
// (src/tools/compare.py, port_flags): the PARITY values, the flag and the
// member all come from the one name. A bool is a flag (--vectorized,
// --vectorized=false); any other value an option whose help ends in
// " (default X)". After the help come the option's checks (CLI::Validator:
// CLI::Range, CLI::IsMember, ...), TypeName{"X"} (the value's name in --help)
// and, for a str whose "" is Python's None, NoneIfEmpty{}.
//
// A parameter registers itself with its notebook when it is constructed, so
// --help lists the flags in the order the members are declared (the
// parameters cell's order), and lesson::Program::parse adds them and sets
// them: a notebook's constructor must not read them. A cell reads one as it
// reads a value (`for (int64_t e = 0; e < EPOCHS; ++e)`, `torch::manual_seed(SEED)`);
// `*CSV` and `WEIGHTS->empty()` where C++ needs the value itself.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "lesson/notebook.hpp"

namespace lesson {

// The value's name in --help ("X", "FILE.pt"), instead of CLI11's (INT, FLOAT, TEXT).
struct TypeName {
  std::string text;
};

// A str parameter whose empty value is Python's None (WEIGHTS = None).
struct NoneIfEmpty {};

// What every parameter has; Param<T> is one of type T.
class Parameter {
 public:
  virtual ~Parameter() = default;
  Parameter(const Parameter&) = delete;
  Parameter& operator=(const Parameter&) = delete;

  // The Python name, "EMBEDDING_DIM".
  const std::string& name() const { return name_; }
  // Its flag, "--embedding-dim".
  std::string flag() const;

  // Adds the flag to `app`, bound to the value (Program::parse).
  virtual CLI::Option* add_to(CLI::App& app) = 0;
  // The value as a Python literal (--print-parameters): 300, 0.1, True, 'quick', None.
  virtual std::string python_literal() const = 0;

 protected:
  // Registers the parameter with `notebook` (its list of parameters).
  Parameter(Notebook* notebook, std::string name, std::string help);

  void modify(CLI::Validator check) { checks_.push_back(std::move(check)); }
  void modify(TypeName type_name) { type_name_ = std::move(type_name.text); }
  void modify(NoneIfEmpty /*unused*/) { none_if_empty_ = true; }

  // The help, with " (default <shown>)" after it.
  std::string help_with_default(const std::string& shown) const;
  // Applies the checks and the type name to `option`; returns it.
  CLI::Option* finish(CLI::Option* option) const;

  std::string name_;
  std::string help_;
  std::vector<CLI::Validator> checks_;
  std::string type_name_;
  bool none_if_empty_ = false;
};

// The Python literal of a value (pyrepr's repr: 0.1, True, 'quick').
std::string python_literal(bool value);
std::string python_literal(int64_t value);
std::string python_literal(uint64_t value);
std::string python_literal(double value);
std::string python_literal(const std::string& value);

// One parameter of type T: bool, int64_t, uint64_t, double or std::string.
template <class T>
class Param : public Parameter {
  static_assert(std::is_same_v<T, bool> || std::is_same_v<T, int64_t> ||
                    std::is_same_v<T, uint64_t> || std::is_same_v<T, double> ||
                    std::is_same_v<T, std::string>,
                "a parameter is a bool, an int64_t, a uint64_t, a double or a std::string");

 public:
  // `notebook`: `this` of the notebook that declares it; `name`: the Python
  // name; `value`: the default, the notebook's; `help`: --help's text
  // (" (default X)" is added); then checks, TypeName, NoneIfEmpty.
  template <class... Modifiers>
  Param(Notebook* notebook, std::string name, T value, std::string help, Modifiers&&... modifiers)
      : Parameter(notebook, std::move(name), std::move(help)), value_(std::move(value)) {
    static_assert(std::is_same_v<T, std::string> ||
                      !(std::is_same_v<std::decay_t<Modifiers>, NoneIfEmpty> || ...),
                  "NoneIfEmpty is for a str parameter");
    (modify(std::forward<Modifiers>(modifiers)), ...);
  }

  operator const T&() const { return value_; }
  const T& operator*() const { return value_; }
  const T* operator->() const { return &value_; }
  // Sets the value (a flag other than the parameter's own: lstm_benchmark's --quick).
  Param& operator=(T value) {
    value_ = std::move(value);
    return *this;
  }

  CLI::Option* add_to(CLI::App& app) override {
    if constexpr (std::is_same_v<T, bool>) {
      return finish(app.add_flag(flag(), value_, help_));
    } else if constexpr (std::is_same_v<T, std::string>) {
      return finish(app.add_option(
          flag(), value_, help_with_default(value_.empty() && none_if_empty_ ? "None" : value_)));
    } else {
      return finish(
          app.add_option(flag(), value_, help_with_default(lesson::python_literal(value_))));
    }
  }

  std::string python_literal() const override {
    if constexpr (std::is_same_v<T, std::string>) {
      if (value_.empty() && none_if_empty_) return "None";
    }
    return lesson::python_literal(value_);
  }

 protected:
  T value_;
};

// SEED: --seed N, parsed by parse_seed (lesson/program.hpp) as
// torch.manual_seed takes it. `help` is --help's text before " (default 1)".
class Seed : public Param<uint64_t> {
 public:
  Seed(Notebook* notebook, uint64_t value, std::string help = "torch.manual_seed(SEED)")
      : Param<uint64_t>(notebook, "SEED", value, std::move(help)) {}
  using Param<uint64_t>::operator=;

  CLI::Option* add_to(CLI::App& app) override;
};

// "--" + name in lower case, '_' -> '-': EMBEDDING_DIM -> --embedding-dim.
std::string flag_of(const std::string& name);

// Writes "NAME = <Python literal>", one line per parameter of `notebook`, in order.
void print_parameters(const Notebook& notebook, std::ostream& out);

}  // namespace lesson
