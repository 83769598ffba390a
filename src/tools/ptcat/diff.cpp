#include "diff.hpp"

#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "keys.hpp"
#include "pyrepr/dtype.hpp"
#include "pyrepr/load.hpp"
#include "values.hpp"

namespace ptcat {

namespace {

// The type name Python's type(value).__name__ gives.
std::string type_name(const pyrepr::Object& o) {
  const auto& v = o.value();
  if (const auto* t = std::get_if<pyrepr::TensorValue>(&v))
    return t->is_parameter ? "Parameter" : "Tensor";
  if (o.is<pyrepr::Dict>()) return o.as<pyrepr::Dict>().ordered ? "OrderedDict" : "dict";
  if (o.is<pyrepr::List>() || o.is<pyrepr::IntList>()) return "list";
  if (o.is<pyrepr::Tuple>()) return "tuple";
  if (o.is<pyrepr::StructSeq>()) return o.as<pyrepr::StructSeq>().type_name;
  if (o.is<pyrepr::None>()) return "NoneType";
  if (o.is<bool>()) return "bool";
  if (o.is<int64_t>() || o.is<pyrepr::BigInt>()) return "int";
  if (o.is<double>()) return "float";
  if (o.is<std::string>()) return "str";
  if (o.is<pyrepr::Bytes>()) return "bytes";
  if (o.is<pyrepr::Size>()) return "Size";
  return "object";
}

bool is_mapping(const pyrepr::Object& o) { return o.is<pyrepr::Dict>(); }
bool is_sequence(const pyrepr::Object& o) {
  return o.is<pyrepr::List>() || o.is<pyrepr::Tuple>() || o.is<pyrepr::StructSeq>();
}

bool is_container(const pyrepr::Object& o) {
  return o.is<pyrepr::Dict>() || o.is<pyrepr::List>() || o.is<pyrepr::Tuple>() ||
         o.is<pyrepr::StructSeq>();
}

std::string size_text(const std::vector<int64_t>& sizes) {
  return pyrepr::repr(pyrepr::Object(pyrepr::Size{sizes}));
}

DiffEntry compare_tensors(const std::string& key, const pyrepr::TensorData& a,
                          const pyrepr::TensorData& b, const DiffOptions& options) {
  DiffEntry e;
  e.key = key;
  if (!a.dtype || !b.dtype) {
    e.status = DiffEntry::Status::NotCompared;
    e.detail = "an undefined tensor";
    return e;
  }
  if (a.dtype != b.dtype) {
    e.status = DiffEntry::Status::DType;
    e.actual = std::string("torch.") + a.dtype->name;
    e.expected = std::string("torch.") + b.dtype->name;
    return e;
  }
  if (a.sizes != b.sizes) {
    e.status = DiffEntry::Status::Shape;
    e.actual = size_text(a.sizes);
    e.expected = size_text(b.sizes);
    return e;
  }
  std::string why;
  if (!readable(a, why) || !readable(b, why)) {
    e.status = DiffEntry::Status::NotCompared;
    e.detail = why;
    return e;
  }
  const auto [rtol, atol] =
      options.rtol ? std::pair{*options.rtol, *options.atol} : default_tolerances(*a.dtype);
  e.closeness = compare_values(a, b, rtol, atol, options.rules, options.threads);
  pyrepr::check_unchanged(a);
  pyrepr::check_unchanged(b);
  e.status = e.closeness->mismatches > 0 ? DiffEntry::Status::NotClose : DiffEntry::Status::Equal;
  return e;
}

DiffEntry compare(const Entry& x, const Entry& y, const DiffOptions& options) {
  const pyrepr::Object& a = *x.value;
  const pyrepr::Object& b = *y.value;
  const std::string key = shown_key(x.key);
  const std::string ta = type_name(a), tb = type_name(b);
  const bool tensors = a.is<pyrepr::TensorValue>() && b.is<pyrepr::TensorValue>();
  DiffEntry e;
  e.key = key;
  // As assert_close: any two mappings (dict, OrderedDict), or two sequences
  // (list, tuple), compare by their items.
  const bool same_kind = (is_mapping(a) && is_mapping(b)) || (is_sequence(a) && is_sequence(b));
  if (ta != tb && !tensors && !same_kind) {
    e.status = DiffEntry::Status::Type;
    e.actual = ta;
    e.expected = tb;
    return e;
  }
  if (tensors)
    return compare_tensors(key, *a.as<pyrepr::TensorValue>().tensor,
                           *b.as<pyrepr::TensorValue>().tensor, options);
  if (is_container(a)) return e;  // their items are compared apart
  const std::string ra = pyrepr::repr(a), rb = pyrepr::repr(b);
  if (ra != rb) {
    e.status = DiffEntry::Status::Value;
    e.actual = ra;
    e.expected = rb;
  }
  return e;
}

}  // namespace

std::vector<DiffEntry> diff(const pyrepr::Object& a, const pyrepr::Object& b,
                            const DiffOptions& options) {
  const std::vector<Entry> ea = walk(a, options.globs), eb = walk(b, options.globs);
  std::unordered_map<std::string, size_t> in_b;
  for (size_t k = 0; k < eb.size(); ++k) in_b.emplace(eb[k].key, k);
  std::unordered_map<std::string, size_t> in_a;
  for (size_t k = 0; k < ea.size(); ++k) in_a.emplace(ea[k].key, k);
  // Is the container around entry k of `es` present in the other file?
  auto parent_matched = [](const std::vector<Entry>& es, size_t k,
                           const std::unordered_map<std::string, size_t>& other) {
    return es[k].parent < 0 || other.count(es[static_cast<size_t>(es[k].parent)].key) > 0;
  };
  std::vector<DiffEntry> out;
  for (size_t k = 0; k < ea.size(); ++k) {
    const Entry& x = ea[k];
    const auto found = in_b.find(x.key);
    const bool both = found != in_b.end();
    if (!x.selected && !(both && eb[found->second].selected)) continue;
    if (!both) {
      if (parent_matched(ea, k, in_b))
        out.push_back({shown_key(x.key), DiffEntry::Status::OnlyActual, {}, {}, {}, {}});
      continue;
    }
    DiffEntry e = compare(x, eb[found->second], options);
    // a container of the same type on both sides is its items
    if (!is_container(*x.value) || e.status != DiffEntry::Status::Equal)
      out.push_back(std::move(e));
  }
  for (size_t k = 0; k < eb.size(); ++k) {
    const Entry& y = eb[k];
    if (!y.selected || in_a.count(y.key) > 0 || !parent_matched(eb, k, in_a)) continue;
    out.push_back({shown_key(y.key), DiffEntry::Status::OnlyExpected, {}, {}, {}, {}});
  }
  return out;
}

const char* status_name(DiffEntry::Status s) {
  switch (s) {
    case DiffEntry::Status::Equal:
      return "equal";
    case DiffEntry::Status::NotClose:
      return "not_close";
    case DiffEntry::Status::OnlyActual:
      return "only_actual";
    case DiffEntry::Status::OnlyExpected:
      return "only_expected";
    case DiffEntry::Status::DType:
      return "dtype";
    case DiffEntry::Status::Shape:
      return "shape";
    case DiffEntry::Status::Type:
      return "type";
    case DiffEntry::Status::Value:
      return "value";
    case DiffEntry::Status::NotCompared:
      return "not_compared";
  }
  return "?";
}

}  // namespace ptcat
