// Sparse tensors as torch.load rebuilds and validates them
// (_validate_loaded_sparse_tensors), with LibTorch's messages: COO
// (_validate_sparse_coo_tensor_args) and the compressed layouts
// (_validate_sparse_compressed_tensor_args).
#include "pyrepr/load/sparse_rebuild.hpp"
#include "pyrepr/core/summarized_data.hpp"
#include "pyrepr/tensor_repr.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace pyrepr::detail {
namespace {

void check_dense(const TensorData& t, const char* fn, const char* what) {
  if (t.layout != Layout::Strided || t.qscheme != QScheme::None)
    fail(std::string(fn) + ": " + what + " must be a dense tensor");
}
std::vector<int64_t> sparse_size(const Node* n, const char* fn) {
  auto size = ints_arg(n, fn, "size");
  for (int64_t s : size)
    if (s < 0) fail(std::string(fn) + ": negative size " + std::to_string(s));
  return size;
}
std::vector<int64_t> ints_of(const TensorData& t, const char* fn, const char* what) {
  try {
    return all_ints(t);
  } catch (const std::invalid_argument& e) {
    fail(std::string(fn) + ": " + what + ": " + e.what());
  }
}
std::string list_text(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// _validate_sparse_coo_tensor_args, with LibTorch's messages.
// is_coalesced=True is refused, as PyTorch 2.x's validation does, unless
// the index columns are strictly increasing.
void check_coalesced(const std::vector<int64_t>& p, int64_t dims, int64_t nnz) {
  for (int64_t j = 1; j < nnz; ++j) {
    int cmp = 0;
    for (int64_t d = 0; d < dims && cmp == 0; ++d) {
      const int64_t a = p[static_cast<size_t>(d * nnz + j - 1)];
      const int64_t b = p[static_cast<size_t>(d * nnz + j)];
      cmp = a < b ? -1 : a > b ? 1 : 0;
    }
    if (cmp >= 0)
      fail("cannot set is_coalesced to true if indices correspond to uncoalesced COO tensor");
  }
}

}  // namespace

TensorData sparse_coo(const std::vector<Node*>& data, const char* fn) {
  const TensorData& indices = tensor_arg(data[0], fn, "indices");
  const TensorData& values = tensor_arg(data[1], fn, "values");
  auto size = sparse_size(data[2], fn);
  // is_coalesced: None (files of 1.13) or a bool (2.x)
  const bool coalesced =
      data.size() == 4 && data[3]->kind != Kind::None && bool_arg(data[3], fn, "is_coalesced");
  check_dense(indices, fn, "indices");
  check_dense(values, fn, "values");
  if (indices.dtype != &dtypes::int64) fail(std::string(fn) + ": indices must be an int64 tensor");
  if (indices.dim() != 2) fail(std::string(fn) + ": indices must be 2-dimensional");
  if (values.dim() < 1) fail(std::string(fn) + ": values must have at least one dimension");
  const int64_t sparse_dim = indices.sizes[0], nnz = indices.sizes[1];
  const int64_t dense_dim = values.dim() - 1;
  if (static_cast<int64_t>(size.size()) != sparse_dim + dense_dim)
    fail(std::string(fn) + ": number of dimensions must be sparse_dim (" +
         std::to_string(sparse_dim) + ") + dense_dim (" + std::to_string(dense_dim) +
         "), but got " + std::to_string(size.size()));
  if (values.sizes[0] != nnz)
    fail(std::string(fn) + ": indices and values must have same nnz, but got nnz from indices: " +
         std::to_string(nnz) + ", nnz from values: " + std::to_string(values.sizes[0]));
  std::vector<int64_t> expected{nnz};
  expected.insert(expected.end(), size.begin() + sparse_dim, size.end());
  if (values.sizes != expected)
    fail(std::string(fn) + ": values has incorrect size, expected " + list_text(expected) +
         ", got " + list_text(values.sizes));
  const std::vector<int64_t> idx = ints_of(indices, fn, "indices");
  for (int64_t d = 0; d < sparse_dim; ++d) {
    for (int64_t j = 0; j < nnz; ++j) {
      const int64_t v = idx[static_cast<size_t>(d * nnz + j)];
      if (v < 0)
        fail(std::string(fn) + ": found negative index " + std::to_string(v) + " for dim " +
             std::to_string(d));
      if (v >= size[static_cast<size_t>(d)])
        fail(std::string(fn) + ": size is inconsistent with indices: for dim " + std::to_string(d) +
             ", size is " + std::to_string(size[static_cast<size_t>(d)]) + " but found index " +
             std::to_string(v));
    }
  }
  if (coalesced) check_coalesced(idx, sparse_dim, nnz);
  TensorData t;
  t.dtype = values.dtype;
  t.layout = Layout::SparseCoo;
  t.sizes = std::move(size);
  t.nnz = nnz;
  t.is_coalesced = coalesced;
  t.sparse_parts = {data[0]->tensor, data[1]->tensor};
  return t;
}

// _validate_sparse_compressed_tensor_args: the index dtypes and shapes,
// the compressed indices (0 first, nnz last, never decreasing) and the
// plain indices (inside the size), batch by batch.
TensorData sparse_compressed(const std::vector<Node*>& data, Layout layout, const char* fn) {
  const TensorData& compressed = tensor_arg(data[0], fn, "compressed_indices");
  const TensorData& plain = tensor_arg(data[1], fn, "plain_indices");
  const TensorData& values = tensor_arg(data[2], fn, "values");
  auto size = sparse_size(data[3], fn);
  check_dense(compressed, fn, "compressed_indices");
  check_dense(plain, fn, "plain_indices");
  check_dense(values, fn, "values");
  const std::string f = fn;
  if ((compressed.dtype != &dtypes::int32 && compressed.dtype != &dtypes::int64) ||
      compressed.dtype != plain.dtype)
    fail(f + ": compressed_indices and plain_indices must both be int32 or both int64 tensors");
  if (compressed.dim() < 1 || plain.dim() != compressed.dim())
    fail(f + ": compressed_indices and plain_indices must have the same number of dimensions");
  const int64_t batch = compressed.dim() - 1;
  const bool blocked = layout == Layout::SparseBsr || layout == Layout::SparseBsc;
  const bool row = layout == Layout::SparseCsr || layout == Layout::SparseBsr;
  if (static_cast<int64_t>(size.size()) < batch + 2 || values.dim() < batch + 1 + (blocked ? 2 : 0))
    fail(f + ": size and values do not fit the indices' " + std::to_string(batch) +
         " batch dimensions");
  for (int64_t d = 0; d < batch; ++d) {
    const auto k = static_cast<size_t>(d);
    if (compressed.sizes[k] != size[k] || plain.sizes[k] != size[k] || values.sizes[k] != size[k])
      fail(f + ": the batch sizes of the indices, values and size differ");
  }
  const auto b = static_cast<size_t>(batch);
  const int64_t block_rows = blocked ? values.sizes[b + 1] : 1;
  const int64_t block_cols = blocked ? values.sizes[b + 2] : 1;
  if (block_rows <= 0 || block_cols <= 0 || size[b] % block_rows != 0 ||
      size[b + 1] % block_cols != 0)
    fail(f + ": the blocksize does not divide the size");
  const int64_t n_compressed = row ? size[b] / block_rows : size[b + 1] / block_cols;
  const int64_t n_plain = row ? size[b + 1] / block_cols : size[b] / block_rows;
  const int64_t nnz = plain.sizes[b];
  // (n_compressed + 1 could overflow: a size may be any int64)
  if (compressed.sizes[b] - 1 != n_compressed)
    fail(f + ": compressed_indices.shape[-1] must be " + std::to_string(n_compressed) + " + 1" +
         ", but got " + std::to_string(compressed.sizes[b]));
  if (values.sizes[b] != nnz)
    fail(f + ": values.shape[" + std::to_string(batch) + "] must be nnz " + std::to_string(nnz) +
         ", but got " + std::to_string(values.sizes[b]));
  const std::vector<int64_t> c = ints_of(compressed, fn, "compressed_indices");
  const std::vector<int64_t> p = ints_of(plain, fn, "plain_indices");
  // LibTorch's messages, which name the layout's own indices
  const char* ci = row ? "crow_indices" : "ccol_indices";
  const char* pi = row ? "col_indices" : "row_indices";
  const char* dim = row ? "ncols" : "nrows";
  const auto unsatisfied = [&](const std::string& condition) {
    fail(fmt::format("{}: `{}` is not satisfied.", fn, condition));
  };
  const auto per_c = static_cast<size_t>(compressed.sizes[b]), per_p = static_cast<size_t>(nnz);
  for (size_t batch_k = 0; per_c > 0 && batch_k < c.size() / per_c; ++batch_k) {
    const int64_t* cb = c.data() + batch_k * per_c;
    if (cb[0] != 0) unsatisfied(fmt::format("{}[..., 0] == 0", ci));
    if (cb[per_c - 1] != nnz) unsatisfied(fmt::format("{}[..., -1] == nnz", ci));
    for (size_t k = 1; k < per_c; ++k)
      if (cb[k] < cb[k - 1] || cb[k] - cb[k - 1] > n_plain)
        unsatisfied(fmt::format("0 <= {0}[..., 1:] - {0}[..., :-1] <= {1}", ci, dim));
    for (size_t k = 0; k < per_p; ++k) {
      const int64_t v = p[batch_k * per_p + k];
      if (v < 0 || v >= n_plain) unsatisfied(fmt::format("0 <= {} < {}", pi, dim));
    }
  }
  TensorData t;
  t.dtype = values.dtype;
  t.layout = layout;
  t.sizes = std::move(size);
  t.nnz = nnz;
  t.sparse_parts = {data[0]->tensor, data[1]->tensor, data[2]->tensor};
  return t;
}

}  // namespace pyrepr::detail
