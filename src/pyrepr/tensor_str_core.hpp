// Core (no LibTorch): _tensor_str over a strided view of a tensor's
// elements, and the rules of _tensor_str.py that differ between the
// supported PyTorch releases.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <functional>

#include "pyrepr/large_buffer.hpp"
#include "pyrepr/options.hpp"
#include "pyrepr/strided_view.hpp"
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

// _tensor_str(self, indent): appends the bracketed values of `view` ("[]"
// when it has no elements; "[...]" or the summary when it has more than
// opts.threshold) under the print options `opts`. `adjust`, when given, turns
// the displayed elements into the values printed (dequantized, negated, ...).
void tensor_str(TextBuffer& out, const StridedView& view, int64_t indent, const PrintOptions& opts,
                const std::function<void(Elements&)>& adjust = {});

}  // namespace pyrepr::detail
