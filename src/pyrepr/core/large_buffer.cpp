#include "pyrepr/core/large_buffer.hpp"

#include <cstdint>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace pyrepr::detail {

// Under AddressSanitizer every block comes from operator new, so that ASan
// still checks each access.
#if defined(__SANITIZE_ADDRESS__)
#define PYREPR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PYREPR_ASAN 1
#endif
#endif

#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(PYREPR_ASAN)

namespace {
constexpr size_t kHugePage = size_t{2} << 20;  // x86-64's and aarch64's THP size

// n rounded up to a multiple of 2 MiB (only mapped blocks need these: under
// ASan they would be unused)
size_t round_up(size_t n) { return (n + kHugePage - 1) / kHugePage * kHugePage; }
}  // namespace

void* allocate_large(size_t bytes) {
  if (bytes < kHugePage) return ::operator new(bytes);
  if (bytes > SIZE_MAX - 2 * kHugePage) throw std::bad_alloc();
  // Map one huge page more than needed, and unmap what lies before the first
  // 2 MiB boundary and after the block.
  const size_t length = round_up(bytes);
  void* mapped =
      mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<uintptr_t>(mapped);
  const uintptr_t aligned = round_up(start);
  if (aligned > start) munmap(mapped, aligned - start);
  const uintptr_t tail = aligned + length, end = start + length + kHugePage;
  if (end > tail) munmap(reinterpret_cast<void*>(tail), end - tail);
  auto* block = reinterpret_cast<void*>(aligned);
  madvise(block, length, MADV_HUGEPAGE);  // advice: ignored where THP is off
  return block;
}

bool large_blocks_mapped() { return true; }

void deallocate_large(void* p, size_t bytes) noexcept {
  if (p == nullptr) return;
  if (bytes < kHugePage) return ::operator delete(p);
  munmap(p, round_up(bytes));
}

#else

bool large_blocks_mapped() { return false; }
void* allocate_large(size_t bytes) { return ::operator new(bytes); }
void deallocate_large(void* p, size_t /*bytes*/) noexcept { ::operator delete(p); }

#endif

}  // namespace pyrepr::detail
