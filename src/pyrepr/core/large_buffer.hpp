// Core (no LibTorch): an allocator for the big temporary arrays of a full
// print (the displayed values, their formatted text, the output text). A
// block of 2 MiB or more is mapped on its own, aligned to 2 MiB and advised
// as transparent huge pages, as c10's alloc_cpu does for tensors
// (c10/core/impl/alloc_cpu.cpp); it goes back to the system when freed.
// A full print of 1000x1000 writes ~50 MB of fresh memory: with 4 KiB pages
// that was ~13,000 page faults, a fifth of its time. Smaller blocks, and
// systems without madvise, use operator new.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <vector>

namespace pyrepr::detail {

// `bytes` of memory, aligned for any type; throws std::bad_alloc.
void* allocate_large(size_t bytes);
// Frees what allocate_large(bytes) returned, with the same `bytes`.
void deallocate_large(void* p, size_t bytes) noexcept;
// Whether blocks of 2 MiB or more are mapped (Linux, not under ASan).
bool large_blocks_mapped();

template <typename T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <typename U>
  constexpr LargeAllocator(const LargeAllocator<U>& /*other*/) noexcept {}
  T* allocate(size_t n) { return static_cast<T*>(allocate_large(n * sizeof(T))); }
  void deallocate(T* p, size_t n) noexcept { deallocate_large(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const LargeAllocator<U>& /*other*/) const noexcept {
    return true;
  }
  template <typename U>
  bool operator!=(const LargeAllocator<U>& /*other*/) const noexcept {
    return false;
  }
};

template <typename T>
using LargeVector = std::vector<T, LargeAllocator<T>>;

// The text buffer the printers write into.
using TextBuffer = fmt::basic_memory_buffer<char, fmt::inline_buffer_size, LargeAllocator<char>>;

}  // namespace pyrepr::detail
