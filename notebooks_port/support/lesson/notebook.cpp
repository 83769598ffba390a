#include "lesson/notebook.hpp"

#include <ATen/ATen.h>
#include <ATen/core/Dict.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include "pyrepr/options.hpp"

namespace lesson {

// ---------------------------------------------------------------- Dump

void Dump::operator()(const std::string& name, const pyrepr::Object& obj) {
  if (!enabled_) return;
  add("cell" + std::to_string(cell_) + "." + name, obj);
}

void Dump::add(const std::string& key, const pyrepr::Object& obj) {
  if (obj.is<pyrepr::TensorValue>()) {
    for (const auto& item : items_) {
      if (item.first == key) throw std::logic_error("--dump: the name '" + key + "' is used twice");
    }
    items_.emplace_back(key, obj);
  } else if (obj.is<pyrepr::List>()) {
    const auto& list = obj.as<pyrepr::List>();
    for (size_t i = 0; i < list.size(); ++i) add(key + "[" + std::to_string(i) + "]", list[i]);
  } else if (obj.is<pyrepr::Tuple>()) {
    const auto& items = obj.as<pyrepr::Tuple>().items;
    for (size_t i = 0; i < items.size(); ++i) add(key + "[" + std::to_string(i) + "]", items[i]);
  } else if (obj.is<pyrepr::Dict>()) {
    for (const auto& kv : obj.as<pyrepr::Dict>().items) {
      add(key + "[" + pyrepr::repr(kv.first) + "]", kv.second);
    }
  }
}

void Dump::save(const std::string& path) const {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& item : items_) {
    dict.insert(item.first, item.second.as<pyrepr::TensorValue>().tensor.detach().clone());
  }
  const std::vector<char> bytes = torch::jit::pickle_save(dict);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
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

CLI::Option* add_seed_flag(CLI::App& app, uint64_t& seed, const std::string& help) {
  return app
      .add_option_function<std::string>(
          "--seed",
          [&seed](const std::string& text) {
            const auto parsed = parse_seed(text);
            if (!parsed) {
              throw CLI::ValidationError(
                  "--seed", "expected an integer in [-2^63, 2^64-1], got '" + text + "'");
            }
            seed = *parsed;
          },
          help)
      ->type_name("N");
}

// ---------------------------------------------------------------- output

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);  // UTF-8 bytes pass through
        }
    }
  }
  return out + "\"";
}

namespace {

// Sends std::cout into a string while a cell runs (pyrepr::print writes to
// std::cout); restores it on every exit path.
class CaptureCout {
 public:
  CaptureCout() : saved_(std::cout.rdbuf(buffer_.rdbuf())) {}
  ~CaptureCout() { std::cout.rdbuf(saved_); }
  CaptureCout(const CaptureCout&) = delete;
  CaptureCout& operator=(const CaptureCout&) = delete;
  std::string text() const { return buffer_.str(); }

 private:
  std::ostringstream buffer_;
  std::streambuf* saved_;
};

struct Output {
  int index;
  std::string stream;
  std::optional<std::string> result;
};

std::string label(int index) { return "In [" + std::to_string(index) + "]"; }

}  // namespace

int run_notebook(const std::string& program, const std::vector<Cell>& cells,
                 const std::vector<int>& shown, const RunOptions& options, Dump& dump) {
  std::set<int> show(shown.begin(), shown.end());
  for (int index : show) {
    if (index < 1 || index > static_cast<int>(cells.size())) {
      std::cerr << program << ": internal error: no cell " << index << '\n';
      return 1;
    }
  }
  const int last = show.empty() ? static_cast<int>(cells.size()) : *show.rbegin();
  pyrepr::PrintOptions print_options = pyrepr::get_printoptions();
  print_options.rules = options.rules;
  pyrepr::set_printoptions(print_options);
  dump.enable(!options.dump_path.empty());
  if (!options.dump_path.empty()) {
    // Refuse an unwritable --dump file before any work (the file is written at the end).
    std::ofstream probe(options.dump_path, std::ios::binary | std::ios::app);
    if (!probe) {
      return usage_error(program,
                         "--dump: cannot write " + options.dump_path + ": " + std::strerror(errno));
    }
  }

  std::vector<Output> outputs;
  std::string heading;
  for (int index = 1; index <= last; ++index) {
    const Cell& cell = cells[static_cast<size_t>(index - 1)];
    dump.set_cell(index);
    Output output{index, "", std::nullopt};
    try {
      CaptureCout capture;
      Shown value = cell.run();
      if (value) output.result = pyrepr::pretty(*value);
      output.stream = capture.text();
    } catch (const std::exception& e) {
      std::cout.flush();
      std::cerr << program << ": error in cell " << index << ": " << e.what() << '\n';
      return 1;
    }
    if (!show.empty() && show.count(index) == 0) continue;

    if (options.cells_json) {
      outputs.push_back(std::move(output));
      continue;
    }
    if (options.annotate) {
      if (cell.heading != heading) {
        std::cout << (heading.empty() ? "" : "\n") << cell.heading << "\n\n";
        heading = cell.heading;
      }
      if (output.stream.empty() && !output.result) continue;  // nothing to show
      std::cout << label(index) << ":\n";
    }
    std::cout << output.stream;
    if (output.result) {
      if (options.annotate) {
        // IPython puts a multi-line value on the line after the prompt.
        std::cout << "Out[" << index
                  << "]:" << (output.result->find('\n') != std::string::npos ? "\n" : " ");
      }
      std::cout << *output.result << '\n';
    }
    if (options.annotate) std::cout << '\n';
    std::cout.flush();
  }

  if (options.cells_json) {
    std::ostringstream json;
    json << "{\"format\": \"lesson-cells/1\", \"program\": " << json_string(program)
         << ", \"total\": " << cells.size() << ", \"cells\": [";
    for (size_t i = 0; i < outputs.size(); ++i) {
      const Output& o = outputs[i];
      json << (i ? ",\n  " : "\n  ") << "{\"index\": " << o.index
           << ", \"label\": " << json_string(label(o.index))
           << ", \"stream\": " << json_string(o.stream)
           << ", \"result\": " << (o.result ? json_string(*o.result) : std::string("null")) << "}";
    }
    json << "\n]}\n";
    std::cout << json.str();
  }
  std::cout.flush();
  if (!std::cout) {
    std::cerr << program << ": error: cannot write to stdout\n";
    return 1;
  }

  if (!options.dump_path.empty()) {
    try {
      dump.save(options.dump_path);
    } catch (const std::exception& e) {
      std::cerr << program << ": error: --dump: " << e.what() << '\n';
      return 1;
    }
  }
  return 0;
}

// ---------------------------------------------------------------- programs

const char* scenario_of(const char* argv0, const char* lesson) {
  const char* base = std::strrchr(argv0, '/');
  base = base == nullptr ? argv0 : base + 1;
  const size_t n = std::strlen(lesson);
  if (std::strncmp(base, lesson, n) == 0 && base[n] == '_' && base[n + 1] != '\0') {
    return base + n + 1;
  }
  return "demo";
}

}  // namespace lesson
