// lstm_benchmark.ipynb in C++, cell by cell: an LSTM fed one time step per
// call (stepwise) or the whole sequence in one call (batched), timed across
// sizes, sequence lengths and thread counts. The C++ side is measured here;
// the Python side by running the notebook's own code with /usr/bin/python3
// (run_python below); the results are printed side by side and written as CSV.
//
// Each cell is between "// %% In [n]" and "// %% end" markers (the
// walk-through README is generated from them). Notebook variables are
// members, named as in Python; the notebook's functions are std::function
// members assigned in their cell.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <torch/nn/modules/rnn.h>
#include <torch/version.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "lesson/chart.hpp"
#include "lesson/param.hpp"
#include "lesson/program.hpp"
#include "lesson/python.hpp"
#include "pyrepr/pyrepr.hpp"

namespace {

using torch::Tensor;
using HiddenState = std::tuple<Tensor, Tensor>;  // (h, c)
// stepwise / batched: (lstm, x, hidden) -> (out, (h_n, c_n))
using Way =
    std::function<std::tuple<Tensor, HiddenState>(torch::nn::LSTM&, const Tensor&, HiddenState)>;

#ifndef LSTM_BENCHMARK_NOTEBOOK
#define LSTM_BENCHMARK_NOTEBOOK "lstm_benchmark.ipynb"
#endif
#ifndef LSTM_BENCHMARK_PYTHON
#define LSTM_BENCHMARK_PYTHON "/usr/bin/python3"
#endif

// One measurement: a CSV row (the notebook's dict).
struct Row {
  std::string lang;
  int64_t threads, input_size, hidden_size, batch, seq_len;
  std::string way;
  int64_t runs;
  double median_ms, min_ms;
};

const std::vector<std::string> kFields = {"lang",      "threads", "input_size", "hidden_size",
                                          "batch",     "seq_len", "way",        "runs",
                                          "median_ms", "min_ms"};

std::string csv_line(const Row& r) {
  return fmt::format("{},{},{},{},{},{},{},{},{:.4f},{:.4f}", r.lang, r.threads, r.input_size,
                     r.hidden_size, r.batch, r.seq_len, r.way, r.runs, r.median_ms, r.min_ms);
}

// The rows of a CSV the notebook wrote. Throws std::runtime_error.
std::vector<Row> read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  std::string header;
  for (const auto& f : kFields) header += (header.empty() ? "" : ",") + f;
  if (!std::getline(in, line) || line != header) {
    throw std::runtime_error(path + ": not the expected header " + header);
  }
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    if (f.size() != kFields.size()) throw std::runtime_error(path + ": bad row: " + line);
    try {
      rows.push_back({f[0], std::stoll(f[1]), std::stoll(f[2]), std::stoll(f[3]), std::stoll(f[4]),
                      std::stoll(f[5]), f[6], std::stoll(f[7]), std::stod(f[8]), std::stod(f[9])});
    } catch (const std::exception&) {
      throw std::runtime_error(path + ": bad number in row: " + line);
    }
  }
  return rows;
}

// Runs the notebook's code cells in order with `python` (SEED, MODE and CSV
// set as compare sets a parameter; lesson/python.hpp), its stdout
// discarded; returns the rows it wrote. Throws std::runtime_error.
std::vector<Row> run_python(const std::string& python, const std::string& notebook, uint64_t seed,
                            const std::string& mode) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "lstm_benchmark_XXXXXX.csv").string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemps(name.data(), 4);
  if (fd < 0)
    throw std::runtime_error(std::string("cannot create a temporary file: ") +
                             std::strerror(errno));
  close(fd);
  const std::string csv_path(name.data());
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove_csv{csv_path};

  lesson::run_notebook_code(python, notebook,
                            {{"SEED", std::to_string(seed)}, {"MODE", mode}, {"CSV", csv_path}});
  return read_csv(csv_path);
}

// The first line of a text file that starts with prefix, stripped ("unknown" if none).
std::string first_line(const std::string& path, const std::string& prefix = "") {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.compare(0, prefix.size(), prefix) == 0) {
      const auto b = line.find_first_not_of(" \t\r\n");
      const auto e = line.find_last_not_of(" \t\r\n");
      return b == std::string::npos ? "" : line.substr(b, e - b + 1);
    }
  }
  return "unknown";
}

