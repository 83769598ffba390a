// Unit tests for tensor repr: one case per quirk of the spec
// (../shared/docs/python-repr-spec.md). Every expected string was printed by
// PyTorch 1.13.1's Python (the differential tests keep checking that live).
#include <ATen/ATen.h>
#include <torch/nn/modules/rnn.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>
#include "catch.hpp"

#include "pyrepr/fmt.hpp"
#include "pyrepr/options.hpp"
#include "pyrepr/torch/features.hpp"
#include "pyrepr/torch_adapter.hpp"
#include "pyrepr/versions.hpp"

using pyrepr::PrintArgs;
using pyrepr::PrintOptions;
using pyrepr::PrintOptionsGuard;
using pyrepr::repr;

namespace {
const double kNan = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
at::Tensor f32(std::vector<double> v) { return at::tensor(v, at::kDouble).to(at::kFloat); }
at::Tensor f64(std::vector<double> v) { return at::tensor(v, at::kDouble); }
}  // namespace

TEST_CASE("2-D float32 of ones", "[tensor_str]") {
  CHECK(repr(at::ones({2, 2})) == "tensor([[1., 1.],\n        [1., 1.]])");
}

TEST_CASE("zeros, nan and inf do not count for widths", "[tensor_str][quirk]") {
  CHECK(repr(f32({1., kNan})) == "tensor([1., nan])");
  CHECK(repr(f32({kNan, 1., 100.})) == "tensor([ nan,   1., 100.])");
  CHECK(repr(f32({0., kNan})) == "tensor([0., nan])");
  CHECK(repr(f32({kInf, -kInf, 1.})) == "tensor([inf, -inf, 1.])");
}

TEST_CASE("negative zero is wider than the computed width", "[tensor_str][quirk]") {
  CHECK(repr(f32({-0., 1.})) == "tensor([-0., 1.])");
  CHECK(repr(f32({-0., 0.5})) == "tensor([-0.0000, 0.5000])");
  CHECK(repr(f32({-0., 1e-5})) == "tensor([-0.0000e+00, 1.0000e-05])");
}

TEST_CASE("negative NaN prints as nan, never -nan", "[tensor_str][quirk]") {
  CHECK(repr(-f32({kNan, 1.5})) == "tensor([    nan, -1.5000])");
}

// The global options with the rules of another torch release (until the
// guard goes out of scope).
PrintOptions with_torch_rules(pyrepr::Version torch) {
  PrintOptions o = pyrepr::get_printoptions();
  o.rules.torch = torch;
  return o;
}

TEST_CASE("forced sci_mode keeps the automatic width", "[tensor_str][quirk][options]") {
  PrintOptionsGuard rules(with_torch_rules({1, 13}));  // and 2.6; 2.14: "torch version rules"
  {
    PrintOptionsGuard g(PrintArgs().sci_mode(true));
    CHECK(repr(f32({1.5, -2.5})) == "tensor([1.5000e+00, -2.5000e+00])");
    // no valid number: the forced option is not applied at all
    CHECK(repr(f32({0., 0.})) == "tensor([0., 0.])");
  }
  {
    PrintOptionsGuard g(PrintArgs().sci_mode(false));
    CHECK(repr(f32({1e-5, 1.})) == "tensor([    0.0000,     1.0000])");
    CHECK(repr(at::scalar_tensor(1e-5, at::kFloat)) == "tensor(    0.0000)");
    CHECK(repr(f32({1., 10000.})) == "tensor([        1.,     10000.])");
    CHECK(repr(f32({1e30, 1.})) == "tensor([1000000015047466219876688855040.,         1.])");
  }
}

TEST_CASE("precision 0 and large precisions", "[tensor_str][quirk][options]") {
  {
    PrintOptionsGuard g(PrintArgs().precision(0));
    CHECK(repr(f32({1.5, 2.5})) == "tensor([2, 2])");  // round half to even, no point
  }
  {
    PrintOptionsGuard g(PrintArgs().precision(0).sci_mode(true));
    CHECK(repr(f32({1.5, 2.5})) == "tensor([2e+00, 2e+00])");
  }
  {
    PrintOptionsGuard g(PrintArgs().precision(20));
    CHECK(repr(f32({0.1, 1e-5})) ==
          "tensor([1.00000001490116119385e-01, 9.99999974737875163555e-06])");
  }
}

