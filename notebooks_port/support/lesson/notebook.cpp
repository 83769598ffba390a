#include "lesson/notebook.hpp"

#include <ATen/ATen.h>
#include <ATen/core/Dict.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "lesson/program.hpp"
#include "pyrepr/options.hpp"
#include "pyrepr/pretty.hpp"

namespace lesson {

// ---------------------------------------------------------------- Dump

// What --dump saves (see Notebook): the tensors shown and the registered
// variables a cell changed, in the order recorded.
class Dump {
 public:
  explicit Dump(const Notebook& notebook) : notebook_(notebook) {}

  void start_cell(int index) {
    cell_ = index;
    prints_ = 0;
  }
  void printed(const std::vector<pyrepr::Object>& args) {
    add(prefix() + "print" + std::to_string(++prints_), pyrepr::Object(pyrepr::Tuple{args}));
  }
  void displayed(const pyrepr::Object& value) { add(prefix() + "Out", value); }
  // Records each registered variable whose tensors differ from the last
  // time it was recorded (other tensors, or the same ones changed in place).
  void end_cell() {
    for (const auto& variable : notebook_.variables_) {
      const pyrepr::Object value = variable.get();
      // (The tensors are held, so that a new tensor can't take a freed one's address.)
      std::vector<std::pair<at::Tensor, int64_t>> identity;
      for_each_tensor("", value, [&](const std::string&, const at::Tensor& t) {
        identity.emplace_back(t, t._version());
      });
      auto& last = seen_[variable.name];
      const bool same = std::equal(identity.begin(), identity.end(), last.begin(), last.end(),
                                   [](const auto& a, const auto& b) {
                                     return a.first.is_same(b.first) && a.second == b.second;
                                   });
      if (same) continue;
      last = std::move(identity);
      add(prefix() + variable.name, value);
    }
  }
  // Writes the dict; throws std::runtime_error if the file cannot be written.
  void save(const std::string& path) const;

 private:
  std::string prefix() const { return "cell" + std::to_string(cell_) + "."; }
  void add(const std::string& key, const pyrepr::Object& value) {
    for_each_tensor(key, value, [this](const std::string& name, const at::Tensor& t) {
      for (const auto& item : items_) {
        if (item.first == name)
          throw std::logic_error("--dump: the name '" + name + "' is used twice");
      }
      items_.emplace_back(name, t.detach().clone());
    });
  }
  // Calls f(name, tensor) for every defined tensor in `obj`, lists, tuples
  // and dicts flattened: name[0], name[1], name['key'], ...
  template <class F>
  static void for_each_tensor(const std::string& name, const pyrepr::Object& obj, const F& f) {
    if (obj.is<pyrepr::TensorValue>()) {
      const at::Tensor t = pyrepr::to_torch(obj.as<pyrepr::TensorValue>());
      if (t.defined()) f(name, t);
    } else if (obj.is<pyrepr::List>()) {
      const auto& list = obj.as<pyrepr::List>();
      for (size_t i = 0; i < list.size(); ++i) {
        for_each_tensor(name + "[" + std::to_string(i) + "]", list[i], f);
      }
    } else if (obj.is<pyrepr::Tuple>()) {
      const auto& items = obj.as<pyrepr::Tuple>().items;
      for (size_t i = 0; i < items.size(); ++i) {
        for_each_tensor(name + "[" + std::to_string(i) + "]", items[i], f);
      }
    } else if (obj.is<pyrepr::Dict>()) {
      for (const auto& kv : obj.as<pyrepr::Dict>().items) {
        for_each_tensor(name + "[" + pyrepr::repr(kv.first) + "]", kv.second, f);
      }
    }
  }

  const Notebook& notebook_;
  int cell_ = 0;
  int prints_ = 0;
  std::map<std::string, std::vector<std::pair<at::Tensor, int64_t>>> seen_;
  std::vector<std::pair<std::string, at::Tensor>> items_;
};

void Dump::save(const std::string& path) const {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& item : items_) dict.insert(item.first, item.second);
  const std::vector<char> bytes = torch::jit::pickle_save(dict);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

void Notebook::print_args(const std::vector<pyrepr::Object>& args) {
  pyrepr::print_args(args);
  if (dump_ != nullptr) dump_->printed(args);
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

std::vector<std::string>& notebook_headings() {
  static std::vector<std::string> headings;
  return headings;
}

// The heading of code cell `index` (1-based); "" where the notebook has none.
const std::string& heading_of(int index) {
  static const std::string none;
  const auto& headings = notebook_headings();
  return index >= 1 && static_cast<size_t>(index) <= headings.size()
             ? headings[static_cast<size_t>(index - 1)]
             : none;
}

}  // namespace

void set_notebook_headings(std::vector<std::string> headings) {
  notebook_headings() = std::move(headings);
}

int run_notebook(const std::string& program, Notebook& notebook, const std::vector<int>& shown,
                 const RunOptions& options) {
  const std::vector<Cell> cells = notebook.cells();
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
  std::optional<Dump> dump;
  if (!options.dump_path.empty()) {
    // Refuse an unwritable --dump file before any work (the file is written at the end).
    std::ofstream probe(options.dump_path, std::ios::binary | std::ios::app);
    if (!probe) {
      return usage_error(program,
                         "--dump: cannot write " + options.dump_path + ": " + std::strerror(errno));
    }
    dump.emplace(notebook);
  }
  notebook.dump_ = dump ? &*dump : nullptr;
  notebook.python_hash_seed_ = options.python_hash_seed;
  struct Detach {  // the notebook outlives this call; the Dump does not
    Notebook& notebook;
    ~Detach() { notebook.dump_ = nullptr; }
  } detach{notebook};

  std::vector<Output> outputs;
  std::string heading;
  for (int index = 1; index <= last; ++index) {
    const Cell& cell = cells[static_cast<size_t>(index - 1)];
    if (dump) dump->start_cell(index);
    Output output{index, "", std::nullopt};
    try {
      CaptureCout capture;
      Shown value = cell.run();
      if (value) output.result = pyrepr::pretty(*value);
      output.stream = capture.text();
      if (dump && value) dump->displayed(*value);
      if (dump) dump->end_cell();
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
      const std::string& cell_heading = heading_of(index);
      if (cell_heading != heading) {
        std::cout << (heading.empty() ? "" : "\n") << cell_heading << "\n\n";
        heading = cell_heading;
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

  if (dump) {
    try {
      dump->save(options.dump_path);
    } catch (const std::exception& e) {
      std::cerr << program << ": error: --dump: " << e.what() << '\n';
      return 1;
    }
  }
  return 0;
}

}  // namespace lesson
