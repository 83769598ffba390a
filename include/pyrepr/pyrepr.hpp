// pyrepr: tensors and Python values printed byte for byte as PyTorch's Python
// prints them. This header brings in the whole public API: the core
// (core.hpp, no LibTorch) and the at::Tensor side:
//
//   pyrepr::repr(tensor), parameter_repr, to_torch     torch_adapter.hpp
//   print(tensor), Object(tensor), size_of, parameter  torch_adapter.hpp
//   fmt::formatter<at::Tensor>, pyrepr::py(t)          fmt.hpp
//
// Link pyrepr::torch (find_package(pyrepr) or add_subdirectory).
#pragma once

#include "pyrepr/core.hpp"
#include "pyrepr/fmt.hpp"
#include "pyrepr/torch_adapter.hpp"
