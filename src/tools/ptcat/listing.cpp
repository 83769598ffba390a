#include "listing.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join, there since fmt 11

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pyrepr/dtype.hpp"

namespace ptcat {

namespace {

// The bytes of a tensor's own elements (of a sparse one: of its parts).
int64_t tensor_bytes(const pyrepr::TensorData& t) {
  if (!t.dtype) return 0;
  if (t.layout != pyrepr::Layout::Strided) {
    int64_t sum = 0;
    for (const auto& part : t.sparse_parts) sum += part ? tensor_bytes(*part) : 0;
    return sum;
  }
  const int bits = t.dtype->itemsize == 0 ? 0 : pyrepr::element_bits(t.dtype->element);
  const int64_t n = t.numel();
  if (bits >= 8) return n * static_cast<int64_t>(t.dtype->itemsize);
  return (n * bits + 7) / 8;
}

struct Row {
  const Entry* entry;
  const pyrepr::TensorData* tensor;
  int storage = -1;  // its number, -1 for none
  bool shared = false;
};

std::vector<Row> tensor_rows(const std::vector<Entry>& entries) {
  std::vector<Row> rows;
  std::map<const pyrepr::Storage*, int> numbers;
  std::map<const pyrepr::Storage*, int> uses;
  for (const Entry& e : entries) {
    if (!e.selected || !is_tensor(e)) continue;
    const auto& t = *e.value->as<pyrepr::TensorValue>().tensor;
    Row r{&e, &t};
    if (t.storage && t.layout == pyrepr::Layout::Strided) {
      const auto* s = t.storage.get();
      r.storage = numbers.emplace(s, static_cast<int>(numbers.size())).first->second;
      ++uses[s];
    }
    rows.push_back(r);
  }
  for (Row& r : rows)
    if (r.storage >= 0) r.shared = uses[r.tensor->storage.get()] > 1;
  return rows;
}

std::string storage_text(const Row& r) {
  if (r.storage < 0) return "-";
  return fmt::format("#{}{}", r.storage, r.shared ? " shared" : "");
}

const char* tensor_type(const Entry& e) {
  return e.value->as<pyrepr::TensorValue>().is_parameter ? "Parameter" : "Tensor";
}

// The last part of an entry's key (its key within its container).
std::string own_key(const std::vector<Entry>& entries, const Entry& e) {
  if (e.parent < 0) return shown_key(e.key);
  const std::string& parent = entries[static_cast<size_t>(e.parent)].key;
  return parent.empty() ? e.key : e.key.substr(parent.size() + 1);
}

std::string container_text(const pyrepr::Object& o) {
  if (o.is<pyrepr::Dict>()) {
    const auto& d = o.as<pyrepr::Dict>();
    return fmt::format("{} ({} items)", d.ordered ? "OrderedDict" : "dict", d.items.size());
  }
  if (o.is<pyrepr::List>()) return fmt::format("list ({} items)", o.as<pyrepr::List>().size());
  if (o.is<pyrepr::Tuple>())
    return fmt::format("tuple ({} items)", o.as<pyrepr::Tuple>().items.size());
  if (o.is<pyrepr::StructSeq>()) return o.as<pyrepr::StructSeq>().type_name;
  return {};
}

// A value's repr on one line, cut to `width` characters.
std::string short_repr(const pyrepr::Object& o, size_t width = 60) {
  if (o.is<pyrepr::IntList>())
    return fmt::format("list ({} ints)", o.as<pyrepr::IntList>().ints->size());
  std::string s = pyrepr::repr(o);
  std::replace(s.begin(), s.end(), '\n', ' ');
  if (s.size() > width) s = s.substr(0, width - 3) + "...";
  return s;
}

}  // namespace

std::string shape_text(const std::vector<int64_t>& sizes) {
  return fmt::format("[{}]", fmt::join(sizes, ", "));
}

std::string dtype_text(const pyrepr::TensorData& t) {
  std::string s = t.dtype ? t.dtype->name : "undefined";
  if (t.layout != pyrepr::Layout::Strided) s += std::string(" ") + pyrepr::layout_name(t.layout);
  return s;
}

void list_text(Spool& out, const std::vector<Entry>& entries) {
  const std::vector<Row> rows = tensor_rows(entries);
  std::vector<std::array<std::string, 5>> cells;
  cells.push_back({"KEY", "DTYPE", "SHAPE", "BYTES", "STORAGE"});
  int64_t total = 0;
  int storages = 0;
  for (const Row& r : rows) {
    const int64_t bytes = tensor_bytes(*r.tensor);
    total += bytes;
    storages = std::max(storages, r.storage + 1);
    cells.push_back({shown_key(r.entry->key), dtype_text(*r.tensor), shape_text(r.tensor->sizes),
                     std::to_string(bytes), storage_text(r)});
  }
  std::array<size_t, 5> width{};
  for (const auto& c : cells)
    for (size_t k = 0; k < c.size(); ++k) width[k] = std::max(width[k], c[k].size());
  for (const auto& c : cells) {
    out.write(fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>{}}  {}\n", c[0], width[0], c[1], width[1],
                          c[2], width[2], c[3], width[3], c[4]));
  }
  out.write(fmt::format("{} tensor{}, {} bytes, {} storage{}\n", rows.size(),
                        rows.size() == 1 ? "" : "s", total, storages, storages == 1 ? "" : "s"));
}

void tree_text(Spool& out, const std::vector<Entry>& entries) {
  std::map<const Entry*, const Row*> row_of;
  const std::vector<Row> rows = tensor_rows(entries);
  for (const Row& r : rows) row_of[r.entry] = &r;
  // With --key: the selected values and the containers they lie in.
  std::vector<bool> shown(entries.size());
  for (size_t k = entries.size(); k-- > 0;) {
    if (!entries[k].selected && !shown[k]) continue;
    shown[k] = true;
    if (entries[k].parent >= 0) shown[static_cast<size_t>(entries[k].parent)] = true;
  }
  for (size_t k = 0; k < entries.size(); ++k) {
    if (!shown[k]) continue;
    const Entry& e = entries[k];
    std::string what;
    if (is_tensor(e)) {
      const Row& r = *row_of.at(&e);
      what = fmt::format("{} {} {} {} bytes {}", tensor_type(e), dtype_text(*r.tensor),
                         shape_text(r.tensor->sizes), tensor_bytes(*r.tensor), storage_text(r));
    } else {
      what = container_text(*e.value);
      if (what.empty()) what = short_repr(*e.value);
    }
    out.write(fmt::format("{:{}}{}: {}\n", "", 2 * e.depth, own_key(entries, e), what));
  }
}

nlohmann::ordered_json list_json(const std::vector<Entry>& entries) {
  auto tensors = nlohmann::ordered_json::array();
  for (const Row& r : tensor_rows(entries)) {
    const pyrepr::TensorData& t = *r.tensor;
    nlohmann::ordered_json j;
    j["key"] = r.entry->key;
    j["type"] = tensor_type(*r.entry);
    j["dtype"] = t.dtype ? t.dtype->name : nullptr;
    j["layout"] = pyrepr::layout_name(t.layout);
    j["shape"] = t.sizes;
    j["numel"] = t.numel();
    j["bytes"] = tensor_bytes(t);
    if (r.storage >= 0) {
      j["storage"] = {{"id", r.storage},
                      {"offset", t.storage_offset},
                      {"bytes", t.storage->nbytes},
                      {"shared", r.shared}};
    } else {
      j["storage"] = nullptr;
    }
    j["requires_grad"] = t.requires_grad;
    tensors.push_back(std::move(j));
  }
  return tensors;
}

}  // namespace ptcat
