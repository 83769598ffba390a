#include "pyrepr/dtype.hpp"

#include "pyrepr/core/summarized_data.hpp"

#include "pyrepr/load/load_diagnostics.hpp"

namespace pyrepr::detail {
namespace {

using E = ElementType;
using V = Values;

constexpr DtypeName kDtypes[] = {
    {"float32", "float32", "Float", 4, E::Float32},
    {"float", "float32", "Float", 4, E::Float32},
    {"float64", "float64", "Double", 8, E::Float64},
    {"double", "float64", "Double", 8, E::Float64},
    {"float16", "float16", "Half", 2, E::Float16},
    {"half", "float16", "Half", 2, E::Float16},
    {"bfloat16", "bfloat16", "BFloat16", 2, E::BFloat16},
    {"uint8", "uint8", "Byte", 1, E::UInt8},
    {"int8", "int8", "Char", 1, E::Int8},
    {"int16", "int16", "Short", 2, E::Int16},
    {"short", "int16", "Short", 2, E::Int16},
    {"int32", "int32", "Int", 4, E::Int32},
    {"int", "int32", "Int", 4, E::Int32},
    {"int64", "int64", "Long", 8, E::Int64},
    {"long", "int64", "Long", 8, E::Int64},
    {"bool", "bool", "Bool", 1, E::Bool},
    {"complex32", "complex32", "ComplexHalf", 4, E::Complex32},
    {"chalf", "complex32", "ComplexHalf", 4, E::Complex32},
    {"complex64", "complex64", "ComplexFloat", 8, E::Complex64},
    {"cfloat", "complex64", "ComplexFloat", 8, E::Complex64},
    {"complex128", "complex128", "ComplexDouble", 16, E::Complex128},
    {"cdouble", "complex128", "ComplexDouble", 16, E::Complex128},
    {"quint8", "quint8", "QUInt8", 1, E::UInt8, V::Quantized},
    {"qint8", "qint8", "QInt8", 1, E::Int8, V::Quantized},
    {"qint32", "qint32", "QInt32", 4, E::Int32, V::Quantized},
    {"quint4x2", "quint4x2", "QUInt4x2", 1, E::UInt4x2, V::Quantized},
    {"quint2x4", "quint2x4", "QUInt2x4", 1, E::UInt2x4, V::Quantized},
    // PyTorch 2.x: saved as an UntypedStorage and _rebuild_tensor_v3
    {"float8_e5m2", "float8_e5m2", "Float8_e5m2", 1, E::Float8_e5m2},
    {"float8_e4m3fn", "float8_e4m3fn", "Float8_e4m3fn", 1, E::Float8_e4m3fn},
    {"float8_e5m2fnuz", "float8_e5m2fnuz", "Float8_e5m2fnuz", 1, E::Float8_e5m2fnuz},
    {"float8_e4m3fnuz", "float8_e4m3fnuz", "Float8_e4m3fnuz", 1, E::Float8_e4m3fnuz},
    {"float8_e8m0fnu", "float8_e8m0fnu", "Float8_e8m0fnu", 1, E::Float8_e8m0fnu},
    {"float4_e2m1fn_x2", "float4_e2m1fn_x2", "Float4_e2m1fn_x2", 1, E::UInt8, V::ByteFloat},
    {"uint16", "uint16", "UInt16", 2, E::UInt16},
    {"uint32", "uint32", "UInt32", 4, E::UInt32},
    {"uint64", "uint64", "UInt64", 8, E::UInt64},
    {"bits1x8", "bits1x8", "Bits1x8", 1, E::UInt8, V::None},
    {"bits2x4", "bits2x4", "Bits2x4", 1, E::UInt8, V::None},
    {"bits4x2", "bits4x2", "Bits4x2", 1, E::UInt8, V::None},
    {"bits8", "bits8", "Bits8", 1, E::UInt8, V::None},
    {"bits16", "bits16", "Bits16", 2, E::UInt16, V::None},
    {"bcomplex32", "bcomplex32", "BComplex32", 4, E::BComplex32},
    // PyTorch 2.x: dtypes without storage (torch.save refuses their tensors)
    {"uint1", "uint1", "UInt1"},
    {"uint2", "uint2", "UInt2"},
    {"uint3", "uint3", "UInt3"},
    {"uint4", "uint4", "UInt4"},
    {"uint5", "uint5", "UInt5"},
    {"uint6", "uint6", "UInt6"},
    {"uint7", "uint7", "UInt7"},
    {"int1", "int1", "Int1"},
    {"int2", "int2", "Int2"},
    {"int3", "int3", "Int3"},
    {"int4", "int4", "Int4"},
    {"int5", "int5", "Int5"},
    {"int6", "int6", "Int6"},
    {"int7", "int7", "Int7"},
};

// The storage classes torch.save names in persistent ids (before PyTorch 2.x
// introduced UntypedStorage for the new dtypes, one class per dtype).
constexpr std::pair<const char*, const char*> kStorageTypes[] = {
    {"DoubleStorage", "float64"},
    {"FloatStorage", "float32"},
    {"HalfStorage", "float16"},
    {"LongStorage", "int64"},
    {"IntStorage", "int32"},
    {"ShortStorage", "int16"},
    {"CharStorage", "int8"},
    {"ByteStorage", "uint8"},
    {"BoolStorage", "bool"},
    {"BFloat16Storage", "bfloat16"},
    {"ComplexDoubleStorage", "complex128"},
    {"ComplexFloatStorage", "complex64"},
    {"QInt8Storage", "qint8"},
    {"QInt32Storage", "qint32"},
    {"QUInt8Storage", "quint8"},
    {"QUInt4x2Storage", "quint4x2"},
    {"QUInt2x4Storage", "quint2x4"},
};

}  // namespace

bool is_floating_or_complex(const DtypeName& d) {
  if (d.values == Values::ByteFloat) return true;  // float4_e2m1fn_x2 is a floating type
  if (d.values != Values::Plain) return false;
  const ValueKind k = value_kind(d.element);
  return k == ValueKind::Floating || k == ValueKind::Complex;
}

const DtypeName* find_dtype(const std::string& python_name) {
  for (const auto& d : kDtypes)
    if (python_name == d.python) return &d;
  return nullptr;
}

const DtypeName* find_dtype_c10(const std::string& c10_name) {
  for (const auto& d : kDtypes)
    if (c10_name == d.c10) return &d;
  return nullptr;
}

const DtypeName& dtype_of(const std::string& canonical, const char* fn) {
  const DtypeName* d = find_dtype(canonical);
  if (!d) fail(std::string(fn) + ": torch." + printable(canonical) + " is not a dtype");
  if (d->itemsize == 0)
    fail(std::string(fn) + ": torch." + canonical +
         " tensors have no storage (torch.save cannot write them)");
  return *d;
}

std::optional<std::string> canonical_torch_value(const std::string& name) {
  if (const DtypeName* d = find_dtype(name)) return std::string(d->canonical);
  static const char* const others[] = {
      // layouts
      "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "_mkldnn",
      // qschemes
      "per_tensor_affine", "per_channel_affine", "per_tensor_symmetric", "per_channel_symmetric",
      "per_channel_affine_float_qparams"};
  for (const char* o : others)
    if (name == o) return name;
  return std::nullopt;
}

bool is_layout_name(const std::string& n) {
  return n == "strided" || n == "sparse_coo" || n == "sparse_csr" || n == "sparse_csc" ||
         n == "sparse_bsr" || n == "sparse_bsc" || n == "_mkldnn";
}

const DtypeName* storage_class_dtype(const std::string& name) {
  for (const auto& [storage, dtype] : kStorageTypes)
    if (name == storage) return find_dtype(dtype);
  return nullptr;
}

}  // namespace pyrepr::detail
