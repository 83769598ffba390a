#include "diff.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>
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

using pyrepr::DType;
namespace dt = pyrepr::dtypes;

// torch.testing's _DTYPE_PRECISIONS: (rtol, atol); (0, 0) for the rest.
std::pair<double, double> default_tolerances(const DType& d) {
  if (&d == &dt::float16 || &d == &dt::complex32) return {1e-3, 1e-5};
  if (&d == &dt::bfloat16) return {0.016, 1e-5};
  if (&d == &dt::float32 || &d == &dt::complex64) return {1.3e-6, 1e-5};
  if (&d == &dt::float64 || &d == &dt::complex128) return {1e-7, 1e-7};
  if (d.values == pyrepr::DTypeValues::Quantized) return {1.3e-6, 1e-5};  // float32's
  return {0.0, 0.0};
}

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

std::vector<int64_t> unravel(int64_t flat, const std::vector<int64_t>& sizes) {
  std::vector<int64_t> index(sizes.size());
  for (size_t d = sizes.size(); d-- > 0;) {
    index[d] = flat % sizes[d];
    flat /= sizes[d];
  }
  return index;
}

// The greatest of a sequence as torch.max(x, 0) finds it: the first
// occurrence, and the first nan once there is one.
struct Greatest {
  double value = 0;
  int64_t index = 0;
  bool any = false;
  void offer(double v, int64_t i) {
    if (any && (std::isnan(value) || !(v > value || std::isnan(v)))) return;
    value = v;
    index = i;
    any = true;
  }
  void merge(const Greatest& o) {  // o's indices come after ours
    if (o.any) offer(o.value, o.index);
  }
};

struct PiecePair {
  int64_t mismatches = 0;
  Greatest abs, rel;
};

// isclose(a, b, rtol, atol) with equal_nan=False, as torch.isclose.
bool close(double a, double b, double rtol, double atol) {
  if (a == b) return true;
  if (rtol == 0 && atol == 0) return false;
  const double error = std::fabs(a - b);
  return std::isfinite(error) && error <= atol + std::fabs(rtol * b);
}

Closeness compare_values(const pyrepr::TensorData& a, const pyrepr::TensorData& b, double rtol,
                         double atol, unsigned threads) {
  const Pieces pa(a), pb(b);
  if (pa.size() != pb.size()) throw std::logic_error("diff: pieces differ");
  std::vector<PiecePair> results(pa.size());
  const bool ints = integral(a) && integral(b);
  struct Buffers {
    std::vector<double> fa, fb;
    std::vector<int64_t> ia, ib;
  };
  std::vector<Buffers> buffers(std::max(threads, 1U));
  for_each_piece(pa, threads, [&](unsigned worker, size_t k) {
    Buffers& buf = buffers[worker];
    PiecePair& r = results[k];
    if (ints) {  // promoted to int64; the differences in int64, relative ones in float32
      const int64_t first = pa.read(k, buf.ia);
      pb.read(k, buf.ib);
      for (size_t i = 0; i < buf.ia.size(); ++i) {
        const int64_t x = buf.ia[i], y = buf.ib[i];
        if (x == y || ((rtol != 0 || atol != 0) &&
                       close(static_cast<double>(x), static_cast<double>(y), rtol, atol)))
          continue;
        ++r.mismatches;
        const auto diff = static_cast<int64_t>(static_cast<uint64_t>(x) - static_cast<uint64_t>(y));
        const int64_t abs = diff < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(diff)) : diff;
        const int64_t mag = y < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(y)) : y;
        const auto index = first + static_cast<int64_t>(i);
        r.abs.offer(static_cast<double>(abs), index);
        r.rel.offer(static_cast<double>(static_cast<float>(abs) / static_cast<float>(mag)), index);
      }
      return;
    }
    const int64_t first = pa.read(k, buf.fa);
    pb.read(k, buf.fb);
    for (size_t i = 0; i < buf.fa.size(); ++i) {
      const double x = buf.fa[i], y = buf.fb[i];
      if (close(x, y, rtol, atol)) continue;
      ++r.mismatches;
      const double abs = std::fabs(x - y);
      const auto index = first + static_cast<int64_t>(i);
      r.abs.offer(abs, index);
      r.rel.offer(abs / std::fabs(y), index);
    }
  });
  Closeness c;
  c.rtol = rtol;
  c.atol = atol;
  c.numel = a.numel();
  Greatest abs, rel;
  for (const PiecePair& r : results) {
    c.mismatches += r.mismatches;
    abs.merge(r.abs);
    rel.merge(r.rel);
  }
  // Python sets the matched elements' differences to 0 before taking the
  // greatest: when all mismatches have a difference of 0 (never) or there
  // are none, index 0.
  if (c.mismatches > 0) {
    c.max_abs = abs.value;
    c.max_rel = rel.value;
    c.max_abs_index =
        abs.value > 0 || std::isnan(abs.value) ? unravel(abs.index, a.sizes) : unravel(0, a.sizes);
    c.max_rel_index =
        rel.value > 0 || std::isnan(rel.value) ? unravel(rel.index, a.sizes) : unravel(0, a.sizes);
  }
  return c;
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
  e.closeness = compare_values(a, b, rtol, atol, options.threads);
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
