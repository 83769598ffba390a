#include "values.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "pyrepr/dtype.hpp"
#include "pyrepr/tensor_repr.hpp"

namespace ptcat {

namespace {

constexpr int64_t kPiece = int64_t{1} << 16;  // elements per piece, about

// Are the elements of `t` one run in memory, in row-major order?
bool contiguous(const pyrepr::TensorData& t) {
  int64_t expected = 1;
  for (size_t d = t.sizes.size(); d-- > 0;) {
    if (t.sizes[d] != 1 && t.strides[d] != expected) return false;
    expected *= t.sizes[d];
  }
  return true;
}

// Maps the pages of [p, p + n) in one call, where the kernel can (Linux
// 5.14: MADV_POPULATE_READ), instead of a page fault per few pages as they
// are read; a no-op elsewhere and for memory that is not a mapping.
void populate(const unsigned char* p, size_t n) {
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
  static const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<uintptr_t>(p) & ~(page - 1);
  const auto end = reinterpret_cast<uintptr_t>(p) + n;
  if (n >= (size_t{1} << 16))
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_READ);  // NOLINT
}

template <class T, class Out>
void convert(const unsigned char* p, size_t n, std::vector<Out>& out) {
  populate(p, n * sizeof(T));
  out.resize(n);
  for (size_t k = 0; k < n; ++k) {
    T v;
    std::memcpy(&v, p + k * sizeof(T), sizeof(T));
    // NOLINTNEXTLINE(bugprone-signed-char-misuse): int8 elements are signed values
    out[k] = static_cast<Out>(v);
  }
}

// The common dtypes, contiguous and without a negative bit, straight from
// memory; false for the rest (read through the core).
template <class Out>
bool read_fast(const pyrepr::TensorData& t, std::vector<Out>& out) {
  const pyrepr::DType& d = *t.dtype;
  if (t.neg || d.values != pyrepr::DTypeValues::Plain || !contiguous(t)) return false;
  const unsigned char* p = t.storage->data + t.storage_offset * static_cast<int64_t>(d.itemsize);
  const auto n = static_cast<size_t>(t.numel());
  using E = pyrepr::ElementType;
  switch (d.element) {
    case E::Float32:
      if (std::is_integral_v<Out>) return false;
      convert<float>(p, n, out);
      return true;
    case E::Float64:
      if (std::is_integral_v<Out>) return false;
      convert<double>(p, n, out);
      return true;
    case E::Int64:
      convert<int64_t>(p, n, out);
      return true;
    case E::Int32:
      convert<int32_t>(p, n, out);
      return true;
    case E::Int16:
      convert<int16_t>(p, n, out);
      return true;
    case E::Int8:
      convert<int8_t>(p, n, out);
      return true;
    case E::UInt8:
      convert<uint8_t>(p, n, out);
      return true;
    default:
      return false;
  }
}

}  // namespace

bool readable(const pyrepr::TensorData& t, std::string& why) {
  const pyrepr::DType* d = t.dtype;
  if (!d || d->itemsize == 0) {
    why = "no elements";
  } else if (t.layout != pyrepr::Layout::Strided) {
    why = std::string("a ") + pyrepr::layout_name(t.layout) + " tensor";
  } else if (pyrepr::is_complex(*d)) {
    why = "complex values";
  } else if (d->values == pyrepr::DTypeValues::None) {
    why = std::string("torch.") + d->name + " has no values";
  } else if (!t.storage || t.strides.size() != t.sizes.size()) {
    why = "no elements";
  } else {
    return true;
  }
  return false;
}

bool integral(const pyrepr::TensorData& t) {
  const pyrepr::DType& d = *t.dtype;
  return d.values == pyrepr::DTypeValues::Plain && !pyrepr::is_floating_point(d) &&
         !pyrepr::is_complex(d);
}

