// Python's `to_ix` dicts of the NLP lessons (word_to_ix, tag_to_ix,
// char_to_ix): str -> int, built by `if w not in to_ix: to_ix[w] = len(to_ix)`,
// kept in insertion order and printed as Python prints the dict.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "pyrepr/pyrepr.hpp"

namespace lesson {

class Vocab {
 public:
  Vocab() = default;
  // {"DET", "NN", "V"}: Python's {"DET": 0, "NN": 1, "V": 2}.
  Vocab(std::initializer_list<std::string> keys) {
    for (const auto& key : keys) add(key);
  }

  bool contains(const std::string& key) const { return index_.count(key) != 0; }
  // to_ix[key] = len(to_ix) unless the key is there; returns to_ix[key].
  int64_t add(const std::string& key) {
    auto [it, inserted] = index_.emplace(key, size());
    if (inserted) items_.emplace_back(key, it->second);
    return it->second;
  }
  // to_ix[key]; a missing key throws as Python raises KeyError.
  int64_t at(const std::string& key) const {
    auto it = index_.find(key);
    if (it == index_.end()) throw std::out_of_range("KeyError: " + pyrepr::str_repr(key));
    return it->second;
  }
  int64_t size() const { return static_cast<int64_t>(items_.size()); }
  // to_ix.items(), in insertion order.
  const std::vector<std::pair<std::string, int64_t>>& items() const { return items_; }

  // The dict as a Python value (print(word_to_ix) prints {'The': 0, ...}).
  pyrepr::Object object() const {
    pyrepr::Dict dict;
    for (const auto& [key, ix] : items_) dict.items.emplace_back(key, ix);
    return pyrepr::Object(std::move(dict));
  }

 private:
  std::vector<std::pair<std::string, int64_t>> items_;
  std::map<std::string, int64_t> index_;
};

}  // namespace lesson
