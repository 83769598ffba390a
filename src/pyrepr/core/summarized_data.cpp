#include "pyrepr/core/summarized_data.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

namespace pyrepr {
namespace {

template <class T>
T load(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A binary float of 1 sign bit, `e` exponent bits (bias `bias`) and `m`
// mantissa bits, to double (exact). `special` says which patterns are not
// numbers: IEEE (the top exponent: inf and NaNs), the *fn formats (only
// all-ones is NaN, no inf) or the *fnuz formats (only the sign bit alone,
// "negative zero", is NaN).
enum class Special { Ieee, FiniteAllOnesNaN, NegativeZeroNaN };

double small_float(uint32_t bits, int e, int m, int bias, Special special) {
  const bool negative = (bits >> (e + m)) & 1u;
  const uint32_t exponent = (bits >> m) & ((1u << e) - 1);
  const uint32_t mantissa = bits & ((1u << m) - 1);
  const bool top = exponent == (1u << e) - 1;
  if (special == Special::Ieee && top) return mantissa ? kNaN : (negative ? -kInf : kInf);
  if (special == Special::FiniteAllOnesNaN && top && mantissa == (1u << m) - 1) return kNaN;
  if (special == Special::NegativeZeroNaN && negative && exponent == 0 && mantissa == 0) {
    return kNaN;
  }
  const double v = exponent == 0
                       ? std::ldexp(static_cast<double>(mantissa), 1 - bias - m)  // subnormal
                       : std::ldexp(static_cast<double>(mantissa | (1u << m)),
                                    static_cast<int>(exponent) - bias - m);
  return negative ? -v : v;
}

// bfloat16: the top half of a float32.
double bfloat16(const unsigned char* p) {
  const uint32_t bits = uint32_t{load<uint16_t>(p)} << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return static_cast<double>(f);
}

double half(const unsigned char* p) {
  return small_float(load<uint16_t>(p), 5, 10, 15, Special::Ieee);
}

}  // namespace

namespace detail {

ValueKind value_kind(ElementType type) {
  switch (type) {
    case ElementType::Bool:
      return ValueKind::Boolean;
    case ElementType::UInt8:
    case ElementType::Int8:
    case ElementType::Int16:
    case ElementType::UInt16:
    case ElementType::Int32:
    case ElementType::UInt32:
    case ElementType::Int64:
    case ElementType::UInt64:
    case ElementType::UInt4x2:
    case ElementType::UInt2x4:
      return ValueKind::Integral;
    case ElementType::Complex32:
    case ElementType::BComplex32:
    case ElementType::Complex64:
    case ElementType::Complex128:
      return ValueKind::Complex;
    default:
      return ValueKind::Floating;
  }
}

double float_value(ElementType type, const unsigned char* p) {
  switch (type) {
    case ElementType::Float16:
      return half(p);
    case ElementType::BFloat16:
      return bfloat16(p);
    case ElementType::Float32:
      return static_cast<double>(load<float>(p));
    case ElementType::Float64:
      return load<double>(p);
    case ElementType::Float8_e5m2:
      return small_float(p[0], 5, 2, 15, Special::Ieee);
    case ElementType::Float8_e4m3fn:
      return small_float(p[0], 4, 3, 7, Special::FiniteAllOnesNaN);
    case ElementType::Float8_e5m2fnuz:
      return small_float(p[0], 5, 2, 16, Special::NegativeZeroNaN);
    case ElementType::Float8_e4m3fnuz:
      return small_float(p[0], 4, 3, 8, Special::NegativeZeroNaN);
    case ElementType::Float8_e8m0fnu:
      return p[0] == 0xff ? kNaN : std::ldexp(1.0, static_cast<int>(p[0]) - 127);
    default:
      throw std::logic_error("float_value: not a floating-point element type");
  }
}

size_t Elements::count() const {
  size_t n = 1;
  for (int64_t s : sizes) n *= static_cast<size_t>(s);
  return n;
}

namespace {

int64_t int_value(ElementType type, const unsigned char* p) {
  switch (type) {
    case ElementType::UInt8:
      return p[0];
    case ElementType::Int8:
      return load<int8_t>(p);
    case ElementType::Int16:
      return load<int16_t>(p);
    case ElementType::UInt16:
      return load<uint16_t>(p);
    case ElementType::Int32:
      return load<int32_t>(p);
    case ElementType::UInt32:
      return load<uint32_t>(p);
    case ElementType::Int64:
      return load<int64_t>(p);
    case ElementType::UInt64:
      return static_cast<int64_t>(load<uint64_t>(p));  // the bits, printed unsigned
    default:
      throw std::logic_error("int_value: not an integer element type");
  }
}

// Stores the element at p as the k-th of `el`, the value Python's .item()
// gives (el's vectors are sized for every element).
void store_value(Elements& el, size_t k, ElementType type, const unsigned char* p) {
  switch (el.kind) {
    case ValueKind::Boolean:
      el.booleans[k] = p[0] != 0;
      break;
    case ValueKind::Integral:
      el.ints[k] = int_value(type, p);
      break;
    case ValueKind::Floating:
      el.floats[k] = float_value(type, p);
      break;
    case ValueKind::Complex: {
      double* pair = &el.floats[2 * k];
      if (type == ElementType::Complex32) {
        pair[0] = half(p), pair[1] = half(p + 2);
      } else if (type == ElementType::BComplex32) {
        pair[0] = bfloat16(p), pair[1] = bfloat16(p + 2);
      } else if (type == ElementType::Complex64) {
        pair[0] = static_cast<double>(load<float>(p));
        pair[1] = static_cast<double>(load<float>(p + 4));
      } else {
        pair[0] = load<double>(p), pair[1] = load<double>(p + 8);
      }
      break;
    }
  }
}

}  // namespace

namespace {

Elements gather_summarized(const StridedView& view, bool summarize, int64_t edgeitems);

// The bytes a contiguous copy of the view takes: what Python's allocator
// says it tried to allocate when such a copy does not fit.
uint64_t contiguous_bytes(const StridedView& view) {
  uint64_t n = element_size(view.type);
  for (const int64_t s : view.sizes) {
    if (s <= 0) return 0;
    if (__builtin_mul_overflow(n, static_cast<uint64_t>(s), &n)) return UINT64_MAX;
  }
  return n;
}

// The bytes gather_summarized allocates at most: each kept element as two
// doubles (a complex value), and each dim's kept indices. UINT64_MAX on overflow.
uint64_t gather_bytes(const StridedView& view, bool summarize, int64_t edgeitems) {
  uint64_t elements = 1, indices = 0;
  for (const int64_t n : view.sizes) {
    // the indices a dim keeps (gather_summarized): the edges when summarized, else all
    const int64_t kept = summarize && n > 2 * edgeitems && edgeitems > 0 ? 2 * edgeitems : n;
    if (kept <= 0) return 0;
    if (__builtin_mul_overflow(elements, static_cast<uint64_t>(kept), &elements) ||
        __builtin_add_overflow(indices, static_cast<uint64_t>(kept), &indices))
      return UINT64_MAX;
  }
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(elements, uint64_t{16}, &bytes) ||
      __builtin_add_overflow(bytes, indices * 8, &bytes))
    return UINT64_MAX;
  return bytes;
}

// This machine's memory: more than that can't be allocated.
uint64_t physical_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return UINT64_MAX;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page);
}

[[noreturn]] void cannot_allocate(const StridedView& view) {
  // A huge (expanded) tensor printed whole: --profile full, --edgeitems 0.
  throw std::runtime_error("can't allocate memory: printing this tensor whole needs its " +
                           std::to_string(contiguous_bytes(view)) +
                           " bytes and more (Python: 'DefaultCPUAllocator: can't allocate "
                           "memory: you tried to allocate " +
                           std::to_string(contiguous_bytes(view)) + " bytes')");
}

}  // namespace