TEST_CASE("int mode and the strict sci thresholds", "[tensor_str][quirk]") {
  CHECK(repr(f32({1., 1000.})) == "tensor([   1., 1000.])");
  CHECK(repr(f32({1., 1001.})) == "tensor([1.0000e+00, 1.0010e+03])");
  CHECK(repr(f32({1e8})) == "tensor([100000000.])");
  // float32(1e-4) < 1e-4 in double: sci; the same values as float64 are not
  CHECK(repr(f32({1e-4, 5e-4})) == "tensor([1.0000e-04, 5.0000e-04])");
  CHECK(repr(f64({1e-4, 5e-4})) == "tensor([0.0001, 0.0005], dtype=torch.float64)");
}

TEST_CASE("integer and bool dtypes", "[tensor_str]") {
  CHECK(repr(at::tensor({1, 0}).to(at::kBool)) == "tensor([ True, False])");
  CHECK(repr(at::ones({2}, at::kBool)) == "tensor([True, True])");
  CHECK(repr(at::tensor({std::numeric_limits<int64_t>::min(), int64_t{1}})) ==
        "tensor([-9223372036854775808,                    1])");
  CHECK(repr(at::tensor({1, 200}, at::kByte)) == "tensor([  1, 200], dtype=torch.uint8)");
  CHECK(repr(at::scalar_tensor(3, at::kLong)) == "tensor(3)");
}

TEST_CASE("half and bfloat16 are printed from float32", "[tensor_str]") {
  CHECK(repr(f32({0.1, 65504}).to(at::kHalf)) ==
        "tensor([9.9976e-02, 6.5504e+04], dtype=torch.float16)");
  CHECK(repr(f32({0.1, 3.}).to(at::kBFloat16)) == "tensor([0.1001, 3.0000], dtype=torch.bfloat16)");
}

TEST_CASE("complex: two formatters, imaginary part unpadded", "[tensor_str][quirk]") {
  using C = c10::complex<double>;
  auto c64 = [](std::vector<C> v) {
    return at::tensor(c10::ArrayRef<C>(v), at::kComplexDouble).to(at::kComplexFloat);
  };
  CHECK(repr(c64({C(1, -0.0)})) == "tensor([1.-0.j])");
  CHECK(repr(c64({C(1, kNan), C(kInf, -kInf), C(kNan, kNan)})) ==
        "tensor([1.+nanj, inf-infj, nan+nanj])");
  CHECK(repr(c64({C(1e-6, 2), C(3, 4)})) == "tensor([1.0000e-06+2.j, 3.0000e+00+4.j])");
  CHECK(repr(c64({C(1, 2)}).to(at::kComplexDouble)) == "tensor([1.+2.j], dtype=torch.complex128)");
}

TEST_CASE("empty tensors: size and dtype suffixes", "[tensor_str][quirk]") {
  CHECK(repr(at::empty({0})) == "tensor([])");
  CHECK(repr(at::zeros({0, 3})) == "tensor([], size=(0, 3))");
  CHECK(repr(at::zeros({2, 0, 4})) == "tensor([], size=(2, 0, 4))");
  CHECK(repr(at::empty({0}, at::kLong)) == "tensor([], dtype=torch.int64)");
  CHECK(repr(at::zeros({0, 3}, at::kBool)) == "tensor([], size=(0, 3), dtype=torch.bool)");
  CHECK(repr(at::zeros({0}, at::kDouble)) == "tensor([], dtype=torch.float64)");
}

TEST_CASE("0-dim tensors", "[tensor_str]") {
  CHECK(repr(at::scalar_tensor(3.5, at::kFloat)) == "tensor(3.5000)");
}

TEST_CASE("summarization and the ellipsis", "[tensor_str][options]") {
  {
    PrintOptionsGuard g(PrintArgs().threshold(5));
    CHECK(repr(at::arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])");
  }
  {
    // edgeitems=0 in 1.13: x[-0:] is the whole row (2.6 on: "torch version rules")
    PrintOptionsGuard rules(with_torch_rules({1, 13}));
    PrintOptionsGuard g(PrintArgs().threshold(3).edgeitems(0));
    CHECK(repr(at::arange(12)) == "tensor([ ...,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11])");
    // ... and for dim >= 2 Python fails in torch.stack([])
    CHECK_THROWS_WITH(repr(at::zeros({4, 4})), "stack expects a non-empty TensorList");
  }
  CHECK(repr(at::arange(1600.).view({40, 40})) ==
        "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 3.7000e+01, 3.8000e+01,\n"
        "         3.9000e+01],\n"
        "        [4.0000e+01, 4.1000e+01, 4.2000e+01,  ..., 7.7000e+01, 7.8000e+01,\n"
        "         7.9000e+01],\n"
        "        [8.0000e+01, 8.1000e+01, 8.2000e+01,  ..., 1.1700e+02, 1.1800e+02,\n"
        "         1.1900e+02],\n"
        "        ...,\n"
        "        [1.4800e+03, 1.4810e+03, 1.4820e+03,  ..., 1.5170e+03, 1.5180e+03,\n"
        "         1.5190e+03],\n"
        "        [1.5200e+03, 1.5210e+03, 1.5220e+03,  ..., 1.5570e+03, 1.5580e+03,\n"
        "         1.5590e+03],\n"
        "        [1.5600e+03, 1.5610e+03, 1.5620e+03,  ..., 1.5970e+03, 1.5980e+03,\n"
        "         1.5990e+03]])");
}

