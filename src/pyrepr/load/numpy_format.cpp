// numpy's .npy and .npz (other_formats.hpp), by numpy's format specification
// (numpy/lib/format.py): "\x93NUMPY", major and minor version, the header's
// length (2 bytes in version 1, 4 in 2 and 3), the header (a Python dict
// literal: 'descr', 'fortran_order', 'shape'), then the array's bytes.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pyrepr/dtype.hpp"
#include "pyrepr/load.hpp"
#include "pyrepr/load/load_diagnostics.hpp"
#include "pyrepr/load/other_formats.hpp"

namespace pyrepr::detail {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

// What torch.from_numpy accepts, by numpy's type code.
const DType* numpy_dtype(const std::string& code) {
  if (code == "b1") return &dtypes::bool_;
  if (code == "u1") return &dtypes::uint8;
  if (code == "i1") return &dtypes::int8;
  if (code == "i2") return &dtypes::int16;
  if (code == "i4") return &dtypes::int32;
  if (code == "i8") return &dtypes::int64;
  if (code == "f2") return &dtypes::float16;
  if (code == "f4") return &dtypes::float32;
  if (code == "f8") return &dtypes::float64;
  if (code == "c8") return &dtypes::complex64;
  if (code == "c16") return &dtypes::complex128;
  return nullptr;
}

// The value of 'key' in the header's dict literal: the text after "'key':"
// up to the next top-level comma (a tuple's commas are inside parentheses).
std::string header_value(const std::string& header, const std::string& key) {
  const std::string quoted[] = {"'" + key + "'", "\"" + key + "\""};
  size_t at = std::string::npos;
  for (const auto& q : quoted) at = std::min(at, header.find(q));
  if (at == std::string::npos) fail("npy: the header has no '" + key + "'");
  at = header.find(':', at);
  if (at == std::string::npos) fail("npy: the header's '" + key + "' has no value");
  ++at;
  int depth = 0;
  size_t end = at;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if ((c == ',' || c == '}') && depth <= 0) break;
  }
  std::string v = header.substr(at, end - at);
  const auto first = v.find_first_not_of(" \t");
  const auto last = v.find_last_not_of(" \t");
  return first == std::string::npos ? std::string() : v.substr(first, last - first + 1);
}

std::vector<int64_t> parse_shape(const std::string& text) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')')
    fail("npy: the shape '" + printable(text) + "' is not a tuple");
  std::vector<int64_t> shape;
  std::string inner = text.substr(1, text.size() - 2);
  size_t at = 0;
  while (at < inner.size()) {
    while (at < inner.size() && (inner[at] == ' ' || inner[at] == ',')) ++at;
    if (at == inner.size()) break;
    size_t end = at;
    while (end < inner.size() && std::isdigit(static_cast<unsigned char>(inner[end]))) ++end;
    if (end == at || end - at > 18) fail("npy: the shape '" + printable(text) + "' is not sizes");
    shape.push_back(std::stoll(inner.substr(at, end - at)));
    at = end;
    while (at < inner.size() && inner[at] == ' ') ++at;
    if (at < inner.size() && inner[at] != ',')
      fail("npy: the shape '" + printable(text) + "' is not sizes");
  }
  return shape;
}

}  // namespace

bool is_npy(const unsigned char* head, size_t n) {
  return n >= kMagicSize && std::memcmp(head, kMagic, kMagicSize) == 0;
}