Pieces::Pieces(const pyrepr::TensorData& t) : t_(t) {
  const int64_t n = t.numel();
  // Per channel quantization and sub-byte elements are read whole (the
  // core knows their channels and bit order).
  whole_ = n <= kPiece || t.qscheme == pyrepr::QScheme::PerChannelAffine ||
           t.qscheme == pyrepr::QScheme::PerChannelAffineFloatQParams ||
           t.qscheme == pyrepr::QScheme::PerChannelSymmetric ||
           pyrepr::element_bits(t.dtype->element) < 8;
  if (whole_) return;
  // The first dim whose rows (the elements after it) fit in a piece.
  split_ = t.sizes.size() - 1;
  inner_ = 1;
  for (size_t d = t.sizes.size(); d-- > 0;) {
    if (inner_ * t.sizes[d] > kPiece) {
      split_ = d;
      break;
    }
    inner_ *= t.sizes[d];
  }
  rows_ = std::max<int64_t>(1, kPiece / inner_);
  blocks_ = static_cast<size_t>((t.sizes[split_] + rows_ - 1) / rows_);
  size_t outer = 1;
  for (size_t d = 0; d < split_; ++d) outer *= static_cast<size_t>(t.sizes[d]);
  count_ = outer * blocks_;
}

pyrepr::TensorData Pieces::piece(size_t k, int64_t& first) const {
  pyrepr::TensorData p = t_;
  size_t outer = k / blocks_;
  const auto block = static_cast<int64_t>(k % blocks_);
  const int64_t r0 = block * rows_;
  const int64_t r1 = std::min(t_.sizes[split_], r0 + rows_);
  int64_t offset = t_.storage_offset + r0 * t_.strides[split_];
  int64_t outer_flat = static_cast<int64_t>(outer);
  for (size_t d = split_; d-- > 0;) {
    const auto size = static_cast<size_t>(t_.sizes[d]);
    offset += static_cast<int64_t>(outer % size) * t_.strides[d];
    outer /= size;
  }
  first = (outer_flat * t_.sizes[split_] + r0) * inner_;
  p.sizes.assign(t_.sizes.begin() + static_cast<std::ptrdiff_t>(split_), t_.sizes.end());
  p.strides.assign(t_.strides.begin() + static_cast<std::ptrdiff_t>(split_), t_.strides.end());
  p.sizes[0] = r1 - r0;
  p.storage_offset = offset;
  return p;
}

int64_t Pieces::read(size_t k, std::vector<double>& out) const {
  int64_t first = 0;
  const pyrepr::TensorData p = whole_ ? t_ : piece(k, first);
  if (!read_fast(p, out)) out = pyrepr::real_values(p);
  return first;
}

int64_t Pieces::read(size_t k, std::vector<int64_t>& out) const {
  int64_t first = 0;
  const pyrepr::TensorData p = whole_ ? t_ : piece(k, first);
  if (!read_fast(p, out)) out = pyrepr::integer_values(p);
  return first;
}

pyrepr::ElementType Pieces::in_memory(size_t k, const unsigned char*& data, size_t& n) const {
  int64_t first = 0;
  const pyrepr::TensorData p = whole_ ? t_ : piece(k, first);
  const pyrepr::DType& d = *p.dtype;
  const auto e = d.element;
  if ((e != pyrepr::ElementType::Float32 && e != pyrepr::ElementType::Float64) || p.neg ||
      d.values != pyrepr::DTypeValues::Plain || !contiguous(p))
    return pyrepr::ElementType::UInt8;
  data = p.storage->data + p.storage_offset * static_cast<int64_t>(d.itemsize);
  if (reinterpret_cast<uintptr_t>(data) % d.itemsize != 0) return pyrepr::ElementType::UInt8;
  n = static_cast<size_t>(p.numel());
  populate(data, n * d.itemsize);
  return e;
}

unsigned worker_threads() { return std::clamp(std::thread::hardware_concurrency(), 1U, 8U); }

}  // namespace ptcat