TEST_CASE("a hidden middle value changes nothing", "[tensor_str][quirk]") {
  at::Tensor t = at::arange(2000.);
  at::Tensor u = t.clone();
  u[1000] = kNan;
  u[1001] = 1e30;
  CHECK(repr(t) == repr(u));
}

TEST_CASE("nesting: blank lines between blocks", "[tensor_str]") {
  CHECK(repr(at::arange(8.).view({2, 2, 2})) ==
        "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])");
  CHECK(repr(at::arange(4).view({2, 1, 2, 1})) ==
        "tensor([[[[0],\n          [1]]],\n\n\n        [[[2],\n          [3]]]])");
}

TEST_CASE("line wrapping by linewidth", "[tensor_str][options]") {
  CHECK(repr(at::arange(30.)) ==
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
        "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
        "        28., 29.])");
  PrintOptionsGuard g(PrintArgs().linewidth(10));
  CHECK(repr(at::arange(4)) == "tensor([0,\n        1,\n        2,\n        3])");
}

TEST_CASE("suffixes wrap with Python's off-by-two count", "[tensor_str][quirk]") {
  CHECK(repr(at::arange(13, at::kDouble) * 1.5) ==
        "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
        "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000], dtype=torch.float64)");
  CHECK(repr(at::arange(11, at::kInt) * 1000) ==
        "tensor([    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,  9000,\n"
        "        10000], dtype=torch.int32)");
}

TEST_CASE("autograd suffixes", "[tensor_str][grad]") {
  at::Tensor leaf = at::ones({2}).requires_grad_();
  CHECK(repr(leaf) == "tensor([1., 1.], requires_grad=True)");
  CHECK(pyrepr::parameter_repr(leaf) ==
        "Parameter containing:\ntensor([1., 1.], requires_grad=True)");
  // Python's t * 2 wraps 2 in a tensor: MulBackward0. C++'s Scalar overload: MulBackward1.
  CHECK(repr(leaf * at::scalar_tensor(2.0)) == "tensor([2., 2.], grad_fn=<MulBackward0>)");
  CHECK(pyrepr::grad_fn_name(leaf * 2) == "MulBackward1");
  CHECK(pyrepr::grad_fn_name(leaf) == "");
}

TEST_CASE("an LSTM output ends with its grad_fn", "[tensor_str][grad]") {
  torch::manual_seed(1);
  torch::nn::LSTM lstm(3, 3);
  at::Tensor x = at::randn({1, 1, 3});
  auto out = std::get<0>(lstm->forward(x));
  // The autograd node LibTorch records: its name changed in 2.x (as in Python).
  const std::string node = TORCH_VERSION_MAJOR < 2 ? "StackBackward0" : "MkldnnRnnLayerBackward0";
  CHECK(repr(out) == "tensor([[[-0.0636,  0.0108, -0.0590]]], grad_fn=<" + node + ">)");
}

#if PYREPR_HAS_NAMED_TENSORS
TEST_CASE("named tensors", "[tensor_str]") {
  auto n = at::Dimname::fromSymbol(at::Symbol::dimname("N"));
  CHECK(repr(at::zeros({2, 2}).refine_names({n, at::Dimname::wildcard()})) ==
        "tensor([[0., 0.],\n        [0., 0.]], names=('N', None))");
  CHECK(repr(at::zeros({2}).refine_names({n})) == "tensor([0., 0.], names=('N',))");
}
#endif

