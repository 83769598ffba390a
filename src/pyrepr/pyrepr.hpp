// pyrepr: tensors and Python values printed byte for byte as PyTorch's Python
// prints them. This header brings in the whole public API:
//
//   pyrepr::repr(tensor), pyrepr::parameter_repr     tensor_str.hpp
//   pyrepr::Object, print, print_to, format_to, pretty  object.hpp
//   set_printoptions, PrintArgs, PrintOptionsGuard     options.hpp
//   Rules, parse_torch_version, parse_python_version   versions.hpp
//   pyrepr::load (torch.save files), LoadError         load.hpp
//   fmt::formatter<at::Tensor>, pyrepr::py(t)          fmt.hpp
//
// Link pyrepr::torch (find_package(pyrepr) or add_subdirectory).
#pragma once

#include "pyrepr/fmt.hpp"
#include "pyrepr/load.hpp"
#include "pyrepr/object.hpp"
#include "pyrepr/options.hpp"
#include "pyrepr/tensor_str.hpp"
#include "pyrepr/versions.hpp"
