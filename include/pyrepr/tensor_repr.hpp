// Core (no LibTorch): repr() of a TensorData, as Tensor.__repr__ and
// _str_intern (torch/_tensor_str.py) build it under the given print options
// and release rules. Defined in src/pyrepr/core/tensor_repr.cpp.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "pyrepr/options.hpp"
#include "pyrepr/tensor_data.hpp"

namespace pyrepr {

// repr(t) under `options` (Tensor.__repr__, _str_intern).
std::string repr(const TensorData& t, const PrintOptions& options);
// The same, appended to `out`.
void format_to(fmt::memory_buffer& out, const TensorData& t, const PrintOptions& options);

// A strided tensor's values, in row-major order, as Python's
// t.double().flatten().tolist() gives them: every dtype with real values
// (bool as 0 and 1, integers, floating, quantized ones dequantized as
// t.dequantize() does). Throws std::invalid_argument for complex, bits and
// sparse tensors. The whole tensor at once: for a large one, read a view of
// part of it at a time.
std::vector<double> real_values(const TensorData& t);
// A bool or integer tensor's values exactly, as t.long().flatten().tolist()
// (uint64: their bits, as t.long() wraps them).
std::vector<int64_t> integer_values(const TensorData& t);

namespace detail {
// Every value of a (small) real tensor, in row-major order: as doubles, or
// exactly as integers (an integral dtype only). Throws std::invalid_argument
// otherwise.
std::vector<double> all_values(const TensorData& t);
std::vector<int64_t> all_ints(const TensorData& t);
}  // namespace detail

}  // namespace pyrepr