TEST_CASE("quantized tensors", "[tensor_str]") {
  CHECK(repr(at::quantize_per_tensor(f32({1., 2.}), 0.1, 10, at::kQUInt8)) ==
        "tensor([1., 2.], size=(2,), dtype=torch.quint8,\n"
        "       quantization_scheme=torch.per_tensor_affine, scale=0.1, zero_point=10)");
  CHECK(repr(at::quantize_per_channel(f32({1., 2., 3., 4.}).view({2, 2}), f64({0.1, 0.2}),
                                      at::zeros({2}, at::kLong), 0, at::kQInt8)) ==
        "tensor([[1., 2.],\n        [3., 4.]], size=(2, 2), dtype=torch.qint8,\n"
        "       quantization_scheme=torch.per_channel_affine,\n"
        "       scale=tensor([0.1000, 0.2000], dtype=torch.float64),\n"
        "       zero_point=tensor([0, 0]), axis=0)");
}

TEST_CASE("sparse layouts", "[tensor_str]") {
  at::Tensor idx = at::tensor({0, 1, 0, 1}, at::kLong).view({2, 2});
  CHECK(repr(at::sparse_coo_tensor(idx, f32({1.5, 2.}), {2, 2})) ==
        "tensor(indices=tensor([[0, 1],\n                       [0, 1]]),\n"
        "       values=tensor([1.5000, 2.0000]),\n"
        "       size=(2, 2), nnz=2, layout=torch.sparse_coo)");
  CHECK(repr(at::sparse_coo_tensor(at::zeros({2, 0}, at::kLong), at::zeros({0}), {2, 2})) ==
        "tensor(indices=tensor([], size=(2, 0)),\n       values=tensor([], size=(0,)),\n"
        "       size=(2, 2), nnz=0, layout=torch.sparse_coo)");
  CHECK(repr(f32({0., 1., 2., 0.}).view({2, 2}).to_sparse_csr()) ==
        "tensor(crow_indices=tensor([0, 1, 2]),\n       col_indices=tensor([1, 0]),\n"
        "       values=tensor([1., 2.]), size=(2, 2), nnz=2, layout=torch.sparse_csr)");
}

TEST_CASE("meta tensors", "[tensor_str]") {
  CHECK(repr(at::empty({2, 3}, at::TensorOptions().device(at::kMeta))) ==
        "tensor(..., device='meta', size=(2, 3))");
  CHECK(repr(at::empty({2, 3}, at::TensorOptions().device(at::kMeta).dtype(at::kLong))) ==
        "tensor(..., device='meta', size=(2, 3), dtype=torch.int64)");
}

TEST_CASE("strided views print their logical order", "[tensor_str]") {
  at::Tensor t = at::arange(6.).view({2, 3});
  CHECK(repr(t.t()) == "tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])");
  CHECK(repr(t.select(1, 1)) == "tensor([1., 4.])");
}

TEST_CASE("set_printoptions semantics", "[options]") {
  using pyrepr::get_printoptions;
  PrintOptionsGuard outer(PrintArgs().profile("default"));
  pyrepr::set_printoptions(PrintArgs().sci_mode(true));
  CHECK(get_printoptions().sci_mode == true);
  // omitting sci_mode resets it to automatic
  pyrepr::set_printoptions(PrintArgs().precision(2));
  CHECK_FALSE(get_printoptions().sci_mode.has_value());
  CHECK(get_printoptions().precision == 2);
  // a profile first, then explicit values override it
  pyrepr::set_printoptions(PrintArgs().profile("short").edgeitems(5));
  CHECK(get_printoptions().precision == 2);
  CHECK(get_printoptions().edgeitems == 5);
  pyrepr::set_printoptions(PrintArgs().profile("full"));
  CHECK(std::isinf(get_printoptions().threshold));
  CHECK(get_printoptions().edgeitems == 3);
  // an unknown profile is silently ignored; explicit values still apply
  pyrepr::set_printoptions(PrintArgs().profile("nonsense").linewidth(100));
  CHECK(std::isinf(get_printoptions().threshold));
  CHECK(get_printoptions().linewidth == 100);
  CHECK(repr(at::arange(2000)).find("...") == std::string::npos);  // full: never summarized
}

TEST_CASE("the guard restores the previous options", "[options]") {
  const auto before = pyrepr::get_printoptions();
  {
    PrintOptionsGuard g(PrintArgs().precision(7).threshold(3).sci_mode(true));
    CHECK(pyrepr::get_printoptions().precision == 7);
    {
      PrintOptionsGuard inner(PrintArgs().profile("short"));
      CHECK(pyrepr::get_printoptions().precision == 2);
    }
    CHECK(pyrepr::get_printoptions().precision == 7);
  }
  CHECK(pyrepr::get_printoptions() == before);
  // explicit options do not touch the global ones
  pyrepr::PrintOptions opts;
  opts.precision = 1;
  CHECK(repr(f32({0.25}), opts) == "tensor([0.2])");
  CHECK(pyrepr::get_printoptions() == before);
}

