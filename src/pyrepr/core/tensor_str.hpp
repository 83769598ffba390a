// Core (no LibTorch): _tensor_str over a strided view of a tensor's
// elements (the rules of _tensor_str.py that differ between the supported
// PyTorch releases are TensorStrRules, release_rules.hpp).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <functional>

#include "pyrepr/core/large_buffer.hpp"
#include "pyrepr/core/release_rules.hpp"
#include "pyrepr/core/summarized_data.hpp"
#include "pyrepr/options.hpp"
#include "pyrepr/strided_view.hpp"

namespace pyrepr::detail {

// _tensor_str(self, indent): appends the bracketed values of `view` ("[]"
// when it has no elements; "[...]" or the summary when it has more than
// opts.threshold) under the print options `opts`. `adjust`, when given, turns
// the displayed elements into the values printed (dequantized, negated, ...).
void tensor_str(TextBuffer& out, const StridedView& view, int64_t indent, const PrintOptions& opts,
                const std::function<void(Elements&)>& adjust = {});

}  // namespace pyrepr::detail
