#include "pyrepr/load/unpickle_rules.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "pyrepr/load/python_int.hpp"

namespace pyrepr::detail {

size_t DictKeys::ItemsHash::operator()(const std::vector<uint64_t>& v) const noexcept {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over the item keys
  for (uint64_t x : v) h = (h ^ x) * 0x100000001b3ULL;
  return static_cast<size_t>(h ^ (h >> 32));
}

void DictKeys::spend(size_t n) {
  spent_ += n;
  if (spent_ > budget_)
    fail("dict keys too large: more than " + std::to_string(budget_) +
         " distinct values in them (the reader's object budget)");
}

uint64_t DictKeys::atom(std::string text) {
  const auto it = atoms_.find(text);
  if (it != atoms_.end()) return it->second;
  spend(1);
  const uint64_t id = atoms_.size() + tuples_.size() + 1;
  atoms_.emplace(std::move(text), id);
  return id;
}

uint64_t DictKeys::tuple(std::vector<uint64_t> items) {
  const auto it = tuples_.find(items);
  if (it != tuples_.end()) return it->second;
  spend(1 + items.size());
  const uint64_t id = atoms_.size() + tuples_.size() + 1;
  tuples_.emplace(std::move(items), id);
  return id;
}

uint64_t DictKeys::key(const Node* k, int depth) {
  if (depth > max_depth_) fail("dict key nested too deeply");
  switch (k->kind) {
    case Kind::None:
      return atom("N");
    case Kind::Bool:
      return atom(k->flag ? "i1" : "i0");
    case Kind::Int:
      return atom("i" + std::to_string(k->i));
    case Kind::BigInt:
      return atom("i" + k->s);
    case Kind::Float: {
      const double v = k->f;
      if (std::isnan(v)) return atom("p" + std::to_string(reinterpret_cast<uintptr_t>(k)));
      if (std::isfinite(v) && v == std::floor(v)) {
        if (std::fabs(v) < 9.2e18) return atom("i" + std::to_string(static_cast<int64_t>(v)));
        return atom("i" + integral_double_decimal(v));
      }
      char buf[64];
      std::snprintf(buf, sizeof buf, "f%a", v);
      return atom(buf);
    }
    case Kind::Str:
      return atom("s" + k->s);
    case Kind::Bytes:
      return atom("b" + k->s);
    case Kind::Size:       // torch.Size hashes and compares like a tuple of ints,
    case Kind::StructSeq:  // a torch.return_types value like the tuple of its values
    case Kind::Tuple: {
      const auto known = known_.find(k);
      if (known != known_.end()) return known->second;
      std::vector<uint64_t> items;
      if (k->kind == Kind::Size) {
        for (int64_t d : k->dims) items.push_back(atom("i" + std::to_string(d)));
      } else {
        items.reserve(k->items.size());
        for (const Node* x : k->items) items.push_back(key(x, depth + 1));
      }
      const uint64_t id = tuple(std::move(items));
      known_.emplace(k, id);
      return id;
    }
    case Kind::Global:
      return atom("g" + global_name(k));
    case Kind::Tensor:
    case Kind::Storage:
      return atom("p" + std::to_string(reinterpret_cast<uintptr_t>(k)));
    case Kind::List:
    case Kind::Dict:
      break;
  }
  fail(std::string("unhashable type: '") + kind_name(k) + "' used as a dict key");
}

std::string latin1_encode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80)
      out += static_cast<char>(c), i += 1;
    else if ((c == 0xc2 || c == 0xc3) && i + 1 < s.size())
      out += static_cast<char>(((c & 0x1f) << 6) | (s[i + 1] & 0x3f)), i += 2;
    else
      fail("_codecs.encode: 'latin-1' codec can't encode the string");
  }
  return out;
}

}  // namespace pyrepr::detail
