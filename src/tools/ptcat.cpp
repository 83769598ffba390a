// ptcat: print torch.save files as Python's print(torch.load(FILE)) does,
// byte for byte, under the print options given on the command line.
#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "pyrepr/load.hpp"
#include "pyrepr/object.hpp"
#include "pyrepr/options.hpp"

namespace {

constexpr int kExitFileError = 1;
constexpr int kExitUsage = 2;

const char* const kDescription =
    "Print each FILE (written by Python's torch.save) exactly as PyTorch 1.13's\n"
    "  print(torch.load(FILE))\n"
    "prints it, files in the order given. The print options are applied as one call\n"
    "  torch.set_printoptions(profile=..., precision=..., threshold=..., edgeitems=...,\n"
    "                         linewidth=..., sci_mode=...)\n"
    "would: the profile first, then every explicit value on top of it; options not\n"
    "given keep their defaults (precision 4, threshold 1000, edgeitems 3, linewidth 80,\n"
    "sci_mode automatic).\n"
    "\n"
    "Readable content: tensors of every dtype (strided views sharing a storage,\n"
    "quantized per-tensor/per-channel affine, sparse COO), nn.Parameter, and\n"
    "None/bool/int/float/str/bytes, list/tuple/dict/OrderedDict, torch.Size and\n"
    "torch dtypes/layouts/qschemes around them.\n"
    "\n"
    "Exit status: 0 if every file was printed; 1 if a file could not be read or\n"
    "printed (one line 'ptcat: error: FILE: why' on stderr; the other files are\n"
    "still printed); 2 for a bad option or value (nothing is printed).";

const char* const kRequiresGradHelp =
    "Make every loaded tensor require grad before printing, as Python's\n"
    "t.requires_grad_() would (tensors inside lists, tuples and dicts too).\n"
    "Only floating point and complex tensors can: for any other tensor (integer,\n"
    "bool, quantized) the file fails, like Python's RuntimeError, with\n"
    "'only Tensors of floating point and complex dtype can require gradients'\n"
    "and exit status 1.";

struct UsageError {
  std::string message;
};

// A whole-string integer >= min.
int parse_int(const std::string& flag, const std::string& text, int min) {
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || v < min ||
      v > std::numeric_limits<int>::max())
    throw UsageError{flag + ": expected an integer >= " + std::to_string(min) + ", got '" + text +
                     "'"};
  return static_cast<int>(v);
}

// A number >= 0 or "inf".
double parse_threshold(const std::string& text) {
  if (text == "inf" || text == "Inf" || text == "infinity")
    return std::numeric_limits<double>::infinity();
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || std::isnan(v) || std::isinf(v) || v < 0 ||
      text.find_first_of("xXnN") != std::string::npos)
    throw UsageError{"--threshold: expected a number >= 0 or 'inf', got '" + text + "'"};
  return v;
}

std::optional<bool> parse_sci_mode(const std::string& text) {
  if (text == "auto") return std::nullopt;
  if (text == "true") return true;
  if (text == "false") return false;
  throw UsageError{"--sci-mode: expected auto, true or false, got '" + text + "'"};
}

// Python's requires_grad_() on every tensor in the value.
void require_grad(pyrepr::Object& obj) {
  auto& v = obj.value();
  if (auto* t = std::get_if<pyrepr::TensorValue>(&v)) {
    t->tensor.requires_grad_(true);
  } else if (auto* l = std::get_if<pyrepr::List>(&v)) {
    for (auto& x : *l) require_grad(x);
  } else if (auto* tu = std::get_if<pyrepr::Tuple>(&v)) {
    for (auto& x : tu->items) require_grad(x);
  } else if (auto* d = std::get_if<pyrepr::Dict>(&v)) {
    for (auto& [k, x] : d->items) {
      require_grad(k);
      require_grad(x);
    }
  }
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// The text print(torch.load(path)) writes; throws on failure.
std::string render(const std::string& path, bool requires_grad) {
  pyrepr::Object obj = pyrepr::load(path);
  if (requires_grad) require_grad(obj);
  return pyrepr::str(obj) + "\n";
}

int run(int argc, char** argv) {
  CLI::App app{kDescription, "ptcat"};
  app.get_formatter()->column_width(34);
  std::vector<std::string> files;
  std::optional<std::string> precision, threshold, edgeitems, linewidth, sci_mode, profile;
  bool requires_grad = false;
  app.add_option("FILE", files, "torch.save file(s) to print")->required();
  app.add_option("--precision", precision,
                 "Digits after the decimal point for floating point numbers (integer >= 0)")
      ->type_name("N");
  app.add_option("--threshold", threshold,
                 "Number of elements above which a tensor is summarized with '...' "
                 "(number >= 0, or inf to never summarize)")
      ->type_name("N|inf");
  app.add_option("--edgeitems", edgeitems,
                 "Items shown at the beginning and end of each dimension of a summarized "
                 "tensor (integer >= 0)")
      ->type_name("N");
  app.add_option("--linewidth", linewidth, "Characters per line before wrapping (integer >= 1)")
      ->type_name("N");
  app.add_option("--sci-mode", sci_mode,
                 "Scientific notation for floats: auto (chosen per tensor, the default), "
                 "true or false")
      ->type_name("auto|true|false");
  app.add_option("--profile", profile,
                 "Preset applied before the other options: default (precision 4, threshold "
                 "1000, edgeitems 3, linewidth 80), short (precision 2, edgeitems 2), full "
                 "(threshold inf)")
      ->type_name("default|short|full");
  app.add_flag("--requires-grad", requires_grad, kRequiresGradHelp);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "ptcat: error: " << e.what() << "\n"
              << "Run 'ptcat --help' for usage.\n";
    return kExitUsage;
  }

  pyrepr::PrintArgs args;
  try {
    if (profile) {
      if (*profile != "default" && *profile != "short" && *profile != "full")
        throw UsageError{"--profile: expected default, short or full, got '" + *profile + "'"};
      args.profile(*profile);
    }
    if (precision) args.precision(parse_int("--precision", *precision, 0));
    if (threshold) args.threshold(parse_threshold(*threshold));
    if (edgeitems) args.edgeitems(parse_int("--edgeitems", *edgeitems, 0));
    if (linewidth) args.linewidth(parse_int("--linewidth", *linewidth, 1));
    if (sci_mode) args.sci_mode(parse_sci_mode(*sci_mode));
  } catch (const UsageError& e) {
    std::cerr << "ptcat: error: " << e.message << "\n"
              << "Run 'ptcat --help' for usage.\n";
    return kExitUsage;
  }
  pyrepr::set_printoptions(args);

  int status = 0;
  for (const auto& path : files) {
    std::string out;
    std::string error;
    try {
      out = render(path, requires_grad);
    } catch (const pyrepr::LoadError& e) {
      error = first_line(e.what());  // already names the file
    } catch (const c10::Error& e) {
      error = path + ": " + first_line(e.what_without_backtrace());
    } catch (const std::exception& e) {
      error = path + ": " + first_line(e.what());
    }
    if (!error.empty()) {
      std::cout.flush();
      std::cerr << "ptcat: error: " << error << "\n";
      status = kExitFileError;
      continue;
    }
    std::cout << out;
    std::cout.flush();
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const c10::Error& e) {
    std::cerr << "ptcat: error: " << first_line(e.what_without_backtrace()) << "\n";
  } catch (const std::exception& e) {
    std::cerr << "ptcat: error: " << first_line(e.what()) << "\n";
  } catch (...) {
    std::cerr << "ptcat: error: unexpected failure\n";
  }
  return kExitFileError;
}
