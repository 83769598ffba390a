// The core's reading of elements (strided_view.hpp) against LibTorch's: every
// bit pattern of every 8- and 16-bit floating type this LibTorch has converts
// to the double LibTorch's .to(kDouble) gives, and get_summarized_data keeps
// the elements Python's keeps.
#include <ATen/ATen.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "catch.hpp"
#include "pyrepr/core/summarized_data.hpp"
#include "pyrepr/strided_view.hpp"
#include "pyrepr/torch/scalar_types.hpp"

namespace {

using pyrepr::ElementType;
using pyrepr::StridedView;

bool same_double(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  uint64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;  // -0.0 and 0.0 differ
}

}  // namespace

TEST_CASE("strided view: every 8- and 16-bit float converts as LibTorch converts it", "[strided]") {
  const char* names[] = {"Half",          "BFloat16",        "Float8_e5m2",
                         "Float8_e4m3fn", "Float8_e5m2fnuz", "Float8_e4m3fnuz",
                         "Float8_e8m0fnu"};
  int checked_types = 0;
  for (const char* name : names) {
    const auto built = pyrepr::detail::built_scalar_type(name);
    if (!built) continue;  // 1.13 has no float8
    const at::ScalarType st = *built;
    ElementType type{};
    REQUIRE(pyrepr::element_type_of(name, type));
    const size_t width = pyrepr::element_size(type);
    REQUIRE(width == c10::elementSize(st));
    const int64_t patterns = int64_t{1} << (8 * width);
    // every bit pattern, as a tensor of this dtype, converted by LibTorch
    at::Tensor bits = at::arange(patterns, at::kLong);
    at::Tensor raw = width == 1 ? bits.to(at::kByte) : bits.to(at::kInt).to(at::kShort);
    at::Tensor theirs = raw.view(st).to(at::kDouble).contiguous();
    const auto* ours_bytes = static_cast<const unsigned char*>(raw.contiguous().data_ptr());
    const double* expected = theirs.data_ptr<double>();
    int64_t mismatches = 0;
    for (int64_t k = 0; k < patterns; ++k) {
      const double v =
          pyrepr::detail::float_value(type, ours_bytes + k * static_cast<int64_t>(width));
      if (!same_double(v, expected[k]) && mismatches++ < 5) {
        INFO(name << " pattern " << k << ": ours " << v << ", LibTorch " << expected[k]);
        CHECK(false);
      }
    }
    CHECK(mismatches == 0);
    ++checked_types;
  }
  CHECK(checked_types >= 2);  // Half and BFloat16 in every release
}

TEST_CASE("strided view: get_summarized_data keeps the edge items, in order", "[strided]") {
  // a 5x6 int64 view with the columns reversed through its strides: x[:, ::-1]
  // is not possible in PyTorch, so a transposed view instead
  std::vector<int64_t> data(30);
  for (int64_t k = 0; k < 30; ++k) data[static_cast<size_t>(k)] = k;
  StridedView t{ElementType::Int64, data.data(), {6, 5}, {1, 6}};  // the transpose of 5x6
  auto el = pyrepr::detail::get_summarized_data(t, /*summarize=*/true, /*edgeitems=*/2);
  CHECK(el.sizes == std::vector<int64_t>{4, 4});
  CHECK(el.elided == std::vector<bool>{true, true});
  CHECK(el.first_count == std::vector<int64_t>{2, 2});
  // rows 0, 1, 4, 5 of the transpose; columns 0, 1, 3, 4
  CHECK(std::vector<int64_t>(el.ints.begin(), el.ints.end()) ==
        std::vector<int64_t>{0, 6, 18, 24, 1, 7, 19, 25, 4, 10, 22, 28, 5, 11, 23, 29});

  auto all = pyrepr::detail::get_summarized_data(t, /*summarize=*/false, 2);
  CHECK(all.count() == 30);
  CHECK(all.elided == std::vector<bool>{false, false});

  // edgeitems 0: a 1-D view keeps its whole row; more dims fail as Python does
  StridedView row{ElementType::Int64, data.data(), {30}, {1}};
  auto whole = pyrepr::detail::get_summarized_data(row, true, 0);
  CHECK(whole.count() == 30);
  CHECK(whole.elided == std::vector<bool>{true});
  CHECK_THROWS_WITH(pyrepr::detail::get_summarized_data(t, true, 0),
                    "stack expects a non-empty TensorList");
}

TEST_CASE("strided view: element types by LibTorch's names", "[strided]") {
  ElementType type{};
  CHECK(pyrepr::element_type_of("ComplexHalf", type));
  CHECK(type == ElementType::Complex32);
  CHECK(pyrepr::element_size(type) == 4);
  CHECK_FALSE(pyrepr::element_type_of("Bits8", type));
  CHECK_FALSE(pyrepr::element_type_of("QInt8", type));
}

TEST_CASE("strided view: complex elements are LibTorch's (re, im) pairs", "[strided]") {
  for (const char* name : {"ComplexHalf", "BComplex32", "ComplexFloat", "ComplexDouble"}) {
    const auto built = pyrepr::detail::built_scalar_type(name);
    if (!built) continue;  // bcomplex32: PyTorch 2.x
    const at::ScalarType st = *built;
    ElementType type{};
    REQUIRE(pyrepr::element_type_of(name, type));
    // bit patterns of finite values: random float32 pairs rounded to the type
    at::Tensor raw = at::randn({2, 5}, at::kComplexFloat);
    at::Tensor t, expected;
    try {
      t = raw.to(st);
      expected = t.to(at::kComplexDouble).contiguous();
    } catch (const c10::Error&) {
      continue;  // this LibTorch cannot convert it: the differential tests check its printing
    }
    const at::Tensor view_of = t.t();  // a non-contiguous view
    StridedView v{type, view_of.data_ptr(), view_of.sizes().vec(), view_of.strides().vec()};
    const auto el = pyrepr::detail::get_summarized_data(v, false, 3);
    const at::Tensor want = expected.t().contiguous();
    const auto* pairs = reinterpret_cast<const double*>(want.data_ptr());
    REQUIRE(el.floats.size() == 20);
    for (size_t k = 0; k < 20; ++k) {
      INFO(name << " value " << k);
      CHECK(same_double(el.floats[k], pairs[k]));
    }
  }
}

TEST_CASE("large buffers: blocks of 2 MiB or more are mapped whole, aligned to 2 MiB",
          "[strided]") {
  using pyrepr::detail::LargeVector;
  using pyrepr::detail::TextBuffer;
  // below and above the threshold, and a vector grown through it
  for (const size_t n : {size_t{1000}, size_t{262144}, size_t{1000000}}) {
    LargeVector<double> v(n);
    for (size_t k = 0; k < n; ++k) v[k] = static_cast<double>(k);
    CHECK(v[n - 1] == static_cast<double>(n - 1));
    const auto address = reinterpret_cast<uintptr_t>(v.data());
    CHECK(address % alignof(double) == 0);
    if (pyrepr::detail::large_blocks_mapped() && n * sizeof(double) >= (size_t{2} << 20)) {
      CHECK(address % (size_t{2} << 20) == 0);
    }
  }
  LargeVector<int64_t> grown;
  for (int64_t k = 0; k < 600000; ++k) grown.push_back(k);  // reallocates across 2 MiB
  CHECK(grown[599999] == 599999);
  TextBuffer text;
  const std::string_view piece = "tensor([";
  for (int k = 0; k < 400000; ++k) text.append(piece.data(), piece.data() + piece.size());
  CHECK(text.size() == 3200000);
  CHECK(std::string_view(text.data() + 3199992, 8) == piece);
}
