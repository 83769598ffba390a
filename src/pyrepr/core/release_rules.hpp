// Core (no LibTorch): what differs between the supported releases, each
// difference a named field of one struct per release family, decided here and
// nowhere else: TensorStrRules for PyTorch's torch/_tensor_str.py (read by
// tensor_str.cpp and tensor_repr.cpp), PythonReprRules for CPython's repr
// (read by object.cpp). The release itself comes from PrintOptions::rules.
#pragma once

#include "pyrepr/versions.hpp"

namespace pyrepr::detail {

// What differs between the _tensor_str.py of the supported releases, all in
// one place; each branch below that reads a flag names it.
struct TensorStrRules {
  // 2.6 on: with edgeitems=0 a summarized tensor prints "[...]" (_vector_str,
  // get_summarized_data), and a strided tensor's suffixes start with size=
  // (_str_intern). 1.13 prints "[ ..., <the whole row>]" in 1-D and fails
  // (torch.stack of no rows) beyond.
  bool edgeitems_zero_elides_all;
  // 2.14: a forced sci_mode decides the widths (_Formatter.__init__); before,
  // the widths come from the automatic mode and the option only changes format().
  bool forced_sci_mode_sets_widths;
  // Up to 2.6: names=(...) after the other suffixes (2.14 has no named tensors).
  bool names_suffix;
};

constexpr TensorStrRules tensor_str_rules(Version torch) {
  return {torch >= Version{2, 6}, torch >= Version{2, 14}, torch < Version{2, 14}};
}

// What differs in repr() between the Python releases pyrepr supports. Bool,
// int, float, bytes, list, tuple, dict (and torch.Size, dtypes) print the
// same in 3.11, 3.13 and 3.14; checked by tests/differential/gen_objects.py
// run under each release's Python.
struct PythonReprRules {
  // odict_repr: since 3.12 (gh-101446) "OrderedDict({k: v, ...})", before
  // "OrderedDict([(k, v), ...])". Empty: "OrderedDict()" in both.
  bool odict_as_dict = false;
  // Py_UNICODE_ISPRINTABLE: the Unicode database of this release (14.0 in
  // 3.11, 15.1 in 3.13, 16.0 in 3.14) decides which non-ASCII code points
  // str's repr keeps; the tables of every release up to it apply.
  Version unicode_of = {3, 11};
};

constexpr PythonReprRules python_repr_rules(Version python) {
  return {python >= Version{3, 12}, python};
}

}  // namespace pyrepr::detail
