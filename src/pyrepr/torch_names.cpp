#include "pyrepr/torch_names.hpp"

#include <c10/core/ScalarType.h>

#include <cctype>
#include <utility>

#include "pyrepr/load_diagnostics.hpp"

#ifndef PYREPR_TORCH_VERSION
#error "PYREPR_TORCH_VERSION (the LibTorch version, e.g. \"1.13.1\") is set by src/CMakeLists.txt"
#endif

namespace pyrepr::detail {
namespace {

constexpr DtypeName kDtypes[] = {
    {"float32", "float32", "Float"},
    {"float", "float32", "Float"},
    {"float64", "float64", "Double"},
    {"double", "float64", "Double"},
    {"float16", "float16", "Half"},
    {"half", "float16", "Half"},
    {"bfloat16", "bfloat16", "BFloat16"},
    {"uint8", "uint8", "Byte"},
    {"int8", "int8", "Char"},
    {"int16", "int16", "Short"},
    {"short", "int16", "Short"},
    {"int32", "int32", "Int"},
    {"int", "int32", "Int"},
    {"int64", "int64", "Long"},
    {"long", "int64", "Long"},
    {"bool", "bool", "Bool"},
    {"complex32", "complex32", "ComplexHalf"},
    {"chalf", "complex32", "ComplexHalf"},
    {"complex64", "complex64", "ComplexFloat"},
    {"cfloat", "complex64", "ComplexFloat"},
    {"complex128", "complex128", "ComplexDouble"},
    {"cdouble", "complex128", "ComplexDouble"},
    {"quint8", "quint8", "QUInt8"},
    {"qint8", "qint8", "QInt8"},
    {"qint32", "qint32", "QInt32"},
    {"quint4x2", "quint4x2", "QUInt4x2"},
    {"quint2x4", "quint2x4", "QUInt2x4"},
    // PyTorch 2.x: saved as an UntypedStorage and _rebuild_tensor_v3
    {"float8_e5m2", "float8_e5m2", "Float8_e5m2"},
    {"float8_e4m3fn", "float8_e4m3fn", "Float8_e4m3fn"},
    {"float8_e5m2fnuz", "float8_e5m2fnuz", "Float8_e5m2fnuz"},
    {"float8_e4m3fnuz", "float8_e4m3fnuz", "Float8_e4m3fnuz"},
    {"float8_e8m0fnu", "float8_e8m0fnu", "Float8_e8m0fnu"},
    {"float4_e2m1fn_x2", "float4_e2m1fn_x2", "Float4_e2m1fn_x2"},
    {"uint16", "uint16", "UInt16"},
    {"uint32", "uint32", "UInt32"},
    {"uint64", "uint64", "UInt64"},
    {"bits1x8", "bits1x8", "Bits1x8"},
    {"bits2x4", "bits2x4", "Bits2x4"},
    {"bits4x2", "bits4x2", "Bits4x2"},
    {"bits8", "bits8", "Bits8"},
    {"bits16", "bits16", "Bits16"},
    {"bcomplex32", "bcomplex32", "BComplex32"},
    // PyTorch 2.x: dtypes without storage (torch.save refuses their tensors)
    {"uint1", "uint1", "UInt1", false},
    {"uint2", "uint2", "UInt2", false},
    {"uint3", "uint3", "UInt3", false},
    {"uint4", "uint4", "UInt4", false},
    {"uint5", "uint5", "UInt5", false},
    {"uint6", "uint6", "UInt6", false},
    {"uint7", "uint7", "UInt7", false},
    {"int1", "int1", "Int1", false},
    {"int2", "int2", "Int2", false},
    {"int3", "int3", "Int3", false},
    {"int4", "int4", "Int4", false},
    {"int5", "int5", "Int5", false},
    {"int6", "int6", "Int6", false},
    {"int7", "int7", "Int7", false},
};

// The storage classes torch.save names in persistent ids (before PyTorch 2.x
// introduced UntypedStorage for the new dtypes, one class per dtype).
constexpr std::pair<const char*, at::ScalarType> kStorageTypes[] = {
    {"DoubleStorage", at::kDouble},
    {"FloatStorage", at::kFloat},
    {"HalfStorage", at::kHalf},
    {"LongStorage", at::kLong},
    {"IntStorage", at::kInt},
    {"ShortStorage", at::kShort},
    {"CharStorage", at::kChar},
    {"ByteStorage", at::kByte},
    {"BoolStorage", at::kBool},
    {"BFloat16Storage", at::kBFloat16},
    {"ComplexDoubleStorage", at::kComplexDouble},
    {"ComplexFloatStorage", at::kComplexFloat},
    {"QInt8Storage", at::kQInt8},
    {"QInt32Storage", at::kQInt32},
    {"QUInt8Storage", at::kQUInt8},
    {"QUInt4x2Storage", at::kQUInt4x2},
    {"QUInt2x4Storage", at::kQUInt2x4},
};

}  // namespace

const DtypeName* find_dtype(const std::string& python_name) {
  for (const auto& d : kDtypes)
    if (python_name == d.python) return &d;
  return nullptr;
}

// The table comes from LibTorch's own list of its enumerators, so no
// enumerator is named here and this compiles against 1.13, 2.6 and 2.14.
std::optional<at::ScalarType> built_scalar_type(const std::string& c10_name) {
#define PYREPR_SCALAR_TYPE_ENTRY(ctype, name) {#name, at::ScalarType::name},
  static const std::pair<const char*, at::ScalarType> built[] = {
      AT_FORALL_SCALAR_TYPES_WITH_COMPLEX_AND_QINTS(PYREPR_SCALAR_TYPE_ENTRY)};
#undef PYREPR_SCALAR_TYPE_ENTRY
  for (const auto& [name, type] : built)
    if (c10_name == name) return type;
  return std::nullopt;
}

at::ScalarType scalar_type_of(const std::string& canonical, const char* fn) {
  const DtypeName* d = find_dtype(canonical);
  if (!d) fail(std::string(fn) + ": torch." + printable(canonical) + " is not a dtype");
  if (!d->has_storage)
    fail(std::string(fn) + ": torch." + canonical +
         " tensors have no storage (torch.save cannot write them)");
  if (auto st = built_scalar_type(d->c10)) return *st;
  fail("dtype torch." + canonical + " is not supported by this build: its LibTorch (" +
       PYREPR_TORCH_VERSION + ") has no " + d->c10 + " tensors");
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

std::optional<at::ScalarType> storage_class_dtype(const std::string& name) {
  for (const auto& [storage, dtype] : kStorageTypes)
    if (name == storage) return dtype;
  return std::nullopt;
}

std::string dtype_name(at::ScalarType st) {
  const std::string c10 = c10::toString(st);
  for (const auto& d : kDtypes)
    if (c10 == d.c10) return d.canonical;
  // (not reached while the table names every ScalarType: Python's name is
  // LibTorch's in lower case)
  std::string name = c10;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace pyrepr::detail
