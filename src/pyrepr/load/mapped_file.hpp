// Internal (pyrepr::load): a torch.save file mapped read-only, so that only
// the pages printed are ever read, and what happens when the file shrinks
// while it is mapped.
//
// A training job's torch.save truncates its checkpoint in place and writes it
// again. A page of a mapping that now lies beyond the end of the file raises
// SIGBUS when touched, which would kill the process. The first mapping
// installs a SIGBUS handler that, for an address inside a mapped file, puts a
// page of zeros in place of the vanished one and counts it for the thread
// that touched it; any other SIGBUS goes to the handler that was there before
// (or kills the process as it would have). A FileChangeCheck around a load or
// a print then turns what was read from zeros into one clear error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "pyrepr/tensor_data.hpp"

namespace pyrepr::detail {

// A file mapped read-only (LoadError if it can't be: missing, a directory, a
// FIFO, empty...). The mapping lives while a Storage of it does.
class MappedFile : public std::enable_shared_from_this<MappedFile> {
 public:
  static std::shared_ptr<const MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // The whole file; its owner keeps this mapping.
  Storage storage() const;
  // Is the file on disk no longer the size, or the age, it was when mapped?
  bool changed_on_disk() const;

 private:
  MappedFile() = default;
  const unsigned char* data_ = nullptr;
  size_t size_ = 0;
  int fd_ = -1;
  int64_t mtime_ns_ = 0;
  int slot_ = -1;  // its place among the regions the SIGBUS handler knows
};

// Whether this thread touched a page of a mapped file that had vanished (the
// file shrank) since the check was made.
class FileChangeCheck {
 public:
  FileChangeCheck();
  bool changed() const;

 private:
  uint64_t start_;
};

// Is `p` inside a mapped file that has lost pages since it was mapped? (Once
// read, a vanished page is zeros and raises nothing any more: a tensor of
// that file must fail every later print too.)
bool in_vanished_file(const void* p);

// The message of the LoadError a changed file gives.
inline const char* file_changed_message() { return "the file changed while it was read"; }

}  // namespace pyrepr::detail
