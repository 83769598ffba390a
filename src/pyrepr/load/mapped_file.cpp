// Mapped files and the SIGBUS handler that keeps a shrinking one from killing
// the process (mapped_file.hpp).
#include "pyrepr/load/mapped_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

#include "pyrepr/load/load_diagnostics.hpp"

namespace pyrepr::detail {
namespace {

// The mapped files the handler knows, as [begin, end) address ranges. A slot
// is free when its begin is 0. The handler only reads atomics: it is
// async-signal-safe. More files mapped at once than there are slots are read
// into memory instead (see MappedFile::open).
struct Region {
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};
  std::atomic<bool> vanished{false};  // a page of it was found gone
};
constexpr int kRegions = 1024;
Region g_regions[kRegions];
std::mutex g_slots;                       // taking and freeing slots (never in the handler)
std::atomic<bool> g_any_vanished{false};  // has any mapped file ever shrunk under us?

struct sigaction g_previous {};
std::atomic<uintptr_t> g_page_size{4096};

// Vanished pages this thread touched. The handler runs on the thread that
// touched the page; FileChangeCheck reads this thread's count.
thread_local uint64_t t_vanished_pages = 0;

void on_sigbus(int sig, siginfo_t* info, void* context) {
  const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
  for (Region& r : g_regions) {
    const uintptr_t begin = r.begin.load(std::memory_order_acquire);
    if (begin == 0 || addr < begin || addr >= r.end.load(std::memory_order_acquire)) continue;
    // A page of the file that is no longer there: zeros in its place (the
    // access is retried on return and reads them).
    const uintptr_t page = addr & ~(g_page_size.load(std::memory_order_relaxed) - 1);
    void* zeros = ::mmap(reinterpret_cast<void*>(page), g_page_size.load(std::memory_order_relaxed),
                         PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (zeros != MAP_FAILED) {
      ++t_vanished_pages;
      r.vanished.store(true, std::memory_order_release);
      g_any_vanished.store(true, std::memory_order_release);
      return;
    }
    break;
  }
  // Not a page of ours: what would have happened without this handler.
  if (g_previous.sa_flags & SA_SIGINFO) {
    g_previous.sa_sigaction(sig, info, context);
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
  } else {
    ::signal(SIGBUS, SIG_DFL);  // the access is retried and the default action ends the process
  }
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    const long page = ::sysconf(_SC_PAGESIZE);
    if (page > 0) g_page_size.store(static_cast<uintptr_t>(page), std::memory_order_relaxed);
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, &g_previous);
  });
}

int take_slot(const void* data, size_t size) {
  const std::lock_guard<std::mutex> lock(g_slots);
  for (int k = 0; k < kRegions; ++k) {
    if (g_regions[k].begin.load(std::memory_order_relaxed) != 0) continue;
    const auto begin = reinterpret_cast<uintptr_t>(data);
    g_regions[k].vanished.store(false, std::memory_order_release);
    g_regions[k].end.store(begin + size, std::memory_order_release);
    g_regions[k].begin.store(begin, std::memory_order_release);
    return k;
  }
  return -1;
}

void free_slot(int k) {
  const std::lock_guard<std::mutex> lock(g_slots);
  g_regions[k].begin.store(0, std::memory_order_release);
  g_regions[k].end.store(0, std::memory_order_release);
}

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

std::shared_ptr<const MappedFile> MappedFile::open(const std::string& path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
  // (forever); with it the open returns and fstat below refuses the FIFO.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) fail(std::strerror(errno));
  std::shared_ptr<MappedFile> file(new MappedFile);
  file->fd_ = fd;  // closed by the destructor from here on
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail(std::strerror(EISDIR));
  if (!S_ISREG(st.st_mode)) {
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
    if (::read(fd, &byte, 1) > 0)
      fail("a file whose size the system does not report (as in /proc), not a torch.save archive");
    fail("empty file (not a torch.save archive)");
  }
  file->mtime_ns_ = mtime_ns(st);
  install_handler();
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) fail(std::string("cannot map the file: ") + std::strerror(errno));
  file->data_ = static_cast<const unsigned char*>(p);
  file->size_ = size;
  file->slot_ = take_slot(p, size);
  if (file->slot_ < 0) {
    // Every slot taken: this file's bytes are read into memory instead.
    ::munmap(p, size);
    file->data_ = nullptr;
    auto* bytes = static_cast<unsigned char*>(
        ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (bytes == MAP_FAILED) fail("out of memory");
    file->data_ = bytes;
    for (size_t done = 0; done < size;) {
      const ssize_t got = ::pread(fd, bytes + done, size - done, static_cast<off_t>(done));
      if (got <= 0) fail(file_changed_message());
      done += static_cast<size_t>(got);
    }
  }
  return file;
}

MappedFile::~MappedFile() {
  if (slot_ >= 0) free_slot(slot_);
  if (data_) ::munmap(const_cast<unsigned char*>(data_), size_);
  if (fd_ >= 0) ::close(fd_);
}

Storage MappedFile::storage() const {
  Storage s;
  s.data = data_;
  s.nbytes = size_;
  s.owner = shared_from_this();
  return s;
}

bool MappedFile::changed_on_disk() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return true;
  return static_cast<size_t>(st.st_size) != size_ || mtime_ns(st) != mtime_ns_;
}

bool in_vanished_file(const void* p) {
  if (!g_any_vanished.load(std::memory_order_acquire)) return false;
  const auto addr = reinterpret_cast<uintptr_t>(p);
  const std::lock_guard<std::mutex> lock(g_slots);
  for (const Region& r : g_regions) {
    const uintptr_t begin = r.begin.load(std::memory_order_acquire);
    if (begin != 0 && addr >= begin && addr < r.end.load(std::memory_order_acquire))
      return r.vanished.load(std::memory_order_acquire);
  }
  return false;
}

FileChangeCheck::FileChangeCheck() : start_(t_vanished_pages) {}

bool FileChangeCheck::changed() const { return t_vanished_pages != start_; }

}  // namespace pyrepr::detail
