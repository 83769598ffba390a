// Internal (pyrepr::load): the zip archive torch.save writes, read without
// LibTorch. Follows APPNOTE.TXT (the zip format) as far as miniz, the reader
// inside LibTorch, uses it: the end of central directory record (and its
// zip64 form), the central directory, and each entry's local header.
//
// Nothing in the archive is trusted: an Archive is made only when every
// entry lies inside the file, is stored or deflated, claims a size its
// compressed bytes can hold, and the names are unique (compared case-blind, as
// miniz looks them up); expect_torch_save() then checks the layout is
// torch.save's (<folder>/data.pkl and <folder>/version, a supported format
// version). Otherwise LoadError, with a clear message. (numpy's .npz is a zip
// of .npy files without that layout.)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "pyrepr/tensor_data.hpp"

namespace pyrepr::detail {

class Archive {
 public:
  // The whole file: its bytes stay valid while `file.owner` lives.
  explicit Archive(Storage file);
  // torch.save's layout, or LoadError; from then on names are looked up in
  // its folder.
  void expect_torch_save();

  // Is there a record <folder>/<name>?
  bool has(const std::string& name) const;
  // The bytes of the record <folder>/<name>: a stored entry's bytes are the
  // file's own (nothing is read until they are used), a deflated one's are
  // inflated. LoadError when there is none.
  std::shared_ptr<const Storage> get(const std::string& name) const;

  struct Entry {
    std::string name;
    uint64_t method = 0, comp = 0, uncomp = 0, data_pos = 0;
  };
  // Every entry, in the central directory's order.
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  const Entry* find(const std::string& name) const;
  Storage file_;
  std::string folder_;  // "archive/"
  std::vector<Entry> entries_;
  // lowercase(entry name) -> its index in entries_: one lookup per record
  // (a state_dict of 20,000 tensors looks up 20,000 records).
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace pyrepr::detail
