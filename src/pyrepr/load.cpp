// Reading torch.save files (the zip format of PyTorch >= 1.6) as the
// torch.load of PyTorch 1.13, 2.6 and 2.14 does (torch/serialization.py): the
// file (mapped, so that only the bytes printed are ever read), its records
// (data.pkl, data/<key>, byteorder), and the entry points. The archive is
// archive.cpp, the pickle machine unpickler.cpp.
#include "pyrepr/load.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <new>

#include "pyrepr/archive.hpp"
#include "pyrepr/load_diagnostics.hpp"
#include "pyrepr/unpickler.hpp"

namespace pyrepr {
namespace {

using detail::fail;

// What the first bytes say about the file.
void check_signature(const unsigned char* head, size_t n) {
  if (n == 0) fail("empty file (not a torch.save archive)");
  if (n >= 4 && std::memcmp(head, "PK\x03\x04", 4) == 0) return;
  if (n >= 2 && head[0] == 0x80 && head[1] <= 5)
    fail(
        "legacy (non-zip) torch.save format, written by PyTorch < 1.6 or with "
        "_use_new_zipfile_serialization=False, is not supported");
  fail("not a torch.save archive (no zip signature)");
}

Object load_archive(const Storage& file) {
  check_signature(file.data, file.nbytes);
  const detail::Archive archive(file);
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
  const detail::RecordLoader records = [&](const std::string& key) {
    const std::string name = "data/" + key;
    if (!archive.has(name)) fail("missing storage record '" + detail::printable(name) + "'");
    return detail::Record{archive.get(name), byteswap};
  };
  return detail::unpickle(reinterpret_cast<const char*>(pkl->data), pkl->nbytes, records);
}

Object load_guarded(const std::string& where, const std::function<Object()>& body) {
  try {
    return body();
  } catch (const LoadError& e) {
    throw LoadError(one_line(where + ": " + e.what()));
  } catch (const std::bad_alloc&) {
    throw LoadError(one_line(where + ": out of memory"));
  } catch (const std::exception& e) {
    throw LoadError(one_line(where + ": " + detail::first_line(e.what())));
  }
}

// The file's bytes, mapped read-only: pages are read from disk only when
// touched, so printing a summary of a large tensor reads a few of them.
Storage map_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
  // (forever); with it the open returns and fstat below refuses the FIFO.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) fail(std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    fail(std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    fail(std::strerror(EISDIR));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(S_ISFIFO(st.st_mode)   ? "a FIFO (named pipe), not a regular file"
         : S_ISSOCK(st.st_mode) ? "a socket, not a regular file"
         : S_ISCHR(st.st_mode)  ? "a character device, not a regular file"
         : S_ISBLK(st.st_mode)  ? "a block device, not a regular file"
                                : "not a regular file");
  }
  const auto size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    // A file of /proc or /sys says it has 0 bytes but has content.
    char byte = 0;
    const ssize_t got = ::read(fd, &byte, 1);
    ::close(fd);
    if (got > 0)
      fail("a file whose size the system does not report (as in /proc), not a torch.save archive");
    fail("empty file (not a torch.save archive)");
  }
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int err = errno;
  ::close(fd);  // the mapping keeps the file
  if (p == MAP_FAILED) fail(std::string("cannot map the file: ") + std::strerror(err));
  Storage file;
  file.data = static_cast<const unsigned char*>(p);
  file.nbytes = size;
  file.owner = std::shared_ptr<void>(p, [size](void* q) { ::munmap(q, size); });
  return file;
}

}  // namespace

Object load(const std::string& path) {
  return load_guarded(path, [&] { return load_archive(map_file(path)); });
}

Object load_bytes(const std::string& bytes) {
  return load_guarded("<bytes>", [&] {
    // the tensors keep their own copy of the bytes
    auto copy = std::make_shared<std::string>(bytes);
    Storage file;
    file.data = reinterpret_cast<const unsigned char*>(copy->data());
    file.nbytes = copy->size();
    file.owner = copy;
    return load_archive(file);
  });
}

}  // namespace pyrepr
