// CPython's hash(str) and set iteration order (python_hash.hpp). Each function
// mirrors the CPython function named in its comment; they read the same in
// CPython 3.11, 3.13 and 3.14.
#include "pyrepr/python_hash.hpp"

#include <cstddef>
#include <stdexcept>
#include <utility>

namespace pyrepr {

namespace {

// ---- Python/bootstrap_hash.c -------------------------------------------

// lcg_urandom(): the "random" bytes of a fixed PYTHONHASHSEED.
void lcg_urandom(uint32_t x0, uint8_t* buffer, size_t size) {
  uint32_t x = x0;
  for (size_t index = 0; index < size; index++) {
    x = x * 214013u + 2531011u;  // modulo 2**32
    buffer[index] = static_cast<uint8_t>((x >> 16) & 0xff);
  }
}

// ---- Python/pyhash.c ---------------------------------------------------

uint64_t le64(const uint8_t* p) {  // _le64toh(memcpy'd bytes) on a little-endian host
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

uint64_t rotate(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }  // ROTATE

// SINGLE_ROUND(v0,v1,v2,v3): two HALF_ROUNDs.
void single_round(uint64_t& v0, uint64_t& v1, uint64_t& v2, uint64_t& v3) {
  v0 += v1;  // HALF_ROUND(v0,v1,v2,v3,13,16)
  v2 += v3;
  v1 = rotate(v1, 13) ^ v0;
  v3 = rotate(v3, 16) ^ v2;
  v0 = rotate(v0, 32);
  v2 += v1;  // HALF_ROUND(v2,v1,v0,v3,17,21)
  v0 += v3;
  v1 = rotate(v1, 17) ^ v2;
  v3 = rotate(v3, 21) ^ v0;
  v2 = rotate(v2, 32);
}

// siphash13(): SipHash-1-3 (one compression round, three finalization rounds).
uint64_t siphash13(uint64_t k0, uint64_t k1, const uint8_t* in, size_t src_sz) {
  uint64_t b = static_cast<uint64_t>(src_sz) << 56;
  uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
  uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
  uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
  uint64_t v3 = k1 ^ 0x7465646279746573ULL;
  for (; src_sz >= 8; in += 8, src_sz -= 8) {
    const uint64_t mi = le64(in);
    v3 ^= mi;
    single_round(v0, v1, v2, v3);
    v0 ^= mi;
  }
  uint64_t t = 0;  // the last 0-7 bytes, little-endian
  for (size_t i = src_sz; i-- > 0;) t = (t << 8) | in[i];
  b |= t;
  v3 ^= b;
  single_round(v0, v1, v2, v3);
  v0 ^= b;
  v2 ^= 0xff;
  single_round(v0, v1, v2, v3);
  single_round(v0, v1, v2, v3);
  single_round(v0, v1, v2, v3);
  return (v0 ^ v1) ^ (v2 ^ v3);  // "modified"
}

// _Py_HashBytes() (Py_HashBuffer() in 3.14) with pysiphash(), Py_HASH_CUTOFF 0:
// sys.hash_info of Debian's Python is algorithm='siphash13', cutoff=0.
int64_t hash_bytes(const std::vector<uint8_t>& data, uint32_t hash_seed) {
  if (data.empty()) return 0;  // the empty string hashes to 0
  const std::array<uint8_t, 24> secret = python_hash_secret(hash_seed);
  // _Py_HashSecret.siphash.k0, k1: its first 16 bytes
  const uint64_t x =
      siphash13(le64(secret.data()), le64(secret.data() + 8), data.data(), data.size());
  const auto h = static_cast<int64_t>(x);
  return h == -1 ? -2 : h;  // -1 is reserved for errors
}

// ---- Objects/unicodeobject.c -------------------------------------------

// What unicode_hash() hashes: PyUnicode_DATA, GET_LENGTH * KIND bytes. PEP 393
// stores 1 byte per character if all are < 256 (latin-1), else 2 if all are
// < 65536 (UCS-2), else 4 (UCS-4), in the machine's byte order (little-endian).
std::vector<uint8_t> pep393_data(std::string_view utf8) {
  std::vector<uint32_t> cps;
  cps.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<uint8_t>(utf8[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      n = 1;
      cp = c;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      cp = c & 0x07u;
    }
    bool ok = n != 0 && i + n <= utf8.size();
    for (size_t k = 1; ok && k < n; k++) {
      const auto cc = static_cast<uint8_t>(utf8[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    ok = ok && !(n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) &&
         !(n == 4 && (cp < 0x10000 || cp > 0x10FFFF));
    if (!ok) {
      throw std::invalid_argument("python_str_hash: the string is not valid UTF-8 (at byte " +
                                  std::to_string(i) + ")");
    }
    cps.push_back(cp);
    i += n;
  }
  uint32_t max_cp = 0;
  for (uint32_t cp : cps) max_cp = cp > max_cp ? cp : max_cp;
  const size_t kind = max_cp < 0x100 ? 1 : max_cp < 0x10000 ? 2 : 4;  // PyUnicode_KIND
  std::vector<uint8_t> data;
  data.reserve(cps.size() * kind);
  for (uint32_t cp : cps) {
    for (size_t k = 0; k < kind; k++) data.push_back(static_cast<uint8_t>(cp >> (8 * k)));
  }
  return data;
}

// ---- Objects/setobject.c -----------------------------------------------

constexpr size_t PySet_MINSIZE = 8;
constexpr size_t LINEAR_PROBES = 9;
constexpr int PERTURB_SHIFT = 5;

struct setentry {
  const std::string* key = nullptr;  // NULL: unused (a new set has no dummies)
  int64_t hash = 0;
};

struct PySetObject {
  std::vector<setentry> table = std::vector<setentry>(PySet_MINSIZE);  // the smalltable
  size_t mask = PySet_MINSIZE - 1;
  size_t fill = 0;  // == used: nothing is ever deleted here
  size_t used = 0;
};

// set_insert_clean(): put a key known to be absent into a table without
// dummies, at the first unused slot of its probe sequence (found_null).
void set_insert_clean(std::vector<setentry>& table, size_t mask, const std::string* key,
                      int64_t hash) {
  size_t perturb = static_cast<size_t>(hash);
  size_t i = static_cast<size_t>(hash) & mask;
  while (true) {
    setentry* entry = &table[i];
    // table[i], then table[i+1..i+LINEAR_PROBES] if they are within the table
    size_t probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
    do {
      if (entry->key == nullptr) {  // found_null
        entry->key = key;
        entry->hash = hash;
        return;
      }
      entry++;
    } while (probes--);
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

// set_table_resize(): a table of the smallest power of two > minused (at
// least PySet_MINSIZE), every key re-inserted in the old table's slot order.
// (Its "small table, no dummies: nothing to do" case never occurs here:
// minused is used * 4 >= 20.)
void set_table_resize(PySetObject& so, size_t minused) {
  size_t newsize = PySet_MINSIZE;
  while (newsize <= minused) newsize <<= 1;
  const std::vector<setentry> oldtable = std::move(so.table);
  so.table.assign(newsize, setentry{});
  so.mask = newsize - 1;
  for (const setentry& entry : oldtable) {
    if (entry.key != nullptr) set_insert_clean(so.table, so.mask, entry.key, entry.hash);
  }
}

// set_add_entry(): the same probe sequence; a key already there (same hash,
// equal string) is not added again (found_active), a new one takes the first
// unused slot (found_unused), and the table grows once it is 3/5 full.
void set_add_entry(PySetObject& so, const std::string* key, int64_t hash) {
  const size_t mask = so.mask;
  size_t i = static_cast<size_t>(hash) & mask;
  size_t perturb = static_cast<size_t>(hash);
  while (true) {
    setentry* entry = &so.table[i];
    size_t probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
    do {
      if (entry->key == nullptr) {  // found_unused
        so.fill++;
        so.used++;
        entry->key = key;
        entry->hash = hash;
        if (so.fill * 5 < mask * 3) return;
        set_table_resize(so, so.used > 50000 ? so.used * 2 : so.used * 4);
        return;
      }
      if (entry->hash == hash && *entry->key == *key) return;  // found_active
      entry++;
    } while (probes--);
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

}  // namespace

std::array<uint8_t, 24> python_hash_secret(uint32_t hash_seed) {
  // _Py_HashRandomization_Init() with use_hash_seed
  std::array<uint8_t, 24> secret{};  // PYTHONHASHSEED=0: disable the randomized hash
  if (hash_seed != 0) lcg_urandom(hash_seed, secret.data(), secret.size());
  return secret;
}

int64_t python_str_hash(std::string_view utf8, uint32_t hash_seed) {
  return hash_bytes(pep393_data(utf8), hash_seed);  // unicode_hash()
}

std::vector<std::string> python_set_order(const std::vector<std::string>& items,
                                          uint32_t hash_seed) {
  // make_new_set(): set_update_internal() (3.11), set_update_iterable_lock_held()
  // (3.13, 3.14): set_add_key() of each item in turn, from a table of PySet_MINSIZE
  PySetObject so;
  for (const std::string& item : items) {
    set_add_entry(so, &item, python_str_hash(item, hash_seed));
  }
  // setiter_iternext(): the active slots in table order
  std::vector<std::string> order;
  order.reserve(so.used);
  for (const setentry& entry : so.table) {
    if (entry.key != nullptr) order.push_back(*entry.key);
  }
  return order;
}

}  // namespace pyrepr
