// Internal (pyrepr::load): rules of Python's own that the pickle interpreter
// follows: when two dict keys are the same key, and the latin-1 codec
// (_codecs.encode in a pickle). Its utf-8 codec is core/utf8.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "pyrepr/load/pickle_value.hpp"

namespace pyrepr::detail {

// Dict keys as Python compares them: key(k) is the same number for equal
// Python keys (1 == 1.0 == True, equal tuples) and different for others;
// unhashable keys (list, dict) are refused as Python refuses them.
//
// Structural, and each node keyed once: a tuple's key is found from its
// items' keys (a table of the tuples seen), and a node's key is remembered,
// so a key that shares sub-tuples (24 levels of (t, t), 2^24 leaves) costs
// one step per distinct node, as Python's hash caching does not but its
// memory does. Every atom and tuple the table keeps counts against
// `budget`; past it, or deeper than max_depth, a clear LoadError.
class DictKeys {
 public:
  DictKeys(int max_depth, size_t budget) : max_depth_(max_depth), budget_(budget) {}
  uint64_t key(const Node* k) { return key(k, 0); }

 private:
  uint64_t key(const Node* k, int depth);
  uint64_t atom(std::string text);
  uint64_t tuple(std::vector<uint64_t> items);
  void spend(size_t n);

  struct ItemsHash {
    size_t operator()(const std::vector<uint64_t>& v) const noexcept;
  };
  int max_depth_;
  size_t budget_;
  size_t spent_ = 0;
  std::unordered_map<std::string, uint64_t> atoms_;
  std::unordered_map<std::vector<uint64_t>, uint64_t, ItemsHash> tuples_;
  std::unordered_map<const Node*, uint64_t> known_;  // tuples and torch.Size already keyed
};

// str.encode('latin-1') of UTF-8 text: its code points (all < 256) as bytes;
// fails as Python does for any other code point.
std::string latin1_encode(const std::string& s);

}  // namespace pyrepr::detail
