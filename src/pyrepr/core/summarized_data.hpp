// Core (no LibTorch): get_summarized_data (torch/_tensor_str.py) over a
// strided view: the displayed elements read once each, as the values Python's
// .tolist() gives (float, int, bool, complex), without reading the elements a
// summarized print leaves out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pyrepr/core/large_buffer.hpp"
#include "pyrepr/strided_view.hpp"

namespace pyrepr {

namespace detail {

// The kind of Python value an element becomes (what .item() returns).
enum class ValueKind { Floating, Integral, Boolean, Complex };
ValueKind value_kind(ElementType type);

// The displayed elements of a view, in row-major order, as a contiguous
// tensor of sizes `sizes` would hold them.
struct Elements {
  ValueKind kind = ValueKind::Floating;
  std::vector<int64_t> sizes;  // of the summarized data
  std::vector<bool> elided;    // per dim: first first_count[d] items, "...", the rest
  std::vector<int64_t> first_count;
  LargeVector<double> floats;  // Floating; Complex as (re, im) pairs
  LargeVector<int64_t> ints;   // Integral (uint64: the bit patterns)
  bool unsigned64 = false;     // Integral: ints holds uint64 bit patterns
  std::vector<bool> booleans;  // Boolean
  size_t count() const;        // the number of elements
};

// get_summarized_data(self) when `summarize` (each dim longer than
// 2 * edgeitems keeps its first and last edgeitems), else every element.
// With edgeitems 0 a 1-D view keeps its whole row (x[:0] + x[-0:]), and a
// view of more dims fails as Python's torch.stack of no rows does.
Elements get_summarized_data(const StridedView& view, bool summarize, int64_t edgeitems);

// One element's value as a double (exact for every floating type).
double float_value(ElementType type, const unsigned char* p);

}  // namespace detail
}  // namespace pyrepr
