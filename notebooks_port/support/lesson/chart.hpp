// Charts for the lessons (--chart FILE.svg), drawn by gnuplot (the Debian
// package gnuplot-nox, which ./run installs): lines of (x, y) points, one per
// series, each named in the legend and, in the SVG, in a <title> element of
// its own group (tests read them).
#pragma once

#include <string>
#include <vector>

namespace lesson {

struct Series {
  std::string title;
  std::vector<double> x, y;
};

struct Chart {
  std::string title;
  std::string xlabel, ylabel;
  bool logx = false, logy = false;
  std::vector<Series> series;
};

// A training run's loss curve: one series "loss", the sum of an epoch's losses
// against the epoch (0, 1, ...).
Chart loss_curve(const std::vector<double>& losses, const std::string& title);

// Writes `chart` to `path` as SVG. Throws std::runtime_error with a one-line
// message when gnuplot is missing or fails (the file is then not written).
void draw_svg(const Chart& chart, const std::string& path);

// A program's --chart FILE.svg. check_chart_flag, before the cells run: -1
// (go on) if `path` is empty or can be written (it is created), else one line
// "<program>: error: --chart: cannot write ..." and 2. write_chart, after
// them: draws `chart` into `path` unless it is empty; 0, or one error line and 1.
int check_chart_flag(const std::string& program, const std::string& path);
int write_chart(const std::string& program, const Chart& chart, const std::string& path);

}  // namespace lesson
