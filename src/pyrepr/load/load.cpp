// Reading torch.save files (the zip format of PyTorch >= 1.6) as the
// torch.load of PyTorch 1.13, 2.6 and 2.14 does (torch/serialization.py): the
// file (mapped_file.cpp: only the bytes printed are ever read), its records
// (data.pkl, data/<key>, byteorder), and the entry points. The archive is
// archive.cpp, the pickle machine unpickler.cpp.
#include "pyrepr/load.hpp"

#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <string>

#include "pyrepr/load/archive.hpp"
#include "pyrepr/load/legacy_format.hpp"
#include "pyrepr/load/load_diagnostics.hpp"
#include "pyrepr/load/mapped_file.hpp"
#include "pyrepr/load/other_formats.hpp"
#include "pyrepr/load/unpickler.hpp"

namespace pyrepr {
namespace {

using detail::fail;

// What the first bytes say about the file: a zip archive (true), the legacy
// format (false), or neither (LoadError).
bool check_signature(const unsigned char* head, size_t n) {
  if (n == 0) fail("empty file (not a torch.save archive)");
  if (n >= 4 && std::memcmp(head, "PK\x03\x04", 4) == 0) return true;
  if (n >= 4 && std::memcmp(head, "PK\x05\x06", 4) == 0)
    fail("an empty zip archive (not a torch.save file)");
  if (detail::is_legacy_format(head, n)) return false;
  if (n >= 2 && head[0] == 0x80 && head[1] <= 5)
    fail(
        "a pickle, but not one torch.save wrote (torch.load: 'Invalid magic number; corrupt "
        "file?')");
  fail(
      "not a torch.save archive, safetensors, .npy, .npz or sharded index (no signature of "
      "one)");
}

// Which reader: by the file's content (other_formats.hpp), else torch.save's
// zip or legacy format. `path` names an index's folder ("" for bytes).
Object load_content(const Storage& file, const std::string& path, bool index_ok) {
  const unsigned char* head = file.data;
  const size_t n = file.nbytes;
  if (detail::is_npy(head, n)) return detail::load_npy(file);
  if (detail::is_safetensors(head, n)) return detail::load_safetensors(file);
  if (detail::is_sharded_index(head, n)) {
    if (!index_ok) fail("a sharded index where a shard was expected");
    if (path.empty()) fail("a sharded index, read from bytes: its shards are files beside it");
    return detail::load_sharded(file, path);
  }
  if (!check_signature(head, n)) return detail::load_legacy(file);
  detail::Archive archive(file);
  if (detail::is_npz(archive)) return detail::load_npz(archive);
  archive.expect_torch_save();
  if (archive.has("constants.pkl"))
    fail("a TorchScript archive (torch.jit.save), not a torch.save file");
  // PyTorch >= 2.0 records the byte order of the machine that wrote the
  // file (and 2.x swaps the bytes of storages written on a big-endian one);
  // its other records (.data/serialization_id, .format_version,
  // .storage_alignment) do not change what is loaded.
  bool byteswap = false;
  if (archive.has("byteorder")) {
    const auto bo = archive.get("byteorder");
    const std::string order(reinterpret_cast<const char*>(bo->data), bo->nbytes);
    if (order != "little" && order != "big")
      fail("Unknown endianness type: " + detail::printable(order));
    byteswap = order == "big";
  }
  const auto pkl = archive.get("data.pkl");
  const detail::RecordLoader records = [&](const std::string& key, uint64_t, size_t) {
    const std::string name = "data/" + key;
    if (!archive.has(name)) fail("missing storage record '" + detail::printable(name) + "'");
    return detail::Record{archive.get(name), byteswap};
  };
  return detail::unpickle(reinterpret_cast<const char*>(pkl->data), pkl->nbytes, records);
}

// `body`'s result, or a LoadError whose message starts with `where`. A file
// that shrank while it was read (a vanished page of its mapping read as zeros)
// is "the file changed while it was read", whatever the zeros did.
Object load_guarded(const std::string& where, const std::function<Object()>& body) {
  const detail::FileChangeCheck check;
  try {
    Object loaded = body();
    if (check.changed()) throw LoadError(detail::file_changed_message());
    return loaded;
  } catch (const LoadError& e) {
    if (check.changed()) throw LoadError(one_line(where + ": " + detail::file_changed_message()));
    throw LoadError(one_line(where + ": " + e.what()));
  } catch (const std::bad_alloc&) {
    if (check.changed()) throw LoadError(one_line(where + ": " + detail::file_changed_message()));
    throw LoadError(one_line(where + ": out of memory"));
  } catch (const std::exception& e) {
    if (check.changed()) throw LoadError(one_line(where + ": " + detail::file_changed_message()));
    throw LoadError(one_line(where + ": " + detail::first_line(e.what())));
  }
}

Object load_file(const std::string& path, bool index_ok) {
  return load_guarded(path, [&] {
    const auto file = detail::MappedFile::open(path);
    Object loaded = load_content(file->storage(), path, index_ok);
    // torch.save truncates and rewrites in place: a file rewritten while it
    // was read may still have every page, but not the same size or age.
    if (file->changed_on_disk()) fail(detail::file_changed_message());
    return loaded;
  });
}

}  // namespace

Object load(const std::string& path) { return load_file(path, true); }

namespace detail {
Object load_shard(const std::string& path) { return load_file(path, false); }
}  // namespace detail

Object load_bytes(const std::string& bytes) {
  return load_guarded("<bytes>", [&] {
    // the tensors keep their own copy of the bytes
    auto copy = std::make_shared<std::string>(bytes);
    Storage file;
    file.data = reinterpret_cast<const unsigned char*>(copy->data());
    file.nbytes = copy->size();
    file.owner = copy;
    return load_content(file, "", true);
  });
}

std::string one_line(const std::string& s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

void check_unchanged(const TensorData& t) {
  if (t.storage && detail::in_vanished_file(t.storage->data))
    throw LoadError(detail::file_changed_message());
}

}  // namespace pyrepr
