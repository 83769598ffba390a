// ptcat: for_each_piece (values.hpp).
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ptcat {

template <class Work>
void for_each_piece(const Pieces& pieces, unsigned threads, Work&& work) {
  const auto n = pieces.size();
  const unsigned workers = static_cast<unsigned>(std::min<size_t>(std::max(threads, 1U), n));
  if (workers <= 1) {
    for (size_t k = 0; k < n; ++k) work(0U, k);
    return;
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex error_lock;
  auto run = [&](unsigned worker) {
    try {
      for (size_t k = next++; k < n && !stop; k = next++) work(worker, k);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_lock);
      if (!error) error = std::current_exception();
      stop = true;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < workers; ++w) pool.emplace_back(run, w);
  run(0);
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace ptcat
