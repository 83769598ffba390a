// Reading what Python's torch.save wrote (the zip format of PyTorch >= 1.6)
// into the Object model, as torch.load would: tensors (every dtype, strided
// views, quantized, sparse COO), Parameters, and the containers around them.
#pragma once

#include <stdexcept>
#include <string>

#include "pyrepr/object.hpp"

namespace pyrepr {

// Every failure to read a file is a LoadError with a one-line message.
struct LoadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Object load(const std::string& path);
// The same from the file's bytes in memory.
Object load_bytes(const std::string& bytes);

// While one is alive, LibTorch's warnings (TORCH_WARN: "ComplexHalf support
// is experimental", deprecations) on this thread are dropped instead of
// printed on stderr, where a program's error lines go; load() holds one, a
// program can hold one around its printing too. They nest.
class QuietTorchWarnings {
 public:
  QuietTorchWarnings();
  ~QuietTorchWarnings();
  QuietTorchWarnings(const QuietTorchWarnings&) = delete;
  QuietTorchWarnings& operator=(const QuietTorchWarnings&) = delete;

 private:
  void* previous_;  // the c10::WarningHandler before this one
};

// A message kept on one line: control characters (from a path, say) escaped
// as \xNN. Every LoadError message is already one.
std::string one_line(const std::string& s);

}  // namespace pyrepr
