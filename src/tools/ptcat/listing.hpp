// ptcat --list and --tree: the tensors of a loaded file from their metadata
// alone (no element is read): key path, dtype, shape, bytes and the storage
// each lies in, numbered in file order and marked when tensors share one.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "keys.hpp"
#include "render.hpp"

namespace ptcat {

// One line per tensor, in columns: KEY DTYPE SHAPE BYTES STORAGE, then a
// line of totals.
void list_text(Spool& out, const std::vector<Entry>& entries);
// Every value, indented by nesting: containers with their type and size,
// tensors as in the list, other values by their repr.
void tree_text(Spool& out, const std::vector<Entry>& entries);
// The list as the JSON schema's "tensors" array.
nlohmann::ordered_json list_json(const std::vector<Entry>& entries);

// "[12, 3]"
std::string shape_text(const std::vector<int64_t>& sizes);
// "float32", or "float32 sparse_coo" for a layout other than strided.
std::string dtype_text(const pyrepr::TensorData& t);

}  // namespace ptcat