// The BLAS libraries this process has loaded (from /proc/self/maps).
std::vector<std::string> blas_libraries() {
  std::vector<std::string> found;
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    const auto slash = line.rfind('/');
    const auto space = line.rfind(' ');
    if (slash == std::string::npos || space == std::string::npos) continue;
    const std::string path = line.substr(space + 1);
    if (line.substr(slash + 1).find("blas") != std::string::npos &&
        std::find(found.begin(), found.end(), path) == found.end()) {
      found.push_back(path);
    }
  }
  return found;
}

std::string after(const std::string& text, char sep) {
  const auto at = text.find(sep);
  std::string rest = at == std::string::npos ? "" : text.substr(at + 1);
  rest.erase(0, rest.find_first_not_of(" \t\""));
  while (!rest.empty() && (rest.back() == '"' || rest.back() == ' ')) rest.pop_back();
  return rest;
}

// --chart: the time of one sequence against the size (input = hidden), one
// line per language and way, at one thread and the longest sequence measured.
lesson::Chart time_chart(const std::vector<Row>& rows) {
  int64_t seq_len = 0, threads = 0;
  for (const Row& r : rows) {
    seq_len = std::max(seq_len, r.seq_len);
    threads = threads == 0 ? r.threads : std::min(threads, r.threads);
  }
  lesson::Chart chart;
  chart.title = fmt::format("lstm_benchmark: one sequence of {} steps, {} thread{}", seq_len,
                            threads, threads == 1 ? "" : "s");
  chart.xlabel = "input size = hidden size (batch grows with it: see the table)";
  chart.ylabel = "median time per sequence (ms)";
  chart.logx = chart.logy = true;
  const std::map<std::string, std::string> names = {{"cpp", "C++"}, {"python", "Python"}};
  for (const std::string lang : {"cpp", "python"}) {
    for (const std::string way : {"stepwise", "batched"}) {
      lesson::Series series{names.at(lang) + " " + way, {}, {}};
      for (const Row& r : rows) {
        if (r.lang == lang && r.way == way && r.seq_len == seq_len && r.threads == threads) {
          series.x.push_back(double(r.input_size));
          series.y.push_back(r.median_ms);
        }
      }
      if (!series.x.empty()) chart.series.push_back(series);
    }
  }
  return chart;
}

struct Grid {
  std::vector<std::pair<int64_t, int64_t>> sizes;  // (input = hidden, batch)
  std::vector<int64_t> seq_lens;
  std::vector<int64_t> threads;
};

class LstmBenchmark : public lesson::Notebook {
 public:
  // Parameters (the first code cell); lesson_main's --quick and --full set MODE too.
  lesson::Seed SEED{this, 1, "torch.manual_seed(SEED): weights and inputs"};
  lesson::Param<std::string> MODE{
      this, "MODE", "quick", "smoke (seconds), quick (about half a minute) or full (a few minutes)",
      CLI::IsMember({"smoke", "quick", "full"})};
  lesson::Param<std::string> CSV{this, "CSV", "lstm_benchmark.csv", "write the results here",
                                 lesson::TypeName{"FILE"}};
  // The port's own settings (lesson_main's flags): the Python that runs the
  // notebook's code ("" = C++ only, --no-python), and that notebook.
  std::string PYTHON = LSTM_BENCHMARK_PYTHON;
  std::string NOTEBOOK = LSTM_BENCHMARK_NOTEBOOK;

  // The measurements, once the cells have run (--chart).
  const std::vector<Row>& results() const { return rows; }

  std::vector<lesson::Cell> cells() override {
    return {
        {[this] { return cell1(); }}, {[this] { return cell2(); }}, {[this] { return cell3(); }},
        {[this] { return cell4(); }}, {[this] { return cell5(); }}, {[this] { return cell6(); }},
    };
  }

