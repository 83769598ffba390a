// ptcat: print torch.save files as Python's print(torch.load(FILE)) does,
// byte for byte, under the print options given on the command line. It
// links only pyrepr's core: no LibTorch.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pyrepr/dtype.hpp"
#include "pyrepr/load.hpp"
#include "pyrepr/object.hpp"
#include "pyrepr/options.hpp"
#include "pyrepr/versions.hpp"

namespace {

constexpr int kExitFileError = 1;
constexpr int kExitUsage = 2;

const char* const kDescription =
    "Print each FILE (written by Python's torch.save) exactly as\n"
    "  print(torch.load(FILE))\n"
    "prints it, files in the order given, under the printing rules of one PyTorch\n"
    "and Python release (--torch-version, --python-version).";

const char* const kFooter =
    "Print options are applied as one call\n"
    "  torch.set_printoptions(profile=..., precision=..., threshold=..., edgeitems=...,\n"
    "                         linewidth=..., sci_mode=...)\n"
    "would: the profile first, then every explicit value on top of it. Options not\n"
    "given keep their defaults (precision 4, threshold 1000, edgeitems 3, linewidth\n"
    "80, sci_mode automatic).\n"
    "\n"
    "--torch-version and --python-version choose whose printing rules apply:\n"
    "torch/_tensor_str.py of PyTorch 1.13, 2.6 or 2.14, and Python 3.11, 3.13 or\n"
    "3.14's repr (with the IPython its Debian release ships). The defaults are the\n"
    "LibTorch the project was built against and the Python it was configured\n"
    "with. ptcat itself does not use LibTorch: every dtype of the three releases\n"
    "is read and printed, whatever the build's LibTorch has.\n"
    "\n"
    "--requires-grad makes every loaded tensor (inside lists, tuples and dicts too)\n"
    "require grad before printing, as Python's t.requires_grad_() would. Only\n"
    "floating point and complex tensors can: for any other tensor (integer, bool,\n"
    "quantized) the file fails as in Python, with the message 'only Tensors of\n"
    "floating point dtype can require gradients'.\n"
    "\n"
    "Readable content: tensors of every dtype (strided views sharing a storage,\n"
    "quantized per-tensor/per-channel affine, sparse COO and compressed),\n"
    "nn.Parameter, and None/bool/int/float/str/bytes, list/tuple/dict/OrderedDict,\n"
    "torch.Size and torch dtypes/layouts/qschemes around them. A file is mapped,\n"
    "not read: a summarized tensor reads only the elements it shows. Sets, complex\n"
    "Python numbers, devices, storages, TorchScript archives and the legacy\n"
    "(non-zip) format are refused with an error.\n"
    "\n"
    "Exit status: 0 if every file was printed; 1 if a file could not be read or\n"
    "printed (one line 'ptcat: error: FILE: why' on stderr; the other files are\n"
    "still printed); 2 for a bad option or value (one line on stderr, nothing\n"
    "printed).";

struct UsageError {
  std::string message;
};

// A whole-string integer in [min, max].
int parse_int(const std::string& flag, const std::string& text, int min,
              int max = std::numeric_limits<int>::max()) {
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || v < min || v > max)
    throw UsageError{flag + ": expected an integer " +
                     (max == std::numeric_limits<int>::max()
                          ? ">= " + std::to_string(min)
                          : "in [" + std::to_string(min) + ", " + std::to_string(max) + "]") +
                     ", got '" + text + "'"};
  return static_cast<int>(v);
}

// Python prints any precision, but every printed number is then that many
// characters long (--precision 2000000000: 2 GB each). A double's exact
// decimal expansion ends within 1074 digits after the point, so a larger
// precision only adds zeros; 10000 leaves room and refuses the absurd.
constexpr int kMaxPrecision = 10000;

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

