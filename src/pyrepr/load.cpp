// Reading torch.save files (the zip format of PyTorch >= 1.6) as the
// torch.load of PyTorch 1.13, 2.6 and 2.14 does (torch/serialization.py): the
// zip archive, its records (data.pkl, data/<key>, byteorder), and the
// entry points. The pickle machine is unpickler.cpp.
#include "pyrepr/load.hpp"

#include <c10/util/Exception.h>
#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <new>

#include "pyrepr/load_diagnostics.hpp"
#include "pyrepr/torch_features.hpp"
#include "pyrepr/unpickler.hpp"
#include "pyrepr/zip_check.hpp"

namespace pyrepr {

// ---------------------------------------------------------------------------
// The zip archive

namespace {

using detail::fail;

// Bounds-checked reads from memory or from a file descriptor.
class MemoryAdapter final : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit MemoryAdapter(const std::string& data) : data_(data) {}
  size_t size() const override { return data_.size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
    if (pos >= data_.size()) return 0;
    size_t k = std::min<uint64_t>(n, data_.size() - pos);
    std::memcpy(buf, data_.data() + pos, k);
    return k;
  }

 private:
  const std::string& data_;
};

class FileAdapter final : public caffe2::serialize::ReadAdapterInterface {
 public:
  FileAdapter(int fd, size_t size) : fd_(fd), size_(size) {}
  ~FileAdapter() override { ::close(fd_); }
  size_t size() const override { return size_; }
  size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
    if (pos >= size_) return 0;
    n = std::min<uint64_t>(n, size_ - pos);
    size_t done = 0;
    while (done < n) {
      ssize_t r =
          ::pread(fd_, static_cast<char*>(buf) + done, n - done, static_cast<off_t>(pos + done));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      done += static_cast<size_t>(r);
    }
    return done;
  }

 private:
  int fd_;
  size_t size_;
};

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

Object load_archive(std::shared_ptr<caffe2::serialize::ReadAdapterInterface> in) {
  // PyTorchStreamReader trusts the sizes the zip claims: check them first.
  detail::check_zip(*in);
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
  try {
    reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(std::move(in));
  } catch (const c10::Error& e) {
    fail("corrupt or truncated zip archive: " + detail::c10_message(e));
  } catch (const std::exception& e) {
    fail(std::string("corrupt or truncated zip archive: ") + e.what());
  }
  auto get = [&](const std::string& name) {
    try {
      return reader->getRecord(name);
    } catch (const c10::Error& e) {
      fail("cannot read record '" + detail::printable(name) + "': " + detail::c10_message(e));
    } catch (const std::bad_alloc&) {
      fail("cannot read record '" + name + "': out of memory");
    }
  };
  auto has = [&](const std::string& name) {
    try {
      return reader->hasRecord(name);
    } catch (const c10::Error& e) {
      fail("corrupt zip archive: " + detail::c10_message(e));
    }
  };
  if (has("constants.pkl")) fail("a TorchScript archive (torch.jit.save), not a torch.save file");
  if (!has("data.pkl")) fail("no data.pkl record in the archive (not a torch.save file)");
  // PyTorch >= 2.0 records the byte order of the machine that wrote the
  // file (and 2.x swaps the bytes of storages written on a big-endian one);
  // its other records (.data/serialization_id, .format_version,
  // .storage_alignment) do not change what is loaded.
  bool byteswap = false;
  if (has("byteorder")) {
    auto [bo, bo_size] = get("byteorder");
    std::string order(static_cast<const char*>(bo.get()), bo_size);
    if (order != "little" && order != "big")
      fail("Unknown endianness type: " + detail::printable(order));
    byteswap = order == "big";
  }
  auto [pkl, pkl_size] = get("data.pkl");
  detail::RecordLoader records = [&](const std::string& key) {
    std::string name = "data/" + key;
    if (!has(name)) fail("missing storage record '" + detail::printable(name) + "'");
    auto [ptr, size] = get(name);
    return detail::Record{std::move(ptr), size, byteswap};
  };
  return detail::unpickle(static_cast<const char*>(pkl.get()), pkl_size, records);
}

Object load_guarded(const std::string& where, const std::function<Object()>& body) {
  try {
    return body();
  } catch (const LoadError& e) {
    throw LoadError(one_line(where + ": " + e.what()));
  } catch (const c10::Error& e) {
    throw LoadError(one_line(where + ": " + detail::c10_message(e)));
  } catch (const std::bad_alloc&) {
    throw LoadError(one_line(where + ": out of memory"));
  } catch (const std::exception& e) {
    throw LoadError(one_line(where + ": " + detail::first_line(e.what())));
  }
}

}  // namespace

namespace {

// A c10 warning handler that drops every warning.
class DropWarnings final : public c10::WarningHandler {
 public:
#if PYREPR_WARNING_HANDLER_TAKES_WARNING
  void process(const c10::Warning& /*warning*/) override {}
#else
  void process(const c10::SourceLocation& /*where*/, const std::string& /*msg*/,
               bool /*verbatim*/) override {}
#endif
};

#if PYREPR_WARNING_HANDLER_TAKES_WARNING
namespace warning_utils = c10::WarningUtils;
#else
namespace warning_utils = c10::Warning;
#endif

}  // namespace

QuietTorchWarnings::QuietTorchWarnings() : previous_(warning_utils::get_warning_handler()) {
  static DropWarnings drop;
  warning_utils::set_warning_handler(&drop);
}

QuietTorchWarnings::~QuietTorchWarnings() {
  warning_utils::set_warning_handler(static_cast<c10::WarningHandler*>(previous_));
}

Object load(const std::string& path) {
  return load_guarded(path, [&] {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      fail(std::strerror(err));
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      fail(std::strerror(EISDIR));
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd);
      fail("not a regular file");
    }
    auto adapter = std::make_shared<FileAdapter>(fd, static_cast<size_t>(st.st_size));
    unsigned char head[4] = {0, 0, 0, 0};
    size_t got = adapter->read(0, head, sizeof head, "signature");
    check_signature(head, got);
    return load_archive(adapter);
  });
}

Object load_bytes(const std::string& bytes) {
  return load_guarded("<bytes>", [&] {
    check_signature(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return load_archive(std::make_shared<MemoryAdapter>(bytes));
  });
}

}  // namespace pyrepr
