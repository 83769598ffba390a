// Internal (pyrepr::load): the checkpoint formats other than torch.save's,
// each recognized by its content, never by its name, and printed as the
// Python that reads them would give them to print():
//   safetensors   8 bytes of header length, a JSON header, the raw data:
//                 the dict safetensors.torch.load_file returns (its keys
//                 sorted, as safe_open's keys() are);
//   .npy          numpy's magic, a header, the raw data:
//                 torch.from_numpy(numpy.load(f));
//   .npz          a zip of .npy files: {name: torch.from_numpy(array)} in
//                 the archive's order;
//   sharded index model.safetensors.index.json, pytorch_model.bin.index.json:
//                 the shards its "weight_map" names, in sorted order (as
//                 transformers loads them), each loaded by content, merged
//                 into one dict.
// Nothing in a header is trusted: sizes, offsets and shapes are checked
// against the file before a tensor is made.
#pragma once

#include <cstddef>
#include <string>

#include "pyrepr/load/archive.hpp"
#include "pyrepr/object.hpp"

namespace pyrepr::detail {

bool is_safetensors(const unsigned char* head, size_t n);
Object load_safetensors(const Storage& file);

bool is_npy(const unsigned char* head, size_t n);
// The .npy file's bytes (a storage of the file, or an inflated copy).
Object load_npy(const Storage& bytes);

// Is the archive numpy's .npz (one or more entries, every one a .npy)?
bool is_npz(const Archive& archive);
Object load_npz(const Archive& archive);

// A JSON object with a "weight_map" (the first non-blank byte is '{').
bool is_sharded_index(const unsigned char* head, size_t n);
// `path`: the index file, whose folder holds the shards.
Object load_sharded(const Storage& file, const std::string& path);
// One shard: any format but an index (load.cpp).
Object load_shard(const std::string& path);

}  // namespace pyrepr::detail