TEST_CASE("invalid options are refused", "[options]") {
  pyrepr::PrintOptions opts;
  opts.precision = -1;
  CHECK_THROWS_AS(repr(f32({1.}), opts), std::invalid_argument);
  opts.precision = 4;
  opts.edgeitems = -1;
  CHECK_THROWS_AS(repr(f32({1.}), opts), std::invalid_argument);
}

TEST_CASE("fmt formatter and ostream", "[fmt]") {
  at::Tensor t = f32({1., 2.});
  CHECK(fmt::format("{}", t) == "tensor([1., 2.])");
  CHECK(fmt::format("x = {}!", at::scalar_tensor(3.5)) == "x = tensor(3.5000)!");
  // a spec formats a 0-dim tensor's item, as Tensor.__format__ does
  CHECK(fmt::format("{:.2f}", at::scalar_tensor(3.5)) == "3.50");
  CHECK(pyrepr::format(at::scalar_tensor(3.5), "") == "3.5");
  CHECK_THROWS_AS(fmt::format("{:.2f}", t), std::invalid_argument);
  // the spec is checked when it is parsed: a number's spec, or none
  CHECK(fmt::format("{:*^+9.1f}", at::scalar_tensor(3.5)) == "**+3.5***");
  CHECK(fmt::format("{:#x}", at::scalar_tensor(255, at::kLong)) == "0xff");
  for (const char* bad : {"{:q}", "{:.f}", "{:>>>5}", "{:10.2fx}", "{:s}"}) {
    INFO(bad);
    CHECK_THROWS_AS(fmt::format(fmt::runtime(bad), at::scalar_tensor(3.5)), fmt::format_error);
  }
  CHECK(!pyrepr::detail::valid_number_spec("="));
  // an Object's spec is a string's, applied to str(obj)
  CHECK(fmt::format("[{:>6}]", pyrepr::Object(int64_t{42})) == "[    42]");
  CHECK_THROWS_AS(fmt::format(fmt::runtime("{:d}"), pyrepr::Object(1)), fmt::format_error);
  std::ostringstream os;
  os << pyrepr::py(t);
  CHECK(os.str() == "tensor([1., 2.])");
}

namespace {

// The elements of a one-line repr of a float64 tensor, padding removed.
std::vector<std::string> elements_of(const std::string& text) {
  const std::string head = "tensor([", tail = "], dtype=torch.float64)";
  REQUIRE(text.rfind(head, 0) == 0);
  REQUIRE(text.size() >= head.size() + tail.size());
  REQUIRE(text.compare(text.size() - tail.size(), tail.size(), tail) == 0);
  std::vector<std::string> out;
  const std::string body = text.substr(head.size(), text.size() - head.size() - tail.size());
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find(", ", start);
    if (end == std::string::npos) end = body.size();
    std::string item = body.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    out.push_back(item);
    start = end + 2;
  }
  return out;
}

// Random doubles of every magnitude, and the hard cases of rounding: values
// next to powers of ten, and ...5 ties below and above.
std::vector<double> hard_doubles(double lowest_exp, double highest_exp, size_t n) {
  std::mt19937_64 gen(20261128);
  std::uniform_real_distribution<double> exponent(lowest_exp, highest_exp);
  std::uniform_int_distribution<int> kind(0, 5);
  std::vector<double> out;
  while (out.size() < n) {
    const double magnitude = std::pow(10.0, std::floor(exponent(gen)));
    double v = 0;
    switch (kind(gen)) {
      case 0:  // anywhere
        v = std::pow(10.0, exponent(gen));
        break;
      case 1:  // a power of ten and its neighbours
        v = magnitude;
        for (int steps = static_cast<int>(gen() % 4); steps > 0; --steps) {
          v = std::nextafter(v, gen() % 2 ? 0.0 : HUGE_VAL);
        }
        break;
      case 2:  // 9.99995...: rounding carries into a new digit
        v = magnitude * (10.0 - 5.0 * std::pow(10.0, -static_cast<double>(gen() % 18)));
        break;
      case 3:  // d.ddd5: a tie in decimal, not quite one in binary
        v = magnitude * (1.0 + static_cast<double>(gen() % 100000) / 1e5 + 5e-6);
        break;
      case 4:  // k / 2^j: exact ties in binary (0.5, 2.5, 0.125, ...)
        v = std::ldexp(static_cast<double>(gen() % 100000), -static_cast<int>(gen() % 20));
        break;
      default:  // zero (and -0.0 below)
        break;
    }
    if (std::isfinite(v)) out.push_back(gen() % 2 ? v : -v);
  }
  return out;
}

}  // namespace