// A supported release's "X.Y" (versions.hpp).
pyrepr::Version parse_version(const std::string& flag, const std::string& text, bool torch) {
  try {
    return torch ? pyrepr::parse_torch_version(text) : pyrepr::parse_python_version(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError{flag + ": " + e.what()};
  }
}

// Python's requires_grad_() on every tensor in the value.
void require_grad(pyrepr::Object& obj) {
  auto& v = obj.value();
  if (auto* t = std::get_if<pyrepr::TensorValue>(&v)) {
    // Python's Tensor.requires_grad_ checks the dtype itself, with this message.
    const pyrepr::DType* d = t->tensor->dtype;
    if (!d || !(pyrepr::is_floating_point(*d) || pyrepr::is_complex(*d)))
      throw std::runtime_error("only Tensors of floating point dtype can require gradients");
    auto copy = std::make_shared<pyrepr::TensorData>(*t->tensor);
    copy->requires_grad = true;
    t->tensor = std::move(copy);
  } else if (auto* l = std::get_if<pyrepr::List>(&v)) {
    for (auto& x : *l) require_grad(x);
  } else if (auto* tu = std::get_if<pyrepr::Tuple>(&v)) {
    for (auto& x : tu->items) require_grad(x);
  } else if (auto* seq = std::get_if<pyrepr::StructSeq>(&v)) {  // a tuple too
    for (auto& field : seq->fields) require_grad(field.second);
  } else if (auto* d = std::get_if<pyrepr::Dict>(&v)) {
    for (auto& [k, x] : d->items) {
      require_grad(k);
      require_grad(x);
    }
  }
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// One file's text, kept until it is whole, so that it is written whole or
// not at all: in memory up to kInMemory bytes, then in a temporary file (in
// memory after all when none can be made), so that a list of millions of
// values costs no memory for its text.
class Spool {
 public:
  void write(std::string_view s) {
    if (!file_ && !no_file_ && memory_.size() + s.size() > kInMemory) to_file();
    if (!file_) {
      memory_.append(s);
      return;
    }
    if (std::fwrite(s.data(), 1, s.size(), file_.get()) != s.size())
      throw std::runtime_error(std::string("cannot write a temporary file: ") +
                               std::strerror(errno));
  }
  // Writes the text to `out`; false if it could not be written.
  bool write_to(std::FILE* out) {
    if (!file_) return std::fwrite(memory_.data(), 1, memory_.size(), out) == memory_.size();
    if (std::fflush(file_.get()) != 0 || std::fseek(file_.get(), 0, SEEK_SET) != 0)
      throw std::runtime_error(std::string("cannot read a temporary file: ") +
                               std::strerror(errno));
    std::vector<char> block(size_t{1} << 16);
    size_t n = 0;
    while ((n = std::fread(block.data(), 1, block.size(), file_.get())) > 0)
      if (std::fwrite(block.data(), 1, n, out) != n) return false;
    if (std::ferror(file_.get()))
      throw std::runtime_error(std::string("cannot read a temporary file: ") +
                               std::strerror(errno));
    return true;
  }

 private:
  static constexpr size_t kInMemory = size_t{4} << 20;
  struct Close {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  void to_file() {
    file_.reset(std::tmpfile());  // deleted when closed
    no_file_ = !file_;
    if (no_file_) return;
    write(memory_);
    std::string().swap(memory_);
  }
  std::string memory_;
  std::unique_ptr<std::FILE, Close> file_;
  bool no_file_ = false;  // none could be made
};

// print(torch.load(path))'s text, written to `out`; throws on failure.
void render(Spool& out, const std::string& path, bool requires_grad) {
  pyrepr::Object obj = pyrepr::load(path);  // its errors name the file
  if (requires_grad) require_grad(obj);
  try {
    pyrepr::format_chunks(obj, [&out](std::string_view text) { out.write(text); });
  } catch (const pyrepr::LoadError& e) {  // the file shrank while its tensors printed
    throw pyrepr::LoadError(path + ": " + e.what());
  }
  out.write("\n");
}

int run(int argc, char** argv) {
  CLI::App app{kDescription, "ptcat"};
  app.get_formatter()->column_width(34);
  app.footer(kFooter);
  std::vector<std::string> files;
  std::optional<std::string> precision, threshold, edgeitems, linewidth, sci_mode, profile;
  std::optional<std::string> torch_version, python_version;
  bool requires_grad = false;
  app.add_option("FILE", files, "torch.save file(s) to print")->required();
  app.add_option("--precision", precision, "Digits after the decimal point (0-10000; default 4)")
      ->type_name("N");
  app.add_option("--threshold", threshold,
                 "Elements above which a tensor is summarized (>= 0 or inf; default 1000)")
      ->type_name("N|inf");
  app.add_option("--edgeitems", edgeitems,
                 "Items shown at each end of a summarized dimension (>= 0; default 3)")
      ->type_name("N");
  app.add_option("--linewidth", linewidth, "Characters per line (>= 1; default 80)")
      ->type_name("N");
  app.add_option("--sci-mode", sci_mode, "Scientific notation (default auto: chosen per tensor)")
      ->type_name("auto|true|false");
  app.add_option("--profile", profile,
                 "Preset applied first: default, short (precision 2, edgeitems 2) or full "
                 "(threshold inf)")
      ->type_name("default|short|full");
  const pyrepr::Rules built_in = pyrepr::built_in_rules();
  app.add_option(
         "--torch-version", torch_version,
         "Print as this PyTorch does: 1.13, 2.6 or 2.14 (default " + built_in.torch.str() + ")")
      ->type_name("X.Y");
  app.add_option(
         "--python-version", python_version,
         "Print as this Python does: 3.11, 3.13 or 3.14 (default " + built_in.python.str() + ")")
      ->type_name("X.Y");
  app.add_flag("--requires-grad", requires_grad,
               "Make every tensor require grad before printing (see below)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "ptcat: error: " << pyrepr::one_line(first_line(e.what()))
              << " (see 'ptcat --help')\n";
    return kExitUsage;
  }

  pyrepr::PrintArgs args;
  pyrepr::Rules rules = built_in;
  try {
    if (torch_version) rules.torch = parse_version("--torch-version", *torch_version, true);
    if (python_version) rules.python = parse_version("--python-version", *python_version, false);
    if (profile) {
      if (*profile != "default" && *profile != "short" && *profile != "full")
        throw UsageError{"--profile: expected default, short or full, got '" + *profile + "'"};
      args.profile(*profile);
    }
    if (precision) args.precision(parse_int("--precision", *precision, 0, kMaxPrecision));
    if (threshold) args.threshold(parse_threshold(*threshold));
    if (edgeitems) args.edgeitems(parse_int("--edgeitems", *edgeitems, 0));
    if (linewidth) args.linewidth(parse_int("--linewidth", *linewidth, 1));
    if (sci_mode) args.sci_mode(parse_sci_mode(*sci_mode));
  } catch (const UsageError& e) {
    std::cerr << "ptcat: error: " << pyrepr::one_line(e.message) << " (see 'ptcat --help')\n";
    return kExitUsage;
  }
  pyrepr::PrintOptions options = args.apply_to(pyrepr::get_printoptions());
  options.rules = rules;
  pyrepr::set_printoptions(options);

  int status = 0;
  for (const auto& path : files) {
    Spool out;  // the file's text: written whole, or not at all on an error
    std::string error;
    try {
      render(out, path, requires_grad);
    } catch (const pyrepr::LoadError& e) {
      error = first_line(e.what());  // already names the file
    } catch (const std::exception& e) {
      error = path + ": " + first_line(e.what());
    }
    if (!error.empty()) {
      std::fflush(stdout);
      std::cerr << "ptcat: error: " << pyrepr::one_line(error) << "\n";
      status = kExitFileError;
      continue;
    }
    // straight to stdout (CLI11 writes --help through std::cout, which stays
    // in step with stdio)
    bool written = false;
    try {
      written = out.write_to(stdout) && std::fflush(stdout) == 0;
    } catch (const std::exception& e) {
      std::cerr << "ptcat: error: " << path << ": " << e.what() << "\n";
      status = kExitFileError;
      continue;
    }
    if (!written) {
      std::cerr << "ptcat: error: cannot write to stdout: " << std::strerror(errno) << "\n";
      return kExitFileError;
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "ptcat: error: " << first_line(e.what()) << "\n";
  } catch (...) {
    std::cerr << "ptcat: error: unexpected failure\n";
  }
  return kExitFileError;
}
