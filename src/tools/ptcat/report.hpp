// ptcat: the text and JSON of --stats and diff.
//
// The JSON schema (version 1) is one object per run:
//   {"ptcat": 1, "mode": "list" | "stats" | "diff", ...}
// list:  "files": [{"file", "tensors": [{"key", "type", "dtype", "layout",
//        "shape", "numel", "bytes", "storage": {"id", "offset", "bytes",
//        "shared"} | null, "requires_grad"}]}]
// stats: "files": [{"file", "tensors": [{"key", "dtype", "shape", "count",
//        "min", "max", "mean", "std", "norm", "nan", "inf", "zero"} |
//        {"key", "dtype", "shape", "error"}]}]  (numbers that are nan or
//        infinite are the strings "nan", "inf", "-inf"; min and max are null
//        for an empty tensor)
// diff:  "actual", "expected", "equal": bool, "entries": [{"key", "status":
//        "equal" | "not_close" | "only_actual" | "only_expected" | "dtype" |
//        "shape" | "type" | "value" | "not_compared", "actual", "expected",
//        "detail", "numel", "mismatches", "rtol", "atol", "max_abs_diff",
//        "max_abs_diff_index", "max_rel_diff", "max_rel_diff_index"}]
// (an entry has the fields its status gives).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "diff.hpp"
#include "keys.hpp"
#include "render.hpp"

namespace ptcat {

constexpr int kSchemaVersion = 1;

// --stats of the selected tensors: a table, or the "tensors" array.
void stats_text(Spool& out, const std::vector<Entry>& entries, unsigned threads);
nlohmann::ordered_json stats_json(const std::vector<Entry>& entries, unsigned threads);

// diff's report: a line per difference and a summary line.
void diff_text(Spool& out, const std::vector<DiffEntry>& entries, const std::string& a,
               const std::string& b);
nlohmann::ordered_json diff_json(const std::vector<DiffEntry>& entries);

// Did the files compare equal / was something not compared?
bool all_equal(const std::vector<DiffEntry>& entries);
bool any_not_compared(const std::vector<DiffEntry>& entries);

}  // namespace ptcat
