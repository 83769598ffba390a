// CPython's hash(str) and the iteration order of a set of str, for a given
// PYTHONHASHSEED: what `vocab = set(words)` followed by
// `{w: i for i, w in enumerate(vocab)}` gives in Python, reproduced in C++.
//
// The same in CPython 3.11, 3.13 and 3.14 (Debian 12, 13 and unstable): the
// string hash is SipHash-1-3 of the PEP 393 representation (Python/pyhash.c,
// Objects/unicodeobject.c), the secret comes from Python/bootstrap_hash.c,
// and the table code of Objects/setobject.c that set(iterable) runs has not
// changed between those releases. Checked against the live Python by
// tests/differential/run_python_hash.py.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pyrepr {

// _Py_HashSecret (24 bytes) as PYTHONHASHSEED=hash_seed makes it
// (_Py_HashRandomization_Init): 0 disables randomization (all zero bytes),
// any other value fills it with lcg_urandom(hash_seed).
std::array<uint8_t, 24> python_hash_secret(uint32_t hash_seed);

// hash(s) in CPython >= 3.11 (64-bit, little-endian) under PYTHONHASHSEED=hash_seed,
// s given as UTF-8. Throws std::invalid_argument if utf8 is not valid UTF-8
// (surrogate code points included: a Python str that holds one has no UTF-8).
int64_t python_str_hash(std::string_view utf8, uint32_t hash_seed);

// The iteration order of set(items) under PYTHONHASHSEED=hash_seed, i.e.
// list(set(items)): items are added in order, duplicates dropped. Throws
// std::invalid_argument if an item is not valid UTF-8.
std::vector<std::string> python_set_order(const std::vector<std::string>& items,
                                          uint32_t hash_seed);

}  // namespace pyrepr