TEST_CASE("every float is formatted as {:.Pe} and {:.Pf} format it", "[tensor_str][exact]") {
  // pyrepr formats most floats with its own integer arithmetic and falls
  // back to fmt; both must give what fmt's exact algorithm gives (and Python's
  // str.format, which rounds the same: the differential tests check that).
  pyrepr::PrintOptions opts;
  opts.threshold = std::numeric_limits<double>::infinity();
  opts.linewidth = std::numeric_limits<int>::max();
  for (const bool sci : {true, false}) {
    opts.sci_mode = sci;
    const std::vector<double> values =
        sci ? hard_doubles(-320, 308, 20000) : hard_doubles(-25, 22, 20000);
    const at::Tensor t = at::tensor(values, at::kDouble);
    for (const int precision : {0, 1, 4, 8, 16, 17, 18, 19, 20}) {
      opts.precision = precision;
      const std::vector<std::string> got = elements_of(repr(t, opts));
      REQUIRE(got.size() == values.size());
      size_t wrong = 0;
      for (size_t k = 0; k < values.size(); ++k) {
        const std::string want = sci ? fmt::format("{:.{}e}", values[k], precision)
                                     : fmt::format("{:.{}f}", values[k], precision);
        if (got[k] != want && ++wrong <= 5) {
          INFO(fmt::format("{:.17g} with precision {}", values[k], precision));
          CHECK(got[k] == want);
        }
      }
      INFO("sci_mode " << sci << ", precision " << precision);
      CHECK(wrong == 0);
    }
  }
}

// What differs between torch 1.13, 2.6 and 2.14 (TensorStrRules). The strings
// are what each release's Python printed; the differential tests of ./run
// matrix check them live in each release.
TEST_CASE("torch version rules", "[tensor_str][versions]") {
  auto under = [](pyrepr::Version torch) {
    pyrepr::PrintOptions o;
    o.rules.torch = torch;
    return o;
  };
  const pyrepr::Version v1_13{1, 13}, v2_6{2, 6}, v2_14{2, 14};
  SECTION("a forced sci_mode decides the widths from 2.14 on") {
    for (auto v : {v1_13, v2_6}) {
      auto o = under(v);
      o.sci_mode = false;
      CHECK(repr(f32({1e-5, 1.}), o) == "tensor([    0.0000,     1.0000])");
      o.sci_mode = true;
      CHECK(repr(f32({-0.46974, 0.067803, 1.5}), o) ==
            "tensor([-4.6974e-01, 6.7803e-02, 1.5000e+00])");
    }
    auto o = under(v2_14);
    o.sci_mode = false;
    CHECK(repr(f32({1e-5, 1.}), o) == "tensor([0.0000, 1.0000])");
    o.sci_mode = true;
    CHECK(repr(f32({-0.46974, 0.067803, 1.5}), o) ==
          "tensor([-4.6974e-01,  6.7803e-02,  1.5000e+00])");
    CHECK(repr(f32({1., 20.}), o) == "tensor([1.0000e+00, 2.0000e+01])");
  }
  SECTION("edgeitems=0 elides everything and adds size= from 2.6 on") {
    for (auto v : {v2_6, v2_14}) {
      auto o = under(v);
      o.edgeitems = 0;
      CHECK(repr(at::ones({2}), o) == "tensor([1., 1.], size=(2,))");
      CHECK(repr(at::scalar_tensor(2.5, at::kDouble), o) ==
            "tensor(2.5000, size=(), dtype=torch.float64)");
      o.threshold = 5;
      CHECK(repr(at::arange(20.), o) == "tensor([...], size=(20,))");
      CHECK(repr(at::ones({4, 5}), o) == "tensor([...], size=(4, 5))");
      CHECK(repr(at::arange(20), o) == "tensor([...], size=(20,))");
      o.threshold = 0;
      CHECK(repr(at::scalar_tensor(2.5), o) == "tensor(2.5000, size=())");
    }
    auto o = under(v1_13);
    o.edgeitems = 0;
    CHECK(repr(at::ones({2}), o) == "tensor([1., 1.])");
  }
}
