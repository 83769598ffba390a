#include "report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join, there since fmt 11

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <string>
#include <vector>

#include "listing.hpp"
#include "pyrepr/load.hpp"
#include "stats.hpp"

namespace ptcat {

namespace {

const pyrepr::TensorData& tensor_of(const Entry& e) {
  return *e.value->as<pyrepr::TensorValue>().tensor;
}

// A statistic in the table: 8 significant digits ("nan", "inf" as Python).
std::string number(double v) { return std::isnan(v) ? "nan" : fmt::format("{:.8g}", v); }

// A number in JSON: nan and the infinities as strings.
nlohmann::ordered_json json_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

// Python's repr of a tuple of ints: "()", "(3,)", "(1, 2)".
std::string index_text(const std::vector<int64_t>& index) {
  if (index.size() == 1) return fmt::format("({},)", index[0]);
  return fmt::format("({})", fmt::join(index, ", "));
}

// A tensor's stats, or the error that kept it from having them.
struct StatsOrError {
  Stats stats;
  std::string error;
};

StatsOrError stats_of(const pyrepr::TensorData& t, unsigned threads) {
  StatsOrError r;
  try {
    r.stats = tensor_stats(t, threads);
  } catch (const pyrepr::LoadError&) {
    throw;  // the file itself failed
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  pyrepr::check_unchanged(t);
  return r;
}

}  // namespace

void stats_text(Spool& out, const std::vector<Entry>& entries, unsigned threads) {
  std::vector<std::array<std::string, 11>> cells;
  cells.push_back(
      {"KEY", "DTYPE", "SHAPE", "MIN", "MAX", "MEAN", "STD", "NORM", "NAN", "INF", "ZERO"});
  for (const Entry& e : entries) {
    if (!e.selected || !is_tensor(e)) continue;
    const auto& t = tensor_of(e);
    const StatsOrError r = stats_of(t, threads);
    if (!r.error.empty()) {
      cells.push_back({shown_key(e.key), dtype_text(t), shape_text(t.sizes), "(" + r.error + ")"});
      continue;
    }
    const Stats& s = r.stats;
    cells.push_back({shown_key(e.key), dtype_text(t), shape_text(t.sizes),
                     s.min ? number(*s.min) : "-", s.max ? number(*s.max) : "-", number(s.mean),
                     number(s.std), number(s.norm), std::to_string(s.nans), std::to_string(s.infs),
                     std::to_string(s.zeros)});
  }
  std::array<size_t, 11> width{};
  for (const auto& c : cells) {
    if (c[4].empty() && cells.size() > 1 && &c != &cells[0]) {  // an error row: its own width
      for (size_t k = 0; k < 3; ++k) width[k] = std::max(width[k], c[k].size());
      continue;
    }
    for (size_t k = 0; k < c.size(); ++k) width[k] = std::max(width[k], c[k].size());
  }
  for (const auto& c : cells) {
    std::string line =
        fmt::format("{:<{}}  {:<{}}  {:<{}}", c[0], width[0], c[1], width[1], c[2], width[2]);
    if (c[4].empty() && &c != &cells[0]) {
      line += "  " + c[3];
    } else {
      for (size_t k = 3; k < c.size(); ++k) line += fmt::format("  {:>{}}", c[k], width[k]);
    }
    out.write(line + "\n");
  }
}

nlohmann::ordered_json stats_json(const std::vector<Entry>& entries, unsigned threads) {
  auto tensors = nlohmann::ordered_json::array();
  for (const Entry& e : entries) {
    if (!e.selected || !is_tensor(e)) continue;
    const auto& t = tensor_of(e);
    nlohmann::ordered_json j;
    j["key"] = e.key;
    j["dtype"] = t.dtype ? t.dtype->name : nullptr;
    j["shape"] = t.sizes;
    const StatsOrError r = stats_of(t, threads);
    if (!r.error.empty()) {
      j["error"] = r.error;
    } else {
      const Stats& s = r.stats;
      j["count"] = s.count;
      j["min"] = s.min ? json_number(*s.min) : nullptr;
      j["max"] = s.max ? json_number(*s.max) : nullptr;
      j["mean"] = json_number(s.mean);
      j["std"] = json_number(s.std);
      j["norm"] = json_number(s.norm);
      j["nan"] = s.nans;
      j["inf"] = s.infs;
      j["zero"] = s.zeros;
    }
    tensors.push_back(std::move(j));
  }
  return tensors;
}

void diff_text(Spool& out, const std::vector<DiffEntry>& entries, const std::string& a,
               const std::string& b) {
  using S = DiffEntry::Status;
  int equal = 0, different = 0, only = 0, skipped = 0;
  for (const DiffEntry& e : entries) {
    switch (e.status) {
      case S::Equal:
        ++equal;
        continue;
      case S::NotClose: {
        ++different;
        const Closeness& c = *e.closeness;
        out.write(fmt::format(
            "{}: not close: {} / {} elements ({:.1f}%) outside rtol {}, atol {}; greatest "
            "absolute difference {} at index {}, greatest relative difference {} at index {}\n",
            e.key, c.mismatches, c.numel,
            100.0 * static_cast<double>(c.mismatches) / static_cast<double>(c.numel),
            pyrepr::float_repr(c.rtol), pyrepr::float_repr(c.atol), pyrepr::float_repr(c.max_abs),
            index_text(c.max_abs_index), pyrepr::float_repr(c.max_rel),
            index_text(c.max_rel_index)));
        break;
      }
      case S::OnlyActual:
        ++only;
        out.write(fmt::format("{}: only in {}\n", e.key, a));
        break;
      case S::OnlyExpected:
        ++only;
        out.write(fmt::format("{}: only in {}\n", e.key, b));
        break;
      case S::DType:
      case S::Shape:
      case S::Type:
      case S::Value:
        ++different;
        out.write(fmt::format("{}: {} {} != {}\n", e.key,
                              e.status == S::Value ? "value" : status_name(e.status), e.actual,
                              e.expected));
        break;
      case S::NotCompared:
        ++skipped;
        out.write(fmt::format("{}: not compared ({})\n", e.key, e.detail));
        break;
    }
  }
  out.write(fmt::format("{} values: {} equal, {} different, {} only in one file, {} not compared\n",
                        entries.size(), equal, different, only, skipped));
}

nlohmann::ordered_json diff_json(const std::vector<DiffEntry>& entries) {
  auto list = nlohmann::ordered_json::array();
  for (const DiffEntry& e : entries) {
    nlohmann::ordered_json j;
    j["key"] = e.key;
    j["status"] = status_name(e.status);
    if (!e.actual.empty() || !e.expected.empty()) {
      j["actual"] = e.actual;
      j["expected"] = e.expected;
    }
    if (!e.detail.empty()) j["detail"] = e.detail;
    if (e.closeness) {
      const Closeness& c = *e.closeness;
      j["numel"] = c.numel;
      j["mismatches"] = c.mismatches;
      j["rtol"] = c.rtol;
      j["atol"] = c.atol;
      if (c.mismatches > 0) {
        j["max_abs_diff"] = json_number(c.max_abs);
        j["max_abs_diff_index"] = c.max_abs_index;
        j["max_rel_diff"] = json_number(c.max_rel);
        j["max_rel_diff_index"] = c.max_rel_index;
      }
    }
    list.push_back(std::move(j));
  }
  return list;
}

bool all_equal(const std::vector<DiffEntry>& entries) {
  return std::all_of(entries.begin(), entries.end(),
                     [](const DiffEntry& e) { return e.status == DiffEntry::Status::Equal; });
}

bool any_not_compared(const std::vector<DiffEntry>& entries) {
  return std::any_of(entries.begin(), entries.end(),
                     [](const DiffEntry& e) { return e.status == DiffEntry::Status::NotCompared; });
}

}  // namespace ptcat
