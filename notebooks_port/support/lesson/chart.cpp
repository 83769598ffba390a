#include "lesson/chart.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace lesson {
namespace {

// A gnuplot string literal: single quotes, a quote doubled.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// A shell word for std::system: single quotes, a quote as '\''.
std::string shell_word(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The gnuplot script: the settings, then the data inline ('-'), one block per series.
std::string script(const Chart& chart, const std::string& path) {
  std::string s =
      "set terminal svg size 720,450 dynamic enhanced font 'sans,12' background '#ffffff'\n";
  s += "set output " + quoted(path) + "\n";
  s += "set encoding utf8\nset key top left\nset grid\n";
  s += "set title " + quoted(chart.title) + " noenhanced\n";
  s += "set xlabel " + quoted(chart.xlabel) + " noenhanced\n";
  s += "set ylabel " + quoted(chart.ylabel) + " noenhanced\n";
  if (chart.logx) s += "set logscale x\n";
  if (chart.logy) s += "set logscale y\n";
  s += "plot ";
  for (size_t k = 0; k < chart.series.size(); ++k) {
    // Points marked where there are few of them; a long curve (300 epochs) as a line.
    const char* style = chart.series[k].x.size() > 40 ? "lines" : "linespoints";
    s += (k ? ", " : "") + fmt::format("'-' with {} lw 2 title ", style) +
         quoted(chart.series[k].title) + " noenhanced";
  }
  s += "\n";
  for (const Series& series : chart.series) {
    for (size_t i = 0; i < series.x.size() && i < series.y.size(); ++i) {
      s += fmt::format("{:.17g} {:.17g}\n", series.x[i], series.y[i]);
    }
    s += "e\n";
  }
  return s;
}

}  // namespace

Chart loss_curve(const std::vector<double>& losses, const std::string& title) {
  Series loss{"loss", {}, losses};
  for (size_t epoch = 0; epoch < losses.size(); ++epoch) loss.x.push_back(double(epoch));
  return {title, "epoch", "loss (sum over the training sentences)", false, false, {loss}};
}

int check_chart_flag(const std::string& program, const std::string& path) {
  if (path.empty()) return -1;
  std::ofstream probe(path, std::ios::app);
  if (probe) return -1;
  std::fprintf(stderr, "%s: error: --chart: cannot write %s: %s\n", program.c_str(), path.c_str(),
               std::strerror(errno));
  return 2;
}

int write_chart(const std::string& program, const Chart& chart, const std::string& path) {
  if (path.empty()) return 0;
  try {
    draw_svg(chart, path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: --chart: %s\n", program.c_str(), e.what());
    return 1;
  }
  return 0;
}

void draw_svg(const Chart& chart, const std::string& path) {
  if (chart.series.empty()) throw std::runtime_error("chart " + path + ": nothing to draw");
  namespace fs = std::filesystem;
  std::string dir_template = (fs::temp_directory_path() / "lesson_chart_XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    throw std::runtime_error(std::string("chart: cannot make a temporary folder: ") +
                             std::strerror(errno));
  }
  const fs::path dir = dir_template;
  const fs::path script_path = dir / "chart.gp", errors_path = dir / "errors.txt",
                 svg_path = dir / "chart.svg";
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{dir};
  {
    std::ofstream f(script_path);
    f << script(chart, svg_path.string());
    if (!f) throw std::runtime_error("chart: cannot write " + script_path.string());
  }
  const std::string command = "gnuplot " + shell_word(script_path.string()) + " 2>" +
                              shell_word(errors_path.string()) + " </dev/null";
  const int status = std::system(command.c_str());
  if (status != 0 || !fs::exists(svg_path)) {
    std::ifstream errors(errors_path);
    std::string first;
    std::getline(errors, first);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
      throw std::runtime_error("gnuplot is not installed (Debian: apt-get install gnuplot-nox)");
    }
    throw std::runtime_error("gnuplot failed" + (first.empty() ? "" : ": " + first));
  }
  std::error_code error;
  fs::copy_file(svg_path, path, fs::copy_options::overwrite_existing, error);
  if (error) throw std::runtime_error("cannot write " + path + ": " + error.message());
}

}  // namespace lesson
