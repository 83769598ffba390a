// Internal (pyrepr::load): the legacy torch.save format, which PyTorch
// before 1.6 wrote and later releases write with
// _use_new_zipfile_serialization=False. Old checkpoints still use it.
#pragma once

#include <cstddef>

#include "pyrepr/object.hpp"
#include "pyrepr/tensor_data.hpp"

namespace pyrepr::detail {

// Does the file start as the legacy format does (a pickle of its magic number)?
bool is_legacy_format(const unsigned char* head, size_t n);

// torch.load's _legacy_load: the pickles of the magic number, the protocol
// version and sys_info; the object's pickle, whose persistent ids name
// storages; the pickle of the storage keys in the order their bytes follow;
// then per storage an int64 element count and its raw little-endian bytes.
// The storages' bytes stay in `file` (read only where printed).
Object load_legacy(const Storage& file);

}  // namespace pyrepr::detail
