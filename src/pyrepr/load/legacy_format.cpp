// The legacy torch.save format, read as torch.load's _legacy_load reads it
// (torch/serialization.py): legacy_format.hpp.
#include "pyrepr/load/legacy_format.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "pyrepr/load/load_diagnostics.hpp"
#include "pyrepr/load/unpickler.hpp"

namespace pyrepr::detail {
namespace {

// serialization.py's MAGIC_NUMBER (0x1950a86a20f9469cfc6c) pickled by
// protocol 2: LONG1 of 10 bytes.
const unsigned char kMagic[] = {0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46,
                                0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
constexpr int64_t kProtocolVersion = 1001;  // serialization.py's PROTOCOL_VERSION

// A storage of n zero bytes that costs no memory until read (pages of zeros):
// the first pass over the object's pickle needs storages before their bytes
// are found.
std::shared_ptr<const Storage> zero_storage(uint64_t n) {
  auto s = std::make_shared<Storage>();
  if (n == 0) return s;
  void* p = ::mmap(nullptr, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) fail("out of memory");
  s->data = static_cast<const unsigned char*>(p);
  s->nbytes = n;
  s->owner = std::shared_ptr<void>(p, [n](void* q) { ::munmap(q, n); });
  return s;
}

struct Reader {
  const Storage& file;
  size_t pos = 0;

  // The next pickle in the file; its records from `records`.
  Object pickle(const RecordLoader& records) {
    size_t used = 0;
    Object value = unpickle(reinterpret_cast<const char*>(file.data) + pos, file.nbytes - pos,
                            records, UnpickleLimits{}, &used);
    pos += used;
    return value;
  }
  uint64_t u64(const char* what) {
    if (file.nbytes - pos < 8) fail(std::string("the file ends inside ") + what);
    uint64_t v = 0;
    for (int k = 7; k >= 0; --k) v = (v << 8) | file.data[pos + static_cast<size_t>(k)];
    pos += 8;
    return v;
  }
};

const RecordLoader kNoRecords = [](const std::string&, uint64_t, size_t) -> Record {
  fail("a storage where none can be (in the legacy format's header)");
};

}  // namespace

bool is_legacy_format(const unsigned char* head, size_t n) {
  return n >= 2 + sizeof kMagic && head[0] == 0x80 &&
         std::memcmp(head + 2, kMagic, sizeof kMagic) == 0;
}

Object load_legacy(const Storage& file) {
  Reader in{file};
  const Object magic = in.pickle(kNoRecords);
  if (!magic.is<BigInt>() || magic.as<BigInt>().decimal != "119547037146038801333356")
    fail("Invalid magic number; corrupt file?");
  const Object version = in.pickle(kNoRecords);
  if (!version.is<int64_t>() || version.as<int64_t>() != kProtocolVersion)
    fail("Invalid protocol version: " + repr(version));
  const Object sys_info = in.pickle(kNoRecords);
  if (sys_info.is<Dict>()) {
    for (const auto& [key, value] : sys_info.as<Dict>().items)
      if (key.is<std::string>() && key.as<std::string>() == "little_endian" && value.is<bool>() &&
          !value.as<bool>())
        fail("a legacy file written on a big-endian machine is not supported");
  }

  // First pass over the object's pickle: where it ends, and the size and
  // element size of each storage it names (their bytes come after it).
  const size_t object_pos = in.pos;
  std::map<std::string, std::pair<uint64_t, size_t>> sizes;
  in.pickle([&](const std::string& key, uint64_t nbytes, size_t itemsize) {
    sizes.emplace(key, std::make_pair(nbytes, itemsize));
    return Record{zero_storage(nbytes), false};
  });

  // The keys, then each storage: its element count and bytes.
  const Object keys = in.pickle(kNoRecords);
  if (keys.is<IntList>()) fail("a storage key of the legacy file is not a str");
  if (!keys.is<List>()) fail("the legacy file's storage keys are not a list");
  std::map<std::string, std::shared_ptr<const Storage>> records;
  for (const Object& key_object : keys.as<List>()) {
    if (!key_object.is<std::string>()) fail("a storage key of the legacy file is not a str");
    const std::string& key = key_object.as<std::string>();
    const auto size = sizes.find(key);
    if (size == sizes.end()) fail("storage key " + printable(key) + " is not used by the object");
    const auto [nbytes, itemsize] = size->second;
    const uint64_t count = in.u64("a storage's size");
    if (count > (file.nbytes - in.pos) / itemsize)
      fail("storage " + printable(key) + " runs past the end of the file");
    if (count * itemsize != nbytes)
      fail("storage has wrong byte size: expected " + std::to_string(nbytes) + " got " +
           std::to_string(count * itemsize));
    auto storage = std::make_shared<Storage>();
    storage->data = file.data + in.pos;
    storage->nbytes = nbytes;
    storage->owner = file.owner;
    records[key] = std::move(storage);
    in.pos += nbytes;
  }

  // Second pass: the object, over the storages' bytes in the file.
  in.pos = object_pos;
  return in.pickle([&](const std::string& key, uint64_t, size_t) {
    const auto it = records.find(key);
    if (it == records.end())
      fail("storage " + printable(key) + " is not among the legacy file's storages");
    return Record{it->second, false};
  });
}

}  // namespace pyrepr::detail
