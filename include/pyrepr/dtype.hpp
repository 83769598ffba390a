// Core (no LibTorch): the torch dtypes, layouts and qschemes of PyTorch 1.13,
// 2.6 and 2.14, as typed values. A dtype is a reference into the one table of
// dtypes (pyrepr::dtypes::float32, ...), so `t.dtype == &dtypes::quint8`
// compares rows and a misspelt name does not compile; a name from a file or a
// user is looked up once (find_dtype).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "pyrepr/strided_view.hpp"

namespace pyrepr {

// What a dtype's elements print as.
enum class DTypeValues : uint8_t {
  Plain,      // their own values (ElementType `element`)
  Quantized,  // dequantized; `element` is the integer representation
  ByteFloat,  // float4_e2m1fn_x2 (2.14): its bytes, printed as floats ("1.")
  None,       // bits*: no values (printing fails, as in Python)
};

// One row of the dtype table: torch.<name>.
struct DType {
  const char* name;     // what repr(dtype) prints after "torch."
  const char* c10;      // LibTorch's at::ScalarType::<c10> (its messages name it)
  size_t itemsize = 0;  // bytes per element; 0: no storage (torch.save refuses them)
  ElementType element = ElementType::UInt8;
  DTypeValues values = DTypeValues::Plain;
};

// The rows, by the name repr() prints (bool_ for torch.bool).
namespace dtypes {
extern const DType float32, float64, float16, bfloat16, uint8, int8, int16, int32, int64, bool_,
    complex32, complex64, complex128, quint8, qint8, qint32, quint4x2, quint2x4, float8_e5m2,
    float8_e4m3fn, float8_e5m2fnuz, float8_e4m3fnuz, float8_e8m0fnu, float4_e2m1fn_x2, uint16,
    uint32, uint64, bits1x8, bits2x4, bits4x2, bits8, bits16, bcomplex32, uint1, uint2, uint3,
    uint4, uint5, uint6, uint7, int1, int2, int3, int4, int5, int6, int7;
}  // namespace dtypes

// torch.<name>, Python's aliases included ("float", "long", "cfloat", ...);
// nullptr for any other name.
const DType* find_dtype(std::string_view name);
// The dtype LibTorch calls at::ScalarType::<c10_name>, or nullptr.
const DType* find_dtype_c10(std::string_view c10_name);

// As torch.dtype's is_floating_point, is_complex and itemsize.
bool is_floating_point(const DType& d);
bool is_complex(const DType& d);
size_t element_size(const DType& d);

enum class Layout : uint8_t {
  Strided,
  SparseCoo,
  SparseCsr,
  SparseCsc,
  SparseBsr,
  SparseBsc,
  Mkldnn
};
// What repr(layout) prints after "torch." ("strided", "sparse_coo", "_mkldnn").
const char* layout_name(Layout layout);
std::optional<Layout> find_layout(std::string_view name);

enum class QScheme : uint8_t {
  None,  // not quantized
  PerTensorAffine,
  PerChannelAffine,
  PerTensorSymmetric,
  PerChannelSymmetric,
  PerChannelAffineFloatQParams,
};
// What repr(qscheme) prints after "torch." ("per_tensor_affine", ...); "" for None.
const char* qscheme_name(QScheme qscheme);
// A quantization scheme's name; nullopt for any other name (and for "").
std::optional<QScheme> find_qscheme(std::string_view name);

}  // namespace pyrepr
