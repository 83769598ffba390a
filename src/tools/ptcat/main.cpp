// ptcat: print torch.save files as Python's print(torch.load(FILE)) does,
// byte for byte, under the print options given on the command line. It
// links only pyrepr's core: no LibTorch.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "diff.hpp"
#include "keys.hpp"
#include "listing.hpp"
#include "pyrepr/dtype.hpp"
#include "pyrepr/load.hpp"
#include "pyrepr/object.hpp"
#include "pyrepr/options.hpp"
#include "pyrepr/versions.hpp"
#include "render.hpp"
#include "report.hpp"
#include "values.hpp"

namespace {

constexpr int kExitFileError = 1;
constexpr int kExitUsage = 2;

const char* const kDescription =
    "Print each FILE exactly as\n"
    "  print(torch.load(FILE))\n"
    "prints it, files in the order given, under the printing rules of one PyTorch\n"
    "and Python release (--torch-version, --python-version). Or list its tensors\n"
    "(--list, --tree), give their statistics (--stats), or compare two files\n"
    "(ptcat diff A B).";

const char* const kFooter =
    "Formats, recognized by content (not by name): torch.save's (zip, and the\n"
    "legacy format of PyTorch < 1.6); safetensors, printed as\n"
    "safetensors.torch.load_file gives it (a dict, keys sorted); numpy's .npy as\n"
    "torch.from_numpy(numpy.load(FILE)) and .npz as a dict of those; a sharded\n"
    "checkpoint's index (model.safetensors.index.json,\n"
    "pytorch_model.bin.index.json) as one dict of its shards' tensors.\n"
    "\n"
    "Key paths name each value: a dict's keys, list and tuple indices, joined\n"
    "by dots (state_dict.lstm.weight_ih_l0). --key GLOB (fnmatch: * ? [...],\n"
    "* matching dots too) keeps the values whose path matches, and what they\n"
    "hold; without a mode ptcat prints the dict {path: value} of them.\n"
    "--list reads metadata alone: key, dtype, shape, bytes, and the storage\n"
    "(#N, 'shared' when tensors share it). --stats reads every value once, in\n"
    "float64: min, max, mean, std (unbiased), 2-norm, nan/inf/zero counts.\n"
    "--json writes one document (schema version 1, README 'ptcat for\n"
    "checkpoints').\n"
    "\n"
    "ptcat diff A B [--rtol R --atol A] [--key GLOB] [--json] compares A (the\n"
    "actual values) with B (the expected) key by key as\n"
    "torch.testing.assert_close(a, b) does: same dtype and shape, values close\n"
    "(|a - b| <= atol + rtol * |b|, nan never close) with its default rtol and\n"
    "atol for the dtype unless both are given. It reports the keys only one file\n"
    "has, and per tensor the elements not close, the greatest absolute and\n"
    "relative differences and where. Exit status: 0 equal within tolerance, 1\n"
    "different, 2 error (or values it could not compare).\n"
    "\n"
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
    "with. The PyTorch release also decides how diff computes, as its\n"
    "torch.testing.assert_close does: 1.13 in float64 (int64), 2.x in each tensor's\n"
    "own dtype (ptcat diff A B --torch-version 1.13). ptcat itself does not use\n"
    "LibTorch: every dtype of the three releases is read and printed, whatever the\n"
    "build's LibTorch has.\n"
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
    "Python numbers, devices, storages and TorchScript archives are refused with\n"
    "an error.\n"
    "\n"
    "Exit status (but diff's): 0 if every file was printed; 1 if a file could not\n"
    "be read or printed (one line 'ptcat: error: FILE: why' on stderr; the other\n"
    "files are still printed); 2 for a bad option or value (one line on stderr,\n"
    "nothing printed).";

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
double parse_threshold(const std::string& text, const char* flag) {
  if (text == "inf" || text == "Inf" || text == "infinity")
    return std::numeric_limits<double>::infinity();
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || std::isnan(v) || std::isinf(v) || v < 0 ||
      text.find_first_of("xXnN") != std::string::npos)
    throw UsageError{std::string(flag) + ": expected a number >= 0 or 'inf', got '" + text + "'"};
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

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// What a run does with its files.
struct Modes {
  bool list = false, tree = false, stats = false, json = false;
  std::vector<std::string> keys;
};

// One file in --list, --tree, --stats or print mode: its text into `out`,
// its JSON into `json`. Throws on failure (a LoadError names the file).
void file_output(ptcat::Spool& out, nlohmann::ordered_json& json, const std::string& path,
                 const Modes& m, bool requires_grad) {
  pyrepr::Object obj = pyrepr::load(path);  // its errors name the file
  try {
    if (!m.list && !m.tree && !m.stats) {
      if (requires_grad) ptcat::require_grad(obj);
      ptcat::render(out, obj, m.keys);
      return;
    }
    const std::vector<ptcat::Entry> entries = ptcat::walk(obj, m.keys);
    if (m.json) {
      json["file"] = path;
      json["tensors"] =
          m.stats ? ptcat::stats_json(entries, ptcat::worker_threads()) : ptcat::list_json(entries);
    } else if (m.stats) {
      ptcat::stats_text(out, entries, ptcat::worker_threads());
    } else if (m.tree) {
      ptcat::tree_text(out, entries);
    } else {
      ptcat::list_text(out, entries);
    }
  } catch (const pyrepr::LoadError& e) {  // the file shrank while it was read
    throw pyrepr::LoadError(path + ": " + e.what());
  }
}

// The JSON document of a run, on stdout.
bool write_json(const nlohmann::ordered_json& doc) {
  const std::string text = doc.dump(2) + "\n";
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() &&
         std::fflush(stdout) == 0;
}

// ptcat diff A B: 0 equal, 1 different, 2 error.
int run_diff(const std::string& a, const std::string& b, const ptcat::DiffOptions& options,
             bool json) {
  pyrepr::Object oa, ob;
  std::vector<ptcat::DiffEntry> entries;
  try {
    oa = pyrepr::load(a);
    ob = pyrepr::load(b);
    entries = ptcat::diff(oa, ob, options);
  } catch (const pyrepr::LoadError& e) {
    std::cerr << "ptcat: error: " << pyrepr::one_line(first_line(e.what())) << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "ptcat: error: " << pyrepr::one_line(first_line(e.what())) << "\n";
    return kExitUsage;
  }
  const bool equal = ptcat::all_equal(entries);
  bool written = false;
  if (json) {
    nlohmann::ordered_json doc;
    doc["ptcat"] = ptcat::kSchemaVersion;
    doc["mode"] = "diff";
    doc["actual"] = a;
    doc["expected"] = b;
    doc["equal"] = equal;
    doc["entries"] = ptcat::diff_json(entries);
    written = write_json(doc);
  } else {
    ptcat::Spool out;
    ptcat::diff_text(out, entries, a, b);
    written = out.write_to(stdout) && std::fflush(stdout) == 0;
  }
  if (!written) {
    std::cerr << "ptcat: error: cannot write to stdout: " << std::strerror(errno) << "\n";
    return kExitUsage;
  }
  if (equal) return 0;
  const bool differs = std::any_of(entries.begin(), entries.end(), [](const ptcat::DiffEntry& e) {
    return e.status != ptcat::DiffEntry::Status::Equal &&
           e.status != ptcat::DiffEntry::Status::NotCompared;
  });
  if (!differs) {
    std::cerr << "ptcat: error: some values could not be compared\n";
    return kExitUsage;
  }
  return kExitFileError;  // 1: different
}

int run(int argc, char** argv) {
  CLI::App app{kDescription, "ptcat"};
  app.get_formatter()->column_width(34);
  app.footer(kFooter);
  std::vector<std::string> files;
  std::optional<std::string> precision, threshold, edgeitems, linewidth, sci_mode, profile;
  std::optional<std::string> torch_version, python_version;
  bool requires_grad = false;
  Modes modes;
  app.add_option("FILE", files, "torch.save file(s) to print");
  app.add_flag("--list", modes.list,
               "List the tensors (key, dtype, shape, bytes, storage) from metadata alone");
  app.add_flag("--tree", modes.tree, "List every value, indented by nesting");
  app.add_flag("--stats", modes.stats,
               "Statistics per tensor: min, max, mean, std, norm, nan/inf/zero counts");
  app.add_option("--key", modes.keys,
                 "Only the values whose key path matches GLOB (repeatable; every mode)")
      ->type_name("GLOB")
      ->allow_extra_args(false);
  app.add_flag("--json", modes.json, "JSON output (schema version 1) for --list, --stats, diff");
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

  CLI::App* diff_cmd = app.add_subcommand(
      "diff",
      "Compare file A (actual) with file B (expected) key by key, by the rules of\n"
      "torch.testing.assert_close. Exit status: 0 equal within tolerance, 1 different,\n"
      "2 error (or values that could not be compared).");
  std::vector<std::string> diff_files;
  std::optional<std::string> rtol, atol;
  std::vector<std::string> diff_keys;
  bool diff_json = false;
  // one positional of two values: CLI11 2.4 and later refuse a name with a space
  diff_cmd->add_option("FILES", diff_files, "A (actual) and B (expected)")
      ->required()
      ->expected(2)
      ->type_name("FILE");
  diff_cmd->add_option("--rtol", rtol, "Relative tolerance (with --atol; default per dtype)")
      ->type_name("R");
  diff_cmd->add_option("--atol", atol, "Absolute tolerance (with --rtol; default per dtype)")
      ->type_name("A");
  diff_cmd->add_option("--key", diff_keys, "Only the values whose key path matches GLOB")
      ->type_name("GLOB")
      ->allow_extra_args(false);
  diff_cmd->add_flag("--json", diff_json, "JSON output (schema version 1)");
  diff_cmd->fallthrough();  // --torch-version after "diff" too

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
  ptcat::DiffOptions diff_options;
  try {
    if (diff_cmd->parsed()) {
      if (rtol.has_value() != atol.has_value())
        throw UsageError{"diff: --rtol and --atol go together (or neither: the dtype's defaults)"};
      if (rtol) diff_options.rtol = parse_threshold(*rtol, "--rtol");
      if (atol) diff_options.atol = parse_threshold(*atol, "--atol");
      diff_options.globs = diff_keys;
      diff_options.threads = ptcat::worker_threads();
    } else {
      if (files.empty()) throw UsageError{"FILE is required"};
      if (int(modes.list) + int(modes.tree) + int(modes.stats) > 1)
        throw UsageError{"--list, --tree and --stats: one at a time"};
      if (modes.json && !modes.list && !modes.stats)
        throw UsageError{"--json goes with --list, --stats or diff"};
    }
    if (torch_version) rules.torch = parse_version("--torch-version", *torch_version, true);
    if (python_version) rules.python = parse_version("--python-version", *python_version, false);
    diff_options.rules = ptcat::assert_close_rules(rules.torch);
    if (profile) {
      if (*profile != "default" && *profile != "short" && *profile != "full")
        throw UsageError{"--profile: expected default, short or full, got '" + *profile + "'"};
      args.profile(*profile);
    }
    if (precision) args.precision(parse_int("--precision", *precision, 0, kMaxPrecision));
    if (threshold) args.threshold(parse_threshold(*threshold, "--threshold"));
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

  if (diff_cmd->parsed()) return run_diff(diff_files[0], diff_files[1], diff_options, diff_json);

  int status = 0;
  nlohmann::ordered_json doc;
  doc["ptcat"] = ptcat::kSchemaVersion;
  doc["mode"] = modes.stats ? "stats" : "list";
  doc["files"] = nlohmann::ordered_json::array();
  for (const auto& path : files) {
    ptcat::Spool out;  // the file's text: written whole, or not at all on an error
    nlohmann::ordered_json json;
    std::string error;
    try {
      if (files.size() > 1 && (modes.list || modes.tree || modes.stats) && !modes.json)
        out.write("==> " + path + " <==\n");
      file_output(out, json, path, modes, requires_grad);
    } catch (const pyrepr::LoadError& e) {
      error = first_line(e.what());  // already names the file
    } catch (const std::exception& e) {
      error = path + ": " + first_line(e.what());
    }
    if (!error.empty()) {
      std::fflush(stdout);
      std::cerr << "ptcat: error: " << pyrepr::one_line(error) << "\n";
      status = kExitFileError;
      if (modes.json) doc["files"].push_back({{"file", path}, {"error", pyrepr::one_line(error)}});
      continue;
    }
    if (modes.json) {
      doc["files"].push_back(std::move(json));
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
  if (modes.json && !write_json(doc)) {
    std::cerr << "ptcat: error: cannot write to stdout: " << std::strerror(errno) << "\n";
    return kExitFileError;
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
