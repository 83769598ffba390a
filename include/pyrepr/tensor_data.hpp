// Core (no LibTorch): a tensor as repr() reads it. Its elements are a strided
// view of bytes (a storage, an offset, sizes and strides, the dtype's element
// type), and the rest is what the suffixes of _str_intern print: device,
// layout, quantization, sparse parts, grad_fn, requires_grad and names.
//
// pyrepr::load makes them from a torch.save file (its storages mapped from the
// file, read only where printed); pyrepr::torch makes them from a live
// at::Tensor (torch_adapter.hpp). repr() of either is the same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pyrepr/dtype.hpp"

namespace pyrepr {

// The bytes a tensor's elements live in, kept alive by `owner` (a mapped
// file, a buffer, a LibTorch tensor).
struct Storage {
  const unsigned char* data = nullptr;
  size_t nbytes = 0;
  std::shared_ptr<const void> owner;
  // An adapter's own copy of these bytes, made once, so that the tensors
  // sharing this storage share one there too (pyrepr::torch: a c10::Storage).
  mutable std::shared_ptr<const void> adapted;
};

// A storage that owns its bytes (inflated, byte-swapped or made up).
inline std::shared_ptr<const Storage> owned_storage(std::vector<unsigned char> bytes) {
  auto owned = std::make_shared<const std::vector<unsigned char>>(std::move(bytes));
  auto storage = std::make_shared<Storage>();
  storage->data = owned->data();
  storage->nbytes = owned->size();
  storage->owner = std::move(owned);
  return storage;
}

struct TensorData {
  const DType* dtype = &dtypes::float32;          // t.dtype; nullptr: an undefined tensor
  Layout layout = Layout::Strided;                // t.layout
  std::string device = "cpu";                     // str(t.device)
  const DType* default_dtype = &dtypes::float32;  // torch.get_default_dtype() when printed
  std::vector<int64_t> sizes;

  // The elements (of a quantized tensor: its integer representation):
  // element (i0, i1, ...) is at storage->data + (storage_offset + sum(i_d *
  // strides[d])) * itemsize.
  std::shared_ptr<const Storage> storage;
  int64_t storage_offset = 0;
  std::vector<int64_t> strides;  // in elements
  bool conj = false;             // the conjugate bit: imaginary parts print negated
  bool neg = false;              // the negative bit: values print negated

  bool requires_grad = false;
  std::string grad_fn;                            // "" when none, else e.g. "AddBackward0"
  std::vector<std::optional<std::string>> names;  // named tensors (empty: unnamed)

  // Quantized tensors: per_tensor_affine, per_channel_affine or
  // per_channel_affine_float_qparams (None when not quantized).
  QScheme qscheme = QScheme::None;
  double q_scale = 1.0;
  int64_t q_zero_point = 0;
  std::shared_ptr<const TensorData> q_scales, q_zero_points;  // per channel
  int64_t q_axis = 0;
  // When set, the values printed instead of dequantizing the elements (what
  // LibTorch's dequantize() gave).
  std::shared_ptr<const TensorData> dequantized;

  // Sparse layouts: COO (indices, values) or compressed (compressed indices,
  // plain indices, values).
  int64_t nnz = 0;
  std::vector<std::shared_ptr<const TensorData>> sparse_parts;
  bool is_coalesced = false;  // COO

  // What the tensor was made from, when it was not read from a file: an
  // adapter keeps its own tensor here (pyrepr::torch: the at::Tensor), and
  // `source_kind` tells whose it is.
  std::shared_ptr<const void> source;
  const void* source_kind = nullptr;

  // The number of elements (INT64_MAX when that overflows: a sparse size may be any int64).
  int64_t numel() const {
    int64_t n = 1;
    for (int64_t s : sizes) {
      if (s == 0) return 0;
      if (__builtin_mul_overflow(n, s, &n)) n = INT64_MAX;
    }
    return n;
  }
  int64_t dim() const { return static_cast<int64_t>(sizes.size()); }
};

}  // namespace pyrepr
