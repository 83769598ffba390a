#include "lesson/program.hpp"

#include <CLI/CLI.hpp>
#include <cstring>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <utility>

#include "lesson/chart.hpp"
#include "lesson/param.hpp"

namespace lesson {

// ---------------------------------------------------------------- Program

Program::Program(std::string name, const std::string& description)
    : name_(std::move(name)), app_(std::make_unique<CLI::App>(description, name_)) {}

Program::~Program() = default;

void Program::add_flags(std::function<void(CLI::App&)> add) {
  own_flags_.push_back(std::move(add));
}

void Program::add_chart_flag(const std::string& help) { chart_help_ = help; }

int Program::parse(int argc, char** argv, Notebook& notebook) {
  for (Parameter* parameter : notebook.parameters()) parameter->add_to(*app_);
  for (const auto& add : own_flags_) add(*app_);
  if (chart_help_) app_->add_option("--chart", chart_, *chart_help_)->type_name("FILE.svg");
  add_run_flags(*app_, options_);
  // Hidden (an option group without a name is left out of --help; an option
  // of group "" would leave a blank line there): for the tests
  // (unit.<lesson>.parameters).
  app_->add_option_group("")->add_flag(
      "--print-parameters", print_parameters_,
      "print the notebook's parameters, NAME = <Python literal>, and exit");
  if (int rc = parse_flags(*app_, argc, argv); rc >= 0) return rc;
  if (print_parameters_) {
    print_parameters(notebook, std::cout);
    return 0;
  }
  return check_chart_flag(name_, chart_);  // before anything is computed
}

int Program::error(const std::string& message) const { return usage_error(name_, message); }

int Program::run(Notebook& notebook, const std::vector<int>& shown) const {
  return run_notebook(name_, notebook, shown, options_);
}

int Program::write_chart(const Chart& chart) const {
  return lesson::write_chart(name_, chart, chart_);
}

// ---------------------------------------------------------------- flags

void add_run_flags(CLI::App& app, RunOptions& options) {
  app.add_flag("--cells-json", options.cells_json,
               "print the shown cells as JSON: index, label, stream text, Out[n] text");
  app.add_flag("--annotate", options.annotate,
               "print the notebook's headings and In [n]/Out[n] prompts between the outputs");
  app.add_option("--dump", options.dump_path,
                 "save every tensor shown to FILE.pt (a dict name -> tensor; torch.load reads it)")
      ->type_name("FILE.pt");
  // The printing rules of another release (pyrepr/versions.hpp). grad_fn names
  // still come from the autograd nodes this LibTorch records.
  auto version_flag = [&app](const char* flag, pyrepr::Version& out, auto parse, const char* help) {
    app.add_option_function<std::string>(
           flag,
           [flag, &out, parse](const std::string& text) {
             try {
               out = parse(text);
             } catch (const std::invalid_argument& e) {
               throw CLI::ValidationError(flag, e.what());
             }
           },
           help)
        ->type_name("X.Y");
  };
  version_flag("--torch-version", options.rules.torch, pyrepr::parse_torch_version,
               "print as this PyTorch's Python does: 1.13, 2.6 or 2.14");
  version_flag("--python-version", options.rules.python, pyrepr::parse_python_version,
               "print as this Python (and its IPython) does: 3.11, 3.13 or 3.14");
  // What PYTHONHASHSEED=N gives Python: the order of a set of str (the
  // notebooks and compare run Python with 0).
  app.add_option("--python-hash-seed", options.python_hash_seed,
                 "reproduce PYTHONHASHSEED=N: the order of a set of str (default 0)")
      ->type_name("N")
      ->check(CLI::Range(uint32_t{0}, uint32_t{4294967295U}));
}

int usage_error(const std::string& program, const std::string& message) {
  std::cerr << program << ": error: " << message << '\n';
  return 2;
}

int parse_flags(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
    return usage_error(app.get_name(), what + " (see --help)");
  }
  return -1;
}

std::optional<uint64_t> parse_seed(const std::string& text) {
  if (text.empty() || text.size() > 21) return std::nullopt;
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (text[0] == '-' || text[0] == '+') i = 1;
  if (i == text.size()) return std::nullopt;
  // Accumulate the magnitude, refusing anything beyond 2^64 - 1.
  uint64_t value = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (negative) {
    if (value > (uint64_t{1} << 63)) return std::nullopt;  // below -2^63
    return uint64_t{0} - value;                            // two's complement, as Python does
  }
  return value;
}

// ---------------------------------------------------------------- programs

const char* scenario_of(const char* argv0, const char* lesson,
                        std::initializer_list<const char*> scenarios) {
  const char* base = std::strrchr(argv0, '/');
  base = base == nullptr ? argv0 : base + 1;
  const size_t n = std::strlen(lesson);
  if (std::strncmp(base, lesson, n) != 0 || base[n] != '_') return "demo";
  for (const char* scenario : scenarios) {
    if (std::strcmp(base + n + 1, scenario) == 0) return base + n + 1;
  }
  return "demo";
}

}  // namespace lesson
