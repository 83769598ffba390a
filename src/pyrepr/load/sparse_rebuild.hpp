// Internal (pyrepr::load): the sparse tensors of _rebuild_sparse_tensor,
// validated as torch.load validates them, each failure one error line.
#pragma once

#include <string>
#include <vector>

#include "pyrepr/load/pickle_value.hpp"
#include "pyrepr/tensor_data.hpp"

namespace pyrepr::detail {

// COO: data is (indices, values, size[, is_coalesced]).
TensorData sparse_coo(const std::vector<Node*>& data, const char* fn);
// CSR, CSC, BSR, BSC (`layout`): data is (compressed_indices, plain_indices,
// values, size).
TensorData sparse_compressed(const std::vector<Node*>& data, Layout layout, const char* fn);

}  // namespace pyrepr::detail
