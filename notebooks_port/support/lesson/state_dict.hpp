// --weights FILE.pt for every lesson: Python's
//   module.load_state_dict(torch.load(FILE), strict=True)
// with the file read by pyrepr's reader (no Python needed).
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <string>
#include <utility>
#include <vector>

namespace lesson {

// A state_dict as saved: names and tensors, in the file's order.
using StateDict = std::vector<std::pair<std::string, at::Tensor>>;

// Reads a state_dict saved by Python (torch.save(module.state_dict(), FILE)).
// Throws std::invalid_argument with one line: a file that cannot be read, not
// a dict, a value that is not a tensor, or a tensor that is not dense
// floating point (the lessons' modules have only floating-point parameters).
StateDict read_state_dict(const std::string& path);

// Copies `state` into `module`'s parameters and buffers (converting the
// dtype, as copy_ does) after checking it as strict=True does. Throws
// std::invalid_argument with one line naming every problem, in Python's
// order: missing keys, unexpected keys, then shape mismatches; `module` is
// left unchanged then.
void load_state_dict(torch::nn::Module& module, const StateDict& state);

}  // namespace lesson