Elements get_summarized_data(const StridedView& view, bool summarize, int64_t edgeitems) {
  // Refused before allocating (a sanitizer's allocator aborts on such a size
  // rather than throwing), and std::bad_alloc for what the system refuses.
  if (gather_bytes(view, summarize, edgeitems) > physical_memory()) cannot_allocate(view);
  try {
    return gather_summarized(view, summarize, edgeitems);
  } catch (const std::bad_alloc&) {
    cannot_allocate(view);
  }
}

namespace {

Elements gather_summarized(const StridedView& view, bool summarize, int64_t edgeitems) {
  const size_t dims = view.sizes.size();
  Elements el;
  el.kind = value_kind(view.type);
  el.unsigned64 = view.type == ElementType::UInt64;
  el.elided.assign(dims, false);
  el.first_count.assign(dims, 0);
  // The indices each dim keeps.
  std::vector<std::vector<int64_t>> keep(dims);
  for (size_t d = 0; d < dims; ++d) {
    const int64_t n = view.sizes[d];
    std::vector<int64_t>& idx = keep[d];
    if (summarize && n > 2 * edgeitems) {
      if (edgeitems == 0 && dims >= 2) {
        // Python: torch.stack([]) on the empty list of edge rows.
        throw std::runtime_error("stack expects a non-empty TensorList");
      }
      el.elided[d] = true;
      el.first_count[d] = edgeitems;
      if (edgeitems > 0) {
        for (int64_t k = 0; k < edgeitems; ++k) idx.push_back(k);
        for (int64_t k = n - edgeitems; k < n; ++k) idx.push_back(k);
        continue;
      }
      // 1-D with edgeitems 0: x[:0] + x[-0:] is the whole row
    }
    idx.resize(static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k) idx[static_cast<size_t>(k)] = k;
  }
  el.sizes.resize(dims);
  for (size_t d = 0; d < dims; ++d) el.sizes[d] = static_cast<int64_t>(keep[d].size());
  const size_t total = el.count();
  if (total == 0) return el;
  switch (el.kind) {
    case ValueKind::Boolean:
      el.booleans.resize(total);
      break;
    case ValueKind::Integral:
      el.ints.resize(total);
      break;
    case ValueKind::Floating:
      el.floats.resize(total);
      break;
    case ValueKind::Complex:
      el.floats.resize(2 * total);
      break;
  }
  const auto* base = static_cast<const unsigned char*>(view.data);
  const auto itemsize = static_cast<int64_t>(element_size(view.type));
  const int bits = element_bits(view.type);
  const int64_t per_byte = bits < 8 ? 8 / bits : 1;
  // An odometer over the kept indices, last dim fastest.
  std::vector<size_t> at(dims, 0);
  for (size_t k = 0; k < total; ++k) {
    int64_t offset = 0;
    for (size_t d = 0; d < dims; ++d) offset += keep[d][at[d]] * view.strides[d];
    if (bits < 8) {  // element `offset` of a sub-byte type: its bits of its byte
      const unsigned byte = base[offset / per_byte];
      el.ints[k] = (byte >> ((offset % per_byte) * bits)) & ((1U << bits) - 1);
    } else {
      store_value(el, k, view.type, base + offset * itemsize);
    }
    for (size_t d = dims; d-- > 0;) {
      if (++at[d] < keep[d].size()) break;
      at[d] = 0;
    }
  }
  return el;
}

}  // namespace

}  // namespace detail
}  // namespace pyrepr
