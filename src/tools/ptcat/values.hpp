// ptcat: a tensor's values read in pieces, in row-major order, so that a
// tensor of gigabytes is read once, piece by piece, by several threads,
// without ever being held whole in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pyrepr/tensor_data.hpp"

namespace ptcat {

// Can values be read: a strided tensor of real values (bool, integer,
// floating, quantized)? Otherwise `why` says why not ("complex", ...).
bool readable(const pyrepr::TensorData& t, std::string& why);

// Is the dtype bool or integral (its values exact as int64)?
bool integral(const pyrepr::TensorData& t);

// The pieces of a tensor: piece k holds the flat (row-major) indices
// [first(k), first(k) + count(k)). Two tensors of the same shape have the
// same pieces, so that their values can be read side by side.
class Pieces {
 public:
  explicit Pieces(const pyrepr::TensorData& t);
  size_t size() const { return count_; }
  // Piece k's values as t.double() gives them (quantized: dequantized), into
  // `out` (resized); returns its first flat index.
  int64_t read(size_t k, std::vector<double>& out) const;
  // The same exactly as int64 (bool and integral dtypes only).
  int64_t read(size_t k, std::vector<int64_t>& out) const;
  // Piece k's elements where they are, when they are float32 or float64,
  // contiguous, aligned and not negated: their type, `data` and `n` set
  // (the pages mapped). Otherwise ElementType::UInt8: read them instead.
  pyrepr::ElementType in_memory(size_t k, const unsigned char*& data, size_t& n) const;

 private:
  pyrepr::TensorData piece(size_t k, int64_t& first) const;
  const pyrepr::TensorData& t_;
  bool whole_ = false;  // one piece: the tensor itself
  size_t split_ = 0;    // the dim split into row blocks
  int64_t rows_ = 1;    // rows of dim split_ per piece
  int64_t inner_ = 1;   // elements per row of dim split_
  size_t blocks_ = 1;   // row blocks per outer index
  size_t count_ = 1;
};

// Runs work(worker, k) for each piece k, on up to `threads` threads (fewer
// for a small tensor); worker < threads tells whose state to use. The first
// exception thrown is rethrown once all have stopped.
template <class Work>
void for_each_piece(const Pieces& pieces, unsigned threads, Work&& work);

// The number of worker threads to use (the machine's cores, at most 8).
unsigned worker_threads();

}  // namespace ptcat

#include "values_impl.hpp"
