// Internal: the pickle interpreter behind pyrepr::load (src/pyrepr/load.cpp),
// exposed for unit tests. Not part of the public API.
//
// It understands the binary opcodes of pickle protocols 2-5 and the globals
// torch.save writes in PyTorch 1.13, 2.6 and 2.14 (tensor/Parameter/quantized/
// sparse rebuilders, _rebuild_tensor_v3 over an UntypedStorage for the dtypes
// added in 2.x, typed storages, OrderedDict, torch.Size, dtypes, layouts,
// qschemes). Every length,
// stack access, memo index and tensor geometry is checked; anything it cannot
// read throws pyrepr::LoadError (the message does not name a file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "pyrepr/load.hpp"
#include "pyrepr/load/python_int.hpp"  // long_to_decimal (unit-tested)
#include "pyrepr/object.hpp"
#include "pyrepr/tensor_data.hpp"

namespace pyrepr::detail {

// The bytes of one storage record of the archive ("data/<key>"), read only
// where they are used.
struct Record {
  std::shared_ptr<const Storage> data;
  bool byteswap = false;  // the archive was written on a big-endian machine
};
// Returns the record "data/<key>" of a storage of `nbytes` bytes in elements
// of `itemsize` (the persistent id says so); throws LoadError when there is none.
using RecordLoader =
    std::function<Record(const std::string& key, uint64_t nbytes, size_t itemsize)>;

struct UnpickleLimits {
  size_t max_objects = 5'000'000;  // objects the pickle may create
  size_t max_result_objects =
      5'000'000;                 // Objects in the result (shared references count each time)
  int max_depth = 1000;          // nesting of the result (Python's recursion limit)
  size_t max_int_digits = 4300;  // Python's sys.get_int_max_str_digits()
};

// Runs the pickle program `data[0..size)` (the archive's data.pkl) and
// converts the value it returns into an Object.
// `end`, if given, gets the offset just after the program's STOP (the legacy
// format writes several pickles one after another).
Object unpickle(const char* data, size_t size, const RecordLoader& records,
                const UnpickleLimits& limits = {}, size_t* end = nullptr);

}  // namespace pyrepr::detail
