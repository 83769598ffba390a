// Internal: one reading of the global print options for a whole output
// (used by object.cpp and pretty.cpp). Not part of the public API.
//
// repr(), str(), pretty() and print() of a value holding several tensors
// format each tensor with the global options. Reading them once per tensor
// would let another thread's set_printoptions (or PrintOptionsGuard) land in
// the middle, and a list could print its first tensor under one option set
// and its second under another. The outermost call on a thread takes a
// snapshot; nested calls on the same thread use it.
#pragma once

#include "pyrepr/options.hpp"

namespace pyrepr::detail {

class OptionsSnapshot {
 public:
  OptionsSnapshot();
  ~OptionsSnapshot();
  OptionsSnapshot(const OptionsSnapshot&) = delete;
  OptionsSnapshot& operator=(const OptionsSnapshot&) = delete;

  const PrintOptions& options() const { return *active_; }

 private:
  PrintOptions own_;
  const PrintOptions* active_;
  bool outermost_;
};

}  // namespace pyrepr::detail
