// pyrepr's core, which needs no LibTorch: Python values and print(), tensors
// as TensorData (a strided view of bytes plus what the suffixes print), the
// print options and release rules, and the torch.save reader.
//
//   pyrepr::Object, print, print_to, format_to         object.hpp
//   pretty (IPython's display)                         pretty.hpp
//   pyrepr::TensorData, Storage                        tensor_data.hpp
//   repr(tensor_data, options), format_to              tensor_repr.hpp
//   DType, dtypes::float32..., Layout, QScheme         dtype.hpp
//   ElementType, StridedView                           strided_view.hpp
//   set_printoptions, PrintArgs, PrintOptionsGuard     options.hpp
//   Rules, parse_torch_version, parse_python_version   versions.hpp
//   pyrepr::load (torch.save files), LoadError         load.hpp
//   python_str_hash, python_set_order                  python_hash.hpp
//
// Link pyrepr::pyrepr (find_package(pyrepr) or add_subdirectory).
#pragma once

#include "pyrepr/dtype.hpp"
#include "pyrepr/load.hpp"
#include "pyrepr/object.hpp"
#include "pyrepr/options.hpp"
#include "pyrepr/pretty.hpp"
#include "pyrepr/python_hash.hpp"
#include "pyrepr/strided_view.hpp"
#include "pyrepr/tensor_data.hpp"
#include "pyrepr/tensor_repr.hpp"
#include "pyrepr/versions.hpp"
