// Internal: validation of a zip archive before LibTorch's PyTorchStreamReader
// sees it (used by load.cpp). Not part of the public API.
//
// PyTorchStreamReader trusts the sizes in the zip's central directory: it
// allocates the uncompressed size an entry claims before reading it, so a
// 100-byte file can make it ask for exabytes, and its messages for a zip that
// is not a torch.save file are internal ("Expected hasRecord("version") to be
// true"). check_zip reads the directory itself and throws pyrepr::LoadError
// with a clear message unless every entry lies inside the file, is stored or
// deflated, claims a size its compressed bytes can hold, and the archive has
// the layout torch.save writes (<folder>/data.pkl and <folder>/version).
#pragma once

#include <caffe2/serialize/read_adapter_interface.h>

namespace pyrepr::detail {

void check_zip(const caffe2::serialize::ReadAdapterInterface& in);

}  // namespace pyrepr::detail
