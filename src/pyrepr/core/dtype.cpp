#include "pyrepr/dtype.hpp"

#include <iterator>
#include <string_view>
#include <utility>

#include "pyrepr/core/summarized_data.hpp"

namespace pyrepr {

namespace dtypes {
namespace {
using E = ElementType;
using V = DTypeValues;
}  // namespace

const DType float32{"float32", "Float", 4, E::Float32};
const DType float64{"float64", "Double", 8, E::Float64};
const DType float16{"float16", "Half", 2, E::Float16};
const DType bfloat16{"bfloat16", "BFloat16", 2, E::BFloat16};
const DType uint8{"uint8", "Byte", 1, E::UInt8};
const DType int8{"int8", "Char", 1, E::Int8};
const DType int16{"int16", "Short", 2, E::Int16};
const DType int32{"int32", "Int", 4, E::Int32};
const DType int64{"int64", "Long", 8, E::Int64};
const DType bool_{"bool", "Bool", 1, E::Bool};
const DType complex32{"complex32", "ComplexHalf", 4, E::Complex32};
const DType complex64{"complex64", "ComplexFloat", 8, E::Complex64};
const DType complex128{"complex128", "ComplexDouble", 16, E::Complex128};
const DType quint8{"quint8", "QUInt8", 1, E::UInt8, V::Quantized};
const DType qint8{"qint8", "QInt8", 1, E::Int8, V::Quantized};
const DType qint32{"qint32", "QInt32", 4, E::Int32, V::Quantized};
const DType quint4x2{"quint4x2", "QUInt4x2", 1, E::UInt4x2, V::Quantized};
const DType quint2x4{"quint2x4", "QUInt2x4", 1, E::UInt2x4, V::Quantized};
// PyTorch 2.x: saved as an UntypedStorage and _rebuild_tensor_v3
const DType float8_e5m2{"float8_e5m2", "Float8_e5m2", 1, E::Float8_e5m2};
const DType float8_e4m3fn{"float8_e4m3fn", "Float8_e4m3fn", 1, E::Float8_e4m3fn};
const DType float8_e5m2fnuz{"float8_e5m2fnuz", "Float8_e5m2fnuz", 1, E::Float8_e5m2fnuz};
const DType float8_e4m3fnuz{"float8_e4m3fnuz", "Float8_e4m3fnuz", 1, E::Float8_e4m3fnuz};
const DType float8_e8m0fnu{"float8_e8m0fnu", "Float8_e8m0fnu", 1, E::Float8_e8m0fnu};
const DType float4_e2m1fn_x2{"float4_e2m1fn_x2", "Float4_e2m1fn_x2", 1, E::UInt8, V::ByteFloat};
const DType uint16{"uint16", "UInt16", 2, E::UInt16};
const DType uint32{"uint32", "UInt32", 4, E::UInt32};
const DType uint64{"uint64", "UInt64", 8, E::UInt64};
const DType bits1x8{"bits1x8", "Bits1x8", 1, E::UInt8, V::None};
const DType bits2x4{"bits2x4", "Bits2x4", 1, E::UInt8, V::None};
const DType bits4x2{"bits4x2", "Bits4x2", 1, E::UInt8, V::None};
const DType bits8{"bits8", "Bits8", 1, E::UInt8, V::None};
const DType bits16{"bits16", "Bits16", 2, E::UInt16, V::None};
const DType bcomplex32{"bcomplex32", "BComplex32", 4, E::BComplex32};
// PyTorch 2.x: dtypes without storage (torch.save refuses their tensors)
const DType uint1{"uint1", "UInt1"};
const DType uint2{"uint2", "UInt2"};
const DType uint3{"uint3", "UInt3"};
const DType uint4{"uint4", "UInt4"};
const DType uint5{"uint5", "UInt5"};
const DType uint6{"uint6", "UInt6"};
const DType uint7{"uint7", "UInt7"};
const DType int1{"int1", "Int1"};
const DType int2{"int2", "Int2"};
const DType int3{"int3", "Int3"};
const DType int4{"int4", "Int4"};
const DType int5{"int5", "Int5"};
const DType int6{"int6", "Int6"};
const DType int7{"int7", "Int7"};

}  // namespace dtypes

namespace {

using namespace dtypes;  // NOLINT(google-build-using-namespace): the table below

// Every name torch.<name> can be, Python's aliases included.
const std::pair<std::string_view, const DType*> kNames[] = {
    {"float32", &float32},
    {"float", &float32},
    {"float64", &float64},
    {"double", &float64},
    {"float16", &float16},
    {"half", &float16},
    {"bfloat16", &bfloat16},
    {"uint8", &uint8},
    {"int8", &int8},
    {"int16", &int16},
    {"short", &int16},
    {"int32", &int32},
    {"int", &int32},
    {"int64", &int64},
    {"long", &int64},
    {"bool", &bool_},
    {"complex32", &complex32},
    {"chalf", &complex32},
    {"complex64", &complex64},
    {"cfloat", &complex64},
    {"complex128", &complex128},
    {"cdouble", &complex128},
    {"quint8", &quint8},
    {"qint8", &qint8},
    {"qint32", &qint32},
    {"quint4x2", &quint4x2},
    {"quint2x4", &quint2x4},
    {"float8_e5m2", &float8_e5m2},
    {"float8_e4m3fn", &float8_e4m3fn},
    {"float8_e5m2fnuz", &float8_e5m2fnuz},
    {"float8_e4m3fnuz", &float8_e4m3fnuz},
    {"float8_e8m0fnu", &float8_e8m0fnu},
    {"float4_e2m1fn_x2", &float4_e2m1fn_x2},
    {"uint16", &uint16},
    {"uint32", &uint32},
    {"uint64", &uint64},
    {"bits1x8", &bits1x8},
    {"bits2x4", &bits2x4},
    {"bits4x2", &bits4x2},
    {"bits8", &bits8},
    {"bits16", &bits16},
    {"bcomplex32", &bcomplex32},
    {"uint1", &uint1},
    {"uint2", &uint2},
    {"uint3", &uint3},
    {"uint4", &uint4},
    {"uint5", &uint5},
    {"uint6", &uint6},
    {"uint7", &uint7},
    {"int1", &int1},
    {"int2", &int2},
    {"int3", &int3},
    {"int4", &int4},
    {"int5", &int5},
    {"int6", &int6},
    {"int7", &int7},
};

constexpr std::pair<Layout, const char*> kLayouts[] = {
    {Layout::Strided, "strided"},      {Layout::SparseCoo, "sparse_coo"},
    {Layout::SparseCsr, "sparse_csr"}, {Layout::SparseCsc, "sparse_csc"},
    {Layout::SparseBsr, "sparse_bsr"}, {Layout::SparseBsc, "sparse_bsc"},
    {Layout::Mkldnn, "_mkldnn"},
};

constexpr std::pair<QScheme, const char*> kQSchemes[] = {
    {QScheme::PerTensorAffine, "per_tensor_affine"},
    {QScheme::PerChannelAffine, "per_channel_affine"},
    {QScheme::PerTensorSymmetric, "per_tensor_symmetric"},
    {QScheme::PerChannelSymmetric, "per_channel_symmetric"},
    {QScheme::PerChannelAffineFloatQParams, "per_channel_affine_float_qparams"},
};

}  // namespace

const DType* find_dtype(std::string_view name) {
  for (const auto& [n, d] : kNames)
    if (name == n) return d;
  return nullptr;
}

const DType* find_dtype_c10(std::string_view c10_name) {
  for (const auto& [n, d] : kNames)
    if (c10_name == d->c10) return d;
  return nullptr;
}

bool is_floating_point(const DType& d) {
  if (d.values == DTypeValues::ByteFloat) return true;  // float4_e2m1fn_x2 is a floating type
  return d.values == DTypeValues::Plain &&
         detail::value_kind(d.element) == detail::ValueKind::Floating;
}

bool is_complex(const DType& d) {
  return d.values == DTypeValues::Plain &&
         detail::value_kind(d.element) == detail::ValueKind::Complex;
}

size_t element_size(const DType& d) { return d.itemsize; }

const char* layout_name(Layout layout) {
  for (const auto& [l, name] : kLayouts)
    if (l == layout) return name;
  return "";
}

std::optional<Layout> find_layout(std::string_view name) {
  for (const auto& [l, n] : kLayouts)
    if (name == n) return l;
  return std::nullopt;
}

const char* qscheme_name(QScheme qscheme) {
  for (const auto& [q, name] : kQSchemes)
    if (q == qscheme) return name;
  return "";
}

std::optional<QScheme> find_qscheme(std::string_view name) {
  for (const auto& [q, n] : kQSchemes)
    if (name == n) return q;
  return std::nullopt;
}

}  // namespace pyrepr
