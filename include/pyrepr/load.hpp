// Reading what Python's torch.save wrote (the zip format of PyTorch >= 1.6,
// and the legacy one) into the Object model, as torch.load would: tensors
// (every dtype, strided views, quantized, sparse), Parameters, and the
// containers around them. Other checkpoint formats are recognized by their
// content and read as the Python that reads them gives them: safetensors as
// safetensors.torch.load_file's dict, numpy's .npy as torch.from_numpy(...)
// and .npz as a dict of those, and a sharded checkpoint's index
// (model.safetensors.index.json, pytorch_model.bin.index.json) as one dict
// of its shards' tensors.
// Needs no LibTorch; a tensor's elements are read from the file only when
// printed (to_torch, torch_adapter.hpp, makes an at::Tensor of one).
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

// Throws LoadError ("the file changed while it was read") if `t`'s elements
// lie in a loaded file that has shrunk since it was mapped: the vanished
// pages read as zeros. Call it after reading a loaded tensor's elements
// yourself (repr() and print() check by themselves).
void check_unchanged(const TensorData& t);

// A message kept on one line: control characters (from a path, say) escaped
// as \xNN. Every LoadError message is already one.
std::string one_line(const std::string& s);

}  // namespace pyrepr
