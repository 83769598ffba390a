// repr() of tensors built by hand as TensorData (no LibTorch): the bytes of
// their elements, the view onto them (sizes, strides, offset) and what the
// suffixes print. Each case is named as in make_expected.py, which holds the
// Python that makes the same tensor; expected/tensor_data-<torch>.txt holds
// what each of PyTorch 1.13, 2.6 and 2.14 printed for it, and each case is
// checked under each release's rules.
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>
#include "catch.hpp"

#include "pyrepr/dtype.hpp"
#include "pyrepr/options.hpp"
#include "pyrepr/tensor_data.hpp"
#include "pyrepr/tensor_repr.hpp"
#include "pyrepr/versions.hpp"

namespace {

using pyrepr::TensorData;
namespace dtypes = pyrepr::dtypes;

// A contiguous tensor of `dtype` holding `values` (of the element's C++ type).
template <class T>
TensorData contiguous(const pyrepr::DType& dtype, std::vector<int64_t> sizes,
                      const std::vector<T>& values) {
  std::vector<unsigned char> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  TensorData t;
  t.dtype = &dtype;
  t.strides.assign(sizes.size(), 1);
  for (size_t d = sizes.size(); d-- > 1;) t.strides[d - 1] = t.strides[d] * sizes[d];
  t.sizes = std::move(sizes);
  t.storage = pyrepr::owned_storage(std::move(bytes));
  return t;
}

std::vector<float> arange_f(int n, float divisor = 1) {
  std::vector<float> v;
  for (int k = 0; k < n; ++k) v.push_back(static_cast<float>(k) / divisor);
  return v;
}

struct Case {
  TensorData tensor;
  pyrepr::PrintArgs args;
};

std::map<std::string, Case> cases() {
  std::map<std::string, Case> c;
  c["float_matrix"] = {contiguous(dtypes::float32, {2, 3}, arange_f(6, 3)), {}};
  c["float_matrix_precision_2"] = {c["float_matrix"].tensor, pyrepr::PrintArgs().precision(2)};
  c["int64_vector"] = {contiguous<int64_t>(dtypes::int64, {4}, {1, -20, 300, 4000}), {}};
  c["bool_matrix"] = {contiguous<uint8_t>(dtypes::bool_, {2, 2}, {1, 0, 0, 1}), {}};
  c["float64_sci"] = {contiguous<double>(dtypes::float64, {3}, {1e-8, 1.0, 12345.678}), {}};

  // A view: the transpose of a 2x3 matrix, and four elements from the fourth on.
  TensorData transposed = contiguous(dtypes::float32, {2, 3}, arange_f(6));
  transposed.sizes = {3, 2};
  transposed.strides = {1, 3};
  c["transposed"] = {transposed, {}};
  TensorData offset = contiguous(dtypes::float32, {10}, arange_f(10));
  offset.sizes = {4};
  offset.storage_offset = 3;
  c["offset_view"] = {offset, {}};

  c["summarized"] = {contiguous(dtypes::float32, {2000}, arange_f(2000)), {}};
  c["edgeitems_zero"] = {contiguous(dtypes::float32, {20}, arange_f(20)),
                         pyrepr::PrintArgs().threshold(10).edgeitems(0)};

  TensorData rg = contiguous<float>(dtypes::float32, {2}, {0.5F, -1.25F});
  rg.requires_grad = true;
  c["requires_grad"] = {rg, {}};
  TensorData fn = contiguous<float>(dtypes::float32, {2}, {1.0F, -2.5F});
  fn.grad_fn = "MulBackward0";
  fn.requires_grad = true;
  c["grad_fn"] = {fn, {}};

  // quantize_per_tensor([-1, 0, 0.5, 2], scale 0.5, zero point 2): q = x / 0.5 + 2
  TensorData q = contiguous<uint8_t>(dtypes::quint8, {4}, {0, 2, 3, 6});
  q.qscheme = pyrepr::QScheme::PerTensorAffine;
  q.q_scale = 0.5;
  q.q_zero_point = 2;
  c["quint8"] = {q, {}};

  // (1+2j, -0.5-1j) with the conjugate bit set: printed conjugated.
  TensorData conj = contiguous<float>(dtypes::complex64, {2}, {1.0F, 2.0F, -0.5F, -1.0F});
  conj.conj = true;
  c["complex_conj"] = {conj, {}};

  c["empty"] = {contiguous<float>(dtypes::float32, {0, 3}, {}), {}};
  // float16 bit patterns: 0x2e66 is 0.1 rounded to half (0.0999755859375), 0x7bff is 65504.
  c["float16"] = {contiguous<uint16_t>(dtypes::float16, {2}, {0x2e66, 0x7bff}), {}};

  TensorData f32 = contiguous<float>(dtypes::float32, {2}, {1.5F, -2.0F});
  f32.default_dtype = &dtypes::float64;  // torch.set_default_dtype(torch.float64)
  c["float32_under_float64_default"] = {f32, {}};

  // sparse_coo_tensor([[0, 1], [1, 0]], [3., 4.], (2, 2)): a layout and two parts.
  TensorData coo;
  coo.dtype = &dtypes::float32;
  coo.layout = pyrepr::Layout::SparseCoo;
  coo.sizes = {2, 2};
  coo.nnz = 2;
  coo.sparse_parts = {
      std::make_shared<const TensorData>(contiguous<int64_t>(dtypes::int64, {2, 2}, {0, 1, 1, 0})),
      std::make_shared<const TensorData>(contiguous<float>(dtypes::float32, {2}, {3.0F, 4.0F}))};
  c["sparse_coo"] = {coo, {}};
  return c;
}

// name -> text of one expected/tensor_data-<torch>.txt ("== name" then the text).
std::map<std::string, std::string> expected(const std::string& torch) {
  const std::string path = std::string(CORE_TESTS_DIR) + "/expected/tensor_data-" + torch + ".txt";
  std::ifstream in(path);
  REQUIRE(in);
  std::map<std::string, std::string> out;
  std::string line, name;
  while (std::getline(in, line)) {
    if (line.rfind("== ", 0) == 0) {
      name = line.substr(3);
      out[name];
    } else {
      REQUIRE(!name.empty());
      out[name] += (out[name].empty() ? "" : "\n") + line;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("core: repr(TensorData) of tensors built by hand is what Python printed",
          "[core][tensor_data]") {
  const std::map<std::string, Case> all = cases();
  for (const pyrepr::Version torch : pyrepr::kTorchVersions) {
    const std::map<std::string, std::string> want = expected(torch.str());
    CHECK(want.size() == all.size());
    for (const auto& [name, text] : want) {
      INFO("torch " << torch.str() << ", case " << name);
      auto it = all.find(name);
      REQUIRE(it != all.end());
      pyrepr::PrintOptions options = it->second.args.apply_to(pyrepr::PrintOptions{});
      options.rules.torch = torch;
      CHECK(pyrepr::repr(it->second.tensor, options) == text);
    }
  }
}
