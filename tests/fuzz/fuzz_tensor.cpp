// libFuzzer target: a tensor built from the input, formatted.
//
// The input is read as: dtype, rank, sizes, a layout tweak (transposed,
// strided, expanded views), print options, flags (Parameter, requires_grad,
// quantized), then the raw bytes of the elements. The tensor is printed with
// explicit options and, if small, again under a PrintOptionsGuard with the
// same options; both must give the same text. Exceptions are allowed (Python raises for
// some option values too); crashes, sanitizer reports and hangs are not.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <string>
#include <vector>

#include "pyrepr/options.hpp"
#include "pyrepr/torch_adapter.hpp"

namespace {

// Reads the input front to back; past the end everything is 0.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : p_(data), n_(size) {}
  uint8_t byte() { return pos_ < n_ ? p_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(byte() | (byte() << 8)); }
  float f32() {
    uint32_t bits = 0;
    for (int k = 0; k < 4; ++k) bits |= uint32_t{byte()} << (8 * k);
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  // The rest of the input, repeated (or zeros) to fill `n` bytes.
  std::vector<uint8_t> fill(size_t n) {
    std::vector<uint8_t> out(n, 0);
    const size_t left = n_ - std::min(pos_, n_);
    for (size_t i = 0; left > 0 && i < n; ++i) out[i] = p_[pos_ + i % left];
    return out;
  }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
};

constexpr at::ScalarType kDtypes[] = {
    at::kFloat,        at::kDouble,        at::kHalf,        at::kBFloat16, at::kByte,
    at::kChar,         at::kShort,         at::kInt,         at::kLong,     at::kBool,
    at::kComplexFloat, at::kComplexDouble, at::kComplexHalf,
};
// Enough to summarize (threshold 1000); more only slows the fuzzer (fixed
// notation of 1e308 takes fmt's bignum path, slow under the sanitizers).
constexpr size_t kMaxElements = 1100;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  const at::ScalarType dtype = kDtypes[in.byte() % std::size(kDtypes)];
  const int rank = in.byte() % 5;
  std::vector<int64_t> sizes;
  size_t numel = 1;
  for (int d = 0; d < rank; ++d) {
    const uint8_t b = in.byte();
    // Mostly small dimensions, sometimes long ones (summarization).
    const int64_t n = b < 200 ? b % 9 : (b - 200) * 20;
    sizes.push_back(n);
    numel *= static_cast<size_t>(n);
  }
  if (numel > kMaxElements) return 0;
  const uint8_t layout = in.byte();
  const uint8_t flags = in.byte();

  pyrepr::PrintOptions opts;
  opts.precision = in.byte() % 40;
  const uint8_t th = in.byte();
  static const double kThresholds[] = {
      0, 1, 5, 10, 100, 1000, std::numeric_limits<double>::infinity()};
  opts.threshold = th < 224 ? kThresholds[th % 7] : th - 224;
  opts.edgeitems = in.byte() % 6;
  opts.linewidth = in.byte() % 160;
  const uint8_t sci = in.byte() % 3;
  if (sci) opts.sci_mode = sci == 1;
  const float qscale = in.f32();
  const uint8_t qzero = in.byte();

  try {
    // The elements: raw bytes, as torch.frombuffer would see them.
    const size_t item = c10::elementSize(dtype);
    std::vector<uint8_t> raw = in.fill(numel * item);
    if (dtype == at::kBool)
      for (auto& b : raw) b &= 1;  // a bool byte other than 0/1 is UB in PyTorch too
    at::Tensor t = at::empty(sizes, at::TensorOptions().dtype(dtype));
    if (numel) std::memcpy(t.data_ptr(), raw.data(), raw.size());

    // A view of it: transposed, every other element, or expanded.
    switch (layout % 4) {
      case 1:
        if (t.dim() >= 2) t = t.transpose(0, t.dim() - 1);
        break;
      case 2:
        if (t.dim() >= 1) t = t.slice(0, 0, c10::nullopt, 2);
        break;
      case 3:
        if (t.dim() >= 1 && t.size(0) == 1)
          t = t.expand([&] {
            auto s = t.sizes().vec();
            s[0] = 1 + layout % 7;
            return s;
          }());
        break;
      default:
        break;
    }
    if ((flags & 1) && at::isFloatingType(dtype)) t.requires_grad_(true);
    if ((flags & 2) && dtype == at::kFloat && std::isfinite(qscale) && qscale > 1e-30f &&
        qscale < 1e30f) {
      t = at::quantize_per_tensor(t.detach().nan_to_num(), qscale, qzero % 128, at::kQUInt8);
    }
    if ((flags & 4) && dtype != at::kBool) t = -t;  // a grad_fn when t requires grad

    std::string explicit_opts, guarded;
    std::string err1, err2;
    try {
      explicit_opts = (flags & 8) ? pyrepr::parameter_repr(t, opts) : pyrepr::repr(t, opts);
    } catch (const std::exception& e) {
      err1 = e.what();
    }
    if (numel <= 64) {  // the same through the global options (cheap sizes only)
      pyrepr::PrintOptionsGuard guard(opts);
      try {
        guarded = (flags & 8) ? pyrepr::parameter_repr(t) : pyrepr::repr(t);
      } catch (const std::exception& e) {
        err2 = e.what();
      }
    }
    if (numel <= 64 && (explicit_opts != guarded || err1 != err2)) {
      std::fprintf(stderr, "repr(t, opts) and repr(t) under a guard differ:\n%s\n%s\n%s\n%s\n",
                   explicit_opts.c_str(), guarded.c_str(), err1.c_str(), err2.c_str());
      std::abort();
    }
  } catch (const std::exception&) {
    // Building the tensor can fail (e.g. quantization of odd values): not our concern.
  }
  return 0;
}