 private:
  lesson::Shown cell1() {
    // %% In [1]
    // import torch, torch.nn: #include <ATen/ATen.h> and <torch/nn/modules/rnn.h> (top of file)
    // SEED, MODE, CSV: declared once, as members (the flags --seed, --mode, --csv; --quick and
    // --full set MODE too)
    torch::manual_seed(SEED);
    return {};
    // %% end
  }

  lesson::Shown cell2() {
    // %% In [2]
    // first_line() and blas_libraries() are defined at the top of the file, as in Python.
    std::vector<std::string> blas = blas_libraries();
    std::string blas_list;
    for (const auto& path : blas) blas_list += (blas_list.empty() ? "" : ", ") + path;
    print("CPU:", after(first_line("/proc/cpuinfo", "model name"), ':'), "|",
          std::thread::hardware_concurrency(), "logical CPUs");
    print("OS:", after(first_line("/etc/os-release", "PRETTY_NAME="), '='));
    print("LibTorch:", TORCH_VERSION);
    print("BLAS:", blas.empty() ? "none loaded" : blas_list);
    if (blas_list.find("openmp") == std::string::npos) {
      print(
          "warning: not OpenBLAS's OpenMP build; at::set_num_threads may not govern the BLAS "
          "threads (install libopenblas0-openmp)");
    }
    std::istringstream load(first_line("/proc/loadavg"));
    std::string l1, l5, l15;
    load >> l1 >> l5 >> l15;
    print("load average:", l1 + " " + l5 + " " + l15, "(1, 5, 15 min)");
    auto env = [](const char* name) {
      const char* value = std::getenv(name);
      return std::string(value ? value : "(not set)");
    };
    print(fmt::format("OMP_NUM_THREADS={} OMP_WAIT_POLICY={}", env("OMP_NUM_THREADS"),
                      env("OMP_WAIT_POLICY")));
    return {};
    // %% end
  }

  lesson::Shown cell3() {
    // %% In [3]
    // One call per time step, as in the first lesson's cell 4.
    stepwise = [](torch::nn::LSTM& lstm, const Tensor& x, HiddenState hidden) {
      std::vector<Tensor> outs;
      for (const Tensor& word : x.unbind(0)) {  // x[t]: (batch, input)
        Tensor out;
        std::tie(out, hidden) = lstm->forward(word.unsqueeze(0), hidden);
        outs.push_back(out);
      }
      return std::make_tuple(torch::cat(outs), hidden);
    };
    // One call for the whole sequence.
    batched = [](torch::nn::LSTM& lstm, const Tensor& x, HiddenState hidden) {
      return lstm->forward(x, hidden);
    };

    // 两种方式结果相同 (both ways give the same result)
    auto lstm = torch::nn::LSTM(3, 3);
    Tensor x = torch::randn({5, 1, 3});
    HiddenState hidden = {torch::zeros({1, 1, 3}), torch::zeros({1, 1, 3})};
    torch::NoGradGuard no_grad;
    auto [out_s, state_s] = stepwise(lstm, x, hidden);
    auto [out_b, state_b] = batched(lstm, x, hidden);
    const Tensor& c_s = std::get<1>(state_s);
    const Tensor& c_b = std::get<1>(state_b);
    print("max |out_stepwise - out_batched|:", (out_s - out_b).abs().max().item<double>());
    print("max |c_stepwise - c_batched|:", (c_s - c_b).abs().max().item<double>());
    return {};
    // %% end
  }