Object load_npy(const Storage& bytes) {
  const unsigned char* p = bytes.data;
  const size_t n = bytes.nbytes;
  if (n < kMagicSize + 4) fail("npy: the file ends inside its header");
  const int major = p[6];
  size_t header_len = 0, start = 0;
  if (major == 1) {
    header_len = p[8] | (static_cast<size_t>(p[9]) << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (n < 12) fail("npy: the file ends inside its header");
    header_len = p[8] | (static_cast<size_t>(p[9]) << 8) | (static_cast<size_t>(p[10]) << 16) |
                 (static_cast<size_t>(p[11]) << 24);
    start = 12;
  } else {
    fail("npy: unsupported format version " + std::to_string(major) + "." + std::to_string(p[7]));
  }
  if (header_len > n - start) fail("npy: the file ends inside its header");
  const std::string header(reinterpret_cast<const char*>(p + start), header_len);
  const size_t data_at = start + header_len;

  const std::string descr = header_value(header, "descr");
  if (descr.size() < 4 || (descr.front() != '\'' && descr.front() != '"') ||
      descr.back() != descr.front())
    fail("npy: a structured dtype " + printable(descr) +
         " (torch.from_numpy takes plain arrays only)");
  const std::string code = descr.substr(1, descr.size() - 2);
  const char order = code[0];
  const DType* d = numpy_dtype(code.substr(1));
  if (!d || (order != '<' && order != '>' && order != '|' && order != '='))
    fail("npy: can't convert np.ndarray of type " + printable(code) +
         ". The only supported types are: float64, float32, float16, complex64, complex128, "
         "int64, int32, int16, int8, uint8, and bool.");
  if (order == '>' && d->itemsize > 1)
    fail(
        "npy: given numpy array has byte order different from the native byte order. "
        "Conversion between byte orders is currently not supported.");
  const std::string fortran = header_value(header, "fortran_order");
  if (fortran != "True" && fortran != "False")
    fail("npy: fortran_order is '" + printable(fortran) + "', not True or False");
  const std::vector<int64_t> shape = parse_shape(header_value(header, "shape"));

  uint64_t numel = 1;
  for (int64_t s : shape)
    if (__builtin_mul_overflow(numel, static_cast<uint64_t>(s), &numel))
      fail("npy: the shape's size overflows");
  uint64_t size = 0;
  if (__builtin_mul_overflow(numel, static_cast<uint64_t>(d->itemsize), &size) ||
      size > n - data_at)
    fail("npy: the data is " + std::to_string(n - data_at) + " bytes, shorter than the " +
         std::to_string(numel) + " elements of its shape");

  TensorData t;
  t.dtype = d;
  t.sizes = shape;
  t.strides.assign(shape.size(), 1);
  if (fortran == "True") {  // column-major: from_numpy keeps numpy's strides
    for (size_t k = 1; k < shape.size(); ++k)
      t.strides[k] = t.strides[k - 1] * std::max<int64_t>(shape[k - 1], 1);
  } else {
    for (size_t k = shape.size(); k-- > 1;)
      t.strides[k - 1] = t.strides[k] * std::max<int64_t>(shape[k], 1);
  }
  auto storage = std::make_shared<Storage>();
  storage->data = p + data_at;
  storage->nbytes = size;
  storage->owner = bytes.owner;
  t.storage = std::move(storage);
  return Object(std::move(t));
}

bool is_npz(const Archive& archive) {
  const auto& entries = archive.entries();
  if (entries.empty()) return false;
  return std::all_of(entries.begin(), entries.end(), [](const Archive::Entry& e) {
    return e.name.size() > 4 && e.name.compare(e.name.size() - 4, 4, ".npy") == 0;
  });
}

Object load_npz(const Archive& archive) {
  Dict out;
  for (const auto& e : archive.entries()) {
    const std::string key = e.name.substr(0, e.name.size() - 4);
    const std::shared_ptr<const Storage> bytes = archive.get(e.name);
    if (!is_npy(bytes->data, bytes->nbytes))
      fail("npz: '" + printable(e.name) + "' is not a .npy file");
    Storage kept = *bytes;
    kept.owner = bytes;  // which keeps the file's mapping, or the inflated bytes
    Object array;
    try {
      array = load_npy(kept);
    } catch (const LoadError& err) {
      fail("npz: '" + printable(e.name) + "': " + err.what());
    }
    out.items.emplace_back(Object(key), std::move(array));
  }
  return Object(std::move(out));
}

}  // namespace pyrepr::detail
