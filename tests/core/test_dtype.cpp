// The dtype table and the layout and qscheme names (no LibTorch).
#include <string>
#include "catch.hpp"

#include "pyrepr/dtype.hpp"

TEST_CASE("core: find_dtype gives one row per dtype, Python's aliases included", "[core][dtype]") {
  namespace dtypes = pyrepr::dtypes;
  CHECK(pyrepr::find_dtype("float32") == &dtypes::float32);
  CHECK(pyrepr::find_dtype("float") == &dtypes::float32);
  CHECK(pyrepr::find_dtype("long") == &dtypes::int64);
  CHECK(pyrepr::find_dtype("cdouble") == &dtypes::complex128);
  CHECK(pyrepr::find_dtype("bool") == &dtypes::bool_);
  CHECK(pyrepr::find_dtype("float33") == nullptr);
  CHECK(pyrepr::find_dtype_c10("QUInt8") == &dtypes::quint8);
  CHECK(std::string(dtypes::float8_e4m3fn.name) == "float8_e4m3fn");
}

TEST_CASE("core: dtype queries answer as torch.dtype does", "[core][dtype]") {
  namespace dtypes = pyrepr::dtypes;
  // torch.<d>.is_floating_point, .is_complex, .itemsize
  CHECK(pyrepr::is_floating_point(dtypes::bfloat16));
  CHECK(pyrepr::is_floating_point(dtypes::float8_e5m2));
  CHECK(!pyrepr::is_floating_point(dtypes::int32));
  CHECK(!pyrepr::is_floating_point(dtypes::quint8));
  CHECK(!pyrepr::is_floating_point(dtypes::complex64));
  CHECK(pyrepr::is_complex(dtypes::complex32));
  CHECK(!pyrepr::is_complex(dtypes::float64));
  CHECK(pyrepr::element_size(dtypes::complex128) == 16);
  CHECK(pyrepr::element_size(dtypes::quint4x2) == 1);
}

TEST_CASE("core: layouts and qschemes by name, both ways", "[core][dtype]") {
  CHECK(std::string(pyrepr::layout_name(pyrepr::Layout::Mkldnn)) == "_mkldnn");
  CHECK(pyrepr::find_layout("sparse_bsc") == pyrepr::Layout::SparseBsc);
  CHECK(!pyrepr::find_layout("dense"));
  CHECK(std::string(pyrepr::qscheme_name(pyrepr::QScheme::PerChannelAffineFloatQParams)) ==
        "per_channel_affine_float_qparams");
  CHECK(pyrepr::find_qscheme("per_tensor_symmetric") == pyrepr::QScheme::PerTensorSymmetric);
  CHECK(!pyrepr::find_qscheme(""));
}