  lesson::Shown cell4() {
    // %% In [4]
    // 每种模式的网格 (the grid of each mode): (input = hidden, batch), 序列长度, 线程数
    const std::map<std::string, Grid> GRIDS = {
        {"smoke", {{{3, 1}, {8, 2}}, {5, 10}, {1, 2}}},
        {"quick", {{{3, 1}, {64, 16}, {512, 64}}, {5, 50}, {1, 2}}},
        {"full", {{{3, 1}, {64, 16}, {512, 64}}, {5, 100, 1000}, {1, 2}}},
    };
    const int WARMUP = 1;         // 不计时的预热次数 (untimed warm-up runs)
    const size_t MIN_RUNS = 3;    // 至少计时几次 (timed runs, at least)
    const size_t MAX_RUNS = 15;   // 至多计时几次 (timed runs, at most)
    const double BUDGET_S = 0.5;  // 达到 MIN_RUNS 之后，计时总和超过它就停
    const double LIMIT_S = 10.0;  // 很慢的配置：计时总和超过它就停，即使不到 MIN_RUNS

    // Runs fn WARMUP times untimed, then times it; returns (median ms, fastest ms, runs).
    measure = [=](const std::function<void()>& fn) {
      for (int k = 0; k < WARMUP; ++k) fn();
      std::vector<double> times;
      double total = 0;
      while (times.size() < MAX_RUNS && total < LIMIT_S &&
             (times.size() < MIN_RUNS || total < BUDGET_S)) {
        const auto start = std::chrono::steady_clock::now();
        fn();
        times.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        total += times.back();
      }
      std::vector<double> sorted = times;  // statistics.median
      std::sort(sorted.begin(), sorted.end());
      const size_t n = sorted.size();
      const double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      return std::make_tuple(median * 1e3, sorted.front() * 1e3, static_cast<int64_t>(n));
    };

    grid = GRIDS.at(MODE);
    print(fmt::format("mode {}: sizes {}, sequence lengths {}, threads {}", *MODE,
                      pyrepr::repr(grid.sizes), pyrepr::repr(grid.seq_lens),
                      pyrepr::repr(grid.threads)));
    print(
        fmt::format("warm-up {}, then {} to {} timed runs until they add up to {:g} s (at "
                    "most {:g} s); the median is reported",
                    WARMUP, MIN_RUNS, MAX_RUNS, BUDGET_S, LIMIT_S));
    return {};
    // %% end
  }

  lesson::Shown cell5() {
    // %% In [5]
    rows.clear();
    auto started = std::chrono::steady_clock::now();
    for (int64_t threads : grid.threads) {
      at::set_num_threads(static_cast<int>(threads));
      std::cerr << "lstm_benchmark: C++, " << threads << " thread(s)\n";
      for (auto [size, batch] : grid.sizes) {
        for (int64_t seq_len : grid.seq_lens) {
          auto lstm = torch::nn::LSTM(size, size);
          Tensor x = torch::randn({seq_len, batch, size});
          HiddenState hidden = {torch::zeros({1, batch, size}), torch::zeros({1, batch, size})};
          torch::NoGradGuard no_grad;  // 只测前向 (forward only)
          for (const auto& [way, run] : {std::pair{"stepwise", stepwise}, {"batched", batched}}) {
            auto [median_ms, min_ms, runs] = measure([&, &run = run] { run(lstm, x, hidden); });
            rows.push_back(
                {"cpp", threads, size, size, batch, seq_len, way, runs, median_ms, min_ms});
          }
        }
      }
    }
    auto seconds = [](auto since) {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
    };
    print(fmt::format("C++: {} measurements in {:.1f} s", rows.size(), seconds(started)));

    // Python 一侧：用 /usr/bin/python3 运行这个笔记本的代码 (the Python side: this notebook's code)
    if (!PYTHON.empty()) {
      std::cerr << "lstm_benchmark: Python (" << PYTHON << " running the notebook's code)\n";
      started = std::chrono::steady_clock::now();
      std::vector<Row> python_rows = run_python(PYTHON, NOTEBOOK, SEED, MODE);
      print(fmt::format("Python: {} measurements in {:.1f} s ({} running {})", python_rows.size(),
                        seconds(started), PYTHON,
                        std::filesystem::path(NOTEBOOK).filename().string()));
      rows.insert(rows.end(), python_rows.begin(), python_rows.end());
    }
    return {};
    // %% end
  }

