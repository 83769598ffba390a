#include "pyrepr/strided_view.hpp"

#include <string>
#include <utility>

namespace pyrepr {

size_t element_size(ElementType type) {
  switch (type) {
    case ElementType::Bool:
    case ElementType::UInt8:
    case ElementType::Int8:
    case ElementType::UInt4x2:  // a byte holds several: bounds computed with 1 are safe
    case ElementType::UInt2x4:
    case ElementType::Float8_e5m2:
    case ElementType::Float8_e4m3fn:
    case ElementType::Float8_e5m2fnuz:
    case ElementType::Float8_e4m3fnuz:
    case ElementType::Float8_e8m0fnu:
      return 1;
    case ElementType::Int16:
    case ElementType::UInt16:
    case ElementType::Float16:
    case ElementType::BFloat16:
      return 2;
    case ElementType::Int32:
    case ElementType::UInt32:
    case ElementType::Float32:
    case ElementType::Complex32:
    case ElementType::BComplex32:
      return 4;
    case ElementType::Int64:
    case ElementType::UInt64:
    case ElementType::Float64:
    case ElementType::Complex64:
      return 8;
    case ElementType::Complex128:
      return 16;
  }
  return 0;
}

int element_bits(ElementType type) {
  if (type == ElementType::UInt4x2) return 4;
  if (type == ElementType::UInt2x4) return 2;
  return static_cast<int>(8 * element_size(type));
}

bool element_type_of(const std::string& scalar_type_name, ElementType& type) {
  static const std::pair<const char*, ElementType> names[] = {
      {"Bool", ElementType::Bool},
      {"Byte", ElementType::UInt8},
      {"Char", ElementType::Int8},
      {"Short", ElementType::Int16},
      {"UInt16", ElementType::UInt16},
      {"Int", ElementType::Int32},
      {"UInt32", ElementType::UInt32},
      {"Long", ElementType::Int64},
      {"UInt64", ElementType::UInt64},
      {"Half", ElementType::Float16},
      {"BFloat16", ElementType::BFloat16},
      {"Float", ElementType::Float32},
      {"Double", ElementType::Float64},
      {"Float8_e5m2", ElementType::Float8_e5m2},
      {"Float8_e4m3fn", ElementType::Float8_e4m3fn},
      {"Float8_e5m2fnuz", ElementType::Float8_e5m2fnuz},
      {"Float8_e4m3fnuz", ElementType::Float8_e4m3fnuz},
      {"Float8_e8m0fnu", ElementType::Float8_e8m0fnu},
      {"ComplexHalf", ElementType::Complex32},
      {"BComplex32", ElementType::BComplex32},
      {"ComplexFloat", ElementType::Complex64},
      {"ComplexDouble", ElementType::Complex128},
  };
  for (const auto& [name, t] : names) {
    if (scalar_type_name == name) {
      type = t;
      return true;
    }
  }
  return false;
}

}  // namespace pyrepr
