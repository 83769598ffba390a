// Core (no LibTorch): a tensor's elements as a strided view of memory: the
// element types a printed tensor's bytes can hold, and where each element is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pyrepr {

// The element types a printed tensor's bytes can hold: every torch dtype with
// arithmetic (quantized tensors print dequantized; bits* have no values).
enum class ElementType : uint8_t {
  Bool,
  UInt8,
  Int8,
  Int16,
  UInt16,
  Int32,
  UInt32,
  Int64,
  UInt64,
  Float16,
  BFloat16,
  Float32,
  Float64,
  Float8_e5m2,
  Float8_e4m3fn,
  Float8_e5m2fnuz,
  Float8_e4m3fnuz,
  Float8_e8m0fnu,
  Complex32,   // two float16
  BComplex32,  // two bfloat16 (PyTorch 2.x)
  Complex64,
  Complex128,
  // Sub-byte unsigned ints (quint4x2, quint2x4): 2 or 4 to a byte, the first
  // in the low bits. `data` is the byte of element 0's, which is its first,
  // and strides count elements.
  UInt4x2,
  UInt2x4,
};

// Bytes per element.
size_t element_size(ElementType type);
// Bits per element: 8 * element_size, but 4 and 2 for the sub-byte types.
int element_bits(ElementType type);

// The element type named as LibTorch names its ScalarType ("Float", "Half",
// "Float8_e4m3fn", "ComplexHalf", ...); false if the name has none.
bool element_type_of(const std::string& scalar_type_name, ElementType& type);

// Elements in memory: element (i0, i1, ...) is at data + sum(i_d * strides[d])
// elements. The memory must stay valid while the view is used.
struct StridedView {
  ElementType type = ElementType::Float32;
  const void* data = nullptr;  // the element at index (0, ..., 0)
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides;  // in elements
};

}  // namespace pyrepr
