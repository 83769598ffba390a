// Print options, as torch.set_printoptions has them (torch/_tensor_str.py).
#pragma once

#include <optional>
#include <string>

#include "pyrepr/versions.hpp"

namespace pyrepr {

// PRINT_OPTS in _tensor_str.py. `threshold` is a double because Python
// compares `numel > threshold` and allows `inf` (profile "full").
struct PrintOptions {
  int precision = 4;
  double threshold = 1000;
  int edgeitems = 3;
  int linewidth = 80;
  std::optional<bool> sci_mode;  // nullopt: chosen automatically
  // Not a set_printoptions argument: which releases' rules to print by
  // (versions.hpp). set_printoptions(PrintArgs) keeps them; a guard scopes them.
  Rules rules = built_in_rules();

  bool operator==(const PrintOptions& o) const {
    return precision == o.precision && threshold == o.threshold && edgeitems == o.edgeitems &&
           linewidth == o.linewidth && sci_mode == o.sci_mode && rules == o.rules;
  }
  bool operator!=(const PrintOptions& o) const { return !(*this == o); }
};

// The arguments of set_printoptions(precision=None, threshold=None,
// edgeitems=None, linewidth=None, profile=None, sci_mode=None), with the
// same meaning: a profile is applied first, explicit values override it, and
// sci_mode is *always* assigned (omitting it resets it to automatic).
struct PrintArgs {
  std::optional<int> precision_;
  std::optional<double> threshold_;
  std::optional<int> edgeitems_;
  std::optional<int> linewidth_;
  std::optional<std::string> profile_;
  std::optional<bool> sci_mode_;

  PrintArgs& precision(int v) {
    precision_ = v;
    return *this;
  }
  PrintArgs& threshold(double v) {
    threshold_ = v;
    return *this;
  }
  PrintArgs& edgeitems(int v) {
    edgeitems_ = v;
    return *this;
  }
  PrintArgs& linewidth(int v) {
    linewidth_ = v;
    return *this;
  }
  PrintArgs& profile(std::string v) {
    profile_ = std::move(v);
    return *this;
  }
  PrintArgs& sci_mode(std::optional<bool> v) {
    sci_mode_ = v;
    return *this;
  }

  // The options that result from applying these arguments to `current`.
  PrintOptions apply_to(PrintOptions current) const;
};

// The process-wide options (thread-safe; each repr() reads one consistent copy).
PrintOptions get_printoptions();
void set_printoptions(const PrintArgs& args);
// Replace all options at once (what a guard restores).
void set_printoptions(const PrintOptions& options);

// Scoped set_printoptions: applies `args` and restores the previous options
// when it goes out of scope.
class PrintOptionsGuard {
 public:
  explicit PrintOptionsGuard(const PrintArgs& args);
  explicit PrintOptionsGuard(const PrintOptions& options);
  ~PrintOptionsGuard();
  PrintOptionsGuard(const PrintOptionsGuard&) = delete;
  PrintOptionsGuard& operator=(const PrintOptionsGuard&) = delete;

 private:
  PrintOptions saved_;
};

}  // namespace pyrepr
