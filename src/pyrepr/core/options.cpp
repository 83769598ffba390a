#include "pyrepr/options.hpp"

#include <limits>
#include <mutex>

#include "pyrepr/core/options_snapshot.hpp"

namespace pyrepr {
namespace {
std::mutex& options_mutex() {
  static std::mutex m;
  return m;
}
PrintOptions& global_options() {
  static PrintOptions opts;
  return opts;
}
}  // namespace

PrintOptions PrintArgs::apply_to(PrintOptions o) const {
  if (profile_) {
    if (*profile_ == "default") {
      o.precision = 4, o.threshold = 1000, o.edgeitems = 3, o.linewidth = 80;
    } else if (*profile_ == "short") {
      o.precision = 2, o.threshold = 1000, o.edgeitems = 2, o.linewidth = 80;
    } else if (*profile_ == "full") {
      o.precision = 4, o.threshold = std::numeric_limits<double>::infinity(), o.edgeitems = 3,
      o.linewidth = 80;
    }  // any other profile is silently ignored, as in Python
  }
  if (precision_) o.precision = *precision_;
  if (threshold_) o.threshold = *threshold_;
  if (edgeitems_) o.edgeitems = *edgeitems_;
  if (linewidth_) o.linewidth = *linewidth_;
  o.sci_mode = sci_mode_;  // unconditional, like PRINT_OPTS.sci_mode = sci_mode
  return o;
}

PrintOptions get_printoptions() {
  std::lock_guard<std::mutex> lock(options_mutex());
  return global_options();
}

void set_printoptions(const PrintArgs& args) {
  std::lock_guard<std::mutex> lock(options_mutex());
  global_options() = args.apply_to(global_options());
}

void set_printoptions(const PrintOptions& options) {
  std::lock_guard<std::mutex> lock(options_mutex());
  global_options() = options;
}

PrintOptionsGuard::PrintOptionsGuard(const PrintArgs& args) {
  std::lock_guard<std::mutex> lock(options_mutex());
  saved_ = global_options();
  global_options() = args.apply_to(saved_);
}

PrintOptionsGuard::PrintOptionsGuard(const PrintOptions& options) {
  std::lock_guard<std::mutex> lock(options_mutex());
  saved_ = global_options();
  global_options() = options;
}

PrintOptionsGuard::~PrintOptionsGuard() { set_printoptions(saved_); }

namespace detail {
namespace {
thread_local const PrintOptions* t_snapshot = nullptr;  // the outermost call's, on this thread
}  // namespace

OptionsSnapshot::OptionsSnapshot() : active_(t_snapshot), outermost_(t_snapshot == nullptr) {
  if (outermost_) {
    own_ = get_printoptions();
    active_ = &own_;
    t_snapshot = active_;
  }
}

OptionsSnapshot::~OptionsSnapshot() {
  if (outermost_) t_snapshot = nullptr;
}
}  // namespace detail

}  // namespace pyrepr