  lesson::Shown cell6() {
    // %% In [6]
    const std::map<std::string, std::string> NAMES = {{"cpp", "C++"}, {"python", "Python"}};

    // One line per (threads, size, batch, seq_len): each language's medians and batched's speedup.
    auto print_table = [&](const std::vector<Row>& rows, const std::vector<std::string>& langs) {
      std::map<std::tuple<std::string, int64_t, int64_t, int64_t, int64_t, std::string>, double>
          median;
      for (const Row& r : rows) {
        median[{r.lang, r.threads, r.input_size, r.batch, r.seq_len, r.way}] = r.median_ms;
      }
      std::string head = "threads  size  batch  seq_len";
      for (const auto& lang : langs) {
        head += fmt::format(" | {:<6} stepwise ms  batched ms  speedup", NAMES.at(lang));
      }
      print(head);
      for (const Row& r : rows) {
        if (r.lang != langs[0] || r.way != "stepwise") continue;
        std::string line =
            fmt::format("{:7d}  {:4d}  {:5d}  {:7d}", r.threads, r.input_size, r.batch, r.seq_len);
        for (const auto& lang : langs) {
          const double step =
              median.at({lang, r.threads, r.input_size, r.batch, r.seq_len, "stepwise"});
          const double whole =
              median.at({lang, r.threads, r.input_size, r.batch, r.seq_len, "batched"});
          line += fmt::format(" | {:18.3f}  {:10.3f}  {:6.1f}x", step, whole, step / whole);
        }
        print(line);
      }
    };

    print_table(rows, PYTHON.empty() ? std::vector<std::string>{"cpp"}
                                     : std::vector<std::string>{"cpp", "python"});
    std::ofstream f(CSV, std::ios::trunc);
    std::string header;
    for (const auto& field : kFields) header += (header.empty() ? "" : ",") + field;
    f << header << '\n';
    for (const Row& r : rows) f << csv_line(r) << '\n';
    f.close();
    if (!f) throw std::runtime_error("cannot write " + *CSV);
    print("wrote", CSV);
    return {};
    // %% end
  }

  // The notebook's variables and functions.
  Way stepwise, batched;
  std::function<std::tuple<double, double, int64_t>(const std::function<void()>&)> measure;
  Grid grid;
  std::vector<Row> rows;
};

}  // namespace

int lesson_main(int argc, char** argv, const char* /*scenario*/) {
  lesson::Program program(
      "demo_lstm_benchmark",
      "Times an LSTM fed stepwise (one call per time step) and batched (one call per sequence) "
      "across sizes, sequence lengths and 1 and 2 threads, in C++ and in Python (the notebook "
      "lstm_benchmark.ipynb run by " LSTM_BENCHMARK_PYTHON "); prints a table and writes a CSV.");
  LstmBenchmark notebook;
  bool no_python = false;
  program.add_flags([&](CLI::App& app) {
    app.add_flag_callback(
           "--quick", [&] { notebook.MODE = "quick"; }, "the same as --mode quick")
        ->excludes("--mode");
    app.add_flag_callback(
           "--full", [&] { notebook.MODE = "full"; }, "the same as --mode full")
        ->excludes("--mode")
        ->excludes("--quick");
    app.add_flag("--no-python", no_python, "measure C++ only");
    app.add_option("--python", notebook.PYTHON,
                   "the Python that runs the notebook's code (default " LSTM_BENCHMARK_PYTHON ")")
        ->type_name("PATH");
    app.add_option("--notebook", notebook.NOTEBOOK,
                   "the notebook whose code measures Python (default: the "
                   "lesson's lstm_benchmark.ipynb)")
        ->type_name("FILE.ipynb");
  });
  program.add_chart_flag(
      "draw the times per sequence (stepwise and batched, C++ and Python, by size) into FILE.svg");
  if (int rc = program.parse(argc, argv, notebook); rc >= 0) return rc;

  if (no_python) {
    notebook.PYTHON.clear();
  } else {
    if (access(notebook.PYTHON.c_str(), X_OK) != 0) {
      return program.error("--python " + notebook.PYTHON + ": " + std::strerror(errno));
    }
    if (access(notebook.NOTEBOOK.c_str(), R_OK) != 0) {
      return program.error("--notebook " + notebook.NOTEBOOK + ": " + std::strerror(errno));
    }
  }
  {
    // Refuse an unwritable --csv before measuring (it is written at the end).
    std::ofstream probe(*notebook.CSV, std::ios::app);
    if (!probe) {
      return program.error("--csv: cannot write " + *notebook.CSV + ": " + std::strerror(errno));
    }
  }

  if (int rc = program.run(notebook); rc != 0) return rc;
  return program.write_chart(time_chart(notebook.results()));
}
