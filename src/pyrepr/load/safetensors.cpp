// safetensors (other_formats.hpp), by the format's specification: a
// little-endian u64 N, N bytes of a JSON object {name: {"dtype", "shape",
// "data_offsets": [begin, end]}, "__metadata__": {...}}, then the data, which
// the tensors cover exactly, one after another (safe_open refuses any other).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pyrepr/dtype.hpp"
#include "pyrepr/load/load_diagnostics.hpp"
#include "pyrepr/load/other_formats.hpp"

namespace pyrepr::detail {

namespace {

// safetensors' own limit on the header (MAX_HEADER_SIZE).
constexpr uint64_t kMaxHeader = 100'000'000;

uint64_t le64(const unsigned char* p) {
  uint64_t v = 0;
  for (int k = 7; k >= 0; --k) v = (v << 8) | p[k];
  return v;
}

const DType* safetensors_dtype(const std::string& name) {
  static const std::map<std::string, const DType*> table = {
      {"BOOL", &dtypes::bool_},
      {"U8", &dtypes::uint8},
      {"I8", &dtypes::int8},
      {"I16", &dtypes::int16},
      {"U16", &dtypes::uint16},
      {"I32", &dtypes::int32},
      {"U32", &dtypes::uint32},
      {"I64", &dtypes::int64},
      {"U64", &dtypes::uint64},
      {"F16", &dtypes::float16},
      {"BF16", &dtypes::bfloat16},
      {"F32", &dtypes::float32},
      {"F64", &dtypes::float64},
      {"F8_E5M2", &dtypes::float8_e5m2},
      {"F8_E4M3", &dtypes::float8_e4m3fn},
      {"F8_E8M0", &dtypes::float8_e8m0fnu},
      {"C64", &dtypes::complex64},
  };
  const auto it = table.find(name);
  return it == table.end() ? nullptr : it->second;
}

struct Info {
  std::string name;
  const DType* dtype;
  std::vector<int64_t> shape;
  uint64_t begin, end;
};

}  // namespace

bool is_safetensors(const unsigned char* head, size_t n) {
  if (n < 10) return false;
  const uint64_t len = le64(head);
  return len >= 2 && len <= n - 8 && head[8] == '{';
}

Object load_safetensors(const Storage& file) {
  const uint64_t len = le64(file.data);
  if (len > kMaxHeader) fail("safetensors: the header is larger than 100 MB");
  const auto* text = reinterpret_cast<const char*>(file.data + 8);
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text, text + len);
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("safetensors: the header is not JSON (") + first_line(e.what()) + ")");
  }
  if (!header.is_object()) fail("safetensors: the header is not a JSON object");
  const uint64_t data_size = file.nbytes - 8 - len;
  std::vector<Info> infos;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") continue;
    const std::string what = "safetensors: tensor '" + printable(name) + "'";
    if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") ||
        !value.contains("data_offsets"))
      fail(what + " lacks its dtype, shape or data_offsets");
    const auto& dtype = value["dtype"];
    const auto& shape = value["shape"];
    const auto& offsets = value["data_offsets"];
    if (!dtype.is_string()) fail(what + ": the dtype is not a string");
    const DType* d = safetensors_dtype(dtype.get<std::string>());
    if (!d) fail(what + ": unknown dtype '" + printable(dtype.get<std::string>()) + "'");
    if (!shape.is_array()) fail(what + ": the shape is not a list");
    Info info{name, d, {}, 0, 0};
    uint64_t numel = 1;
    for (const auto& s : shape) {
      if (!s.is_number_unsigned()) fail(what + ": the shape holds something else than sizes");
      const auto size = s.get<uint64_t>();
      if (size > static_cast<uint64_t>(INT64_MAX) || __builtin_mul_overflow(numel, size, &numel))
        fail(what + ": the shape's size overflows");
      info.shape.push_back(static_cast<int64_t>(size));
    }
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      fail(what + ": data_offsets is not two offsets");
    info.begin = offsets[0].get<uint64_t>();
    info.end = offsets[1].get<uint64_t>();
    uint64_t bytes = 0;
    if (__builtin_mul_overflow(numel, static_cast<uint64_t>(d->itemsize), &bytes) ||
        info.end < info.begin || info.end - info.begin != bytes)
      fail(what + ": data_offsets hold " + std::to_string(info.end - info.begin) +
           " bytes, not the " + std::to_string(numel) + " elements its shape says");
    if (info.end > data_size) fail(what + ": its data lies beyond the end of the file");
    infos.push_back(std::move(info));
  }
  // As safe_open: the tensors cover the data one after another, whole.
  std::vector<const Info*> by_offset;
  by_offset.reserve(infos.size());
  for (const Info& i : infos) by_offset.push_back(&i);
  std::sort(by_offset.begin(), by_offset.end(), [](const Info* a, const Info* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t at = 0;
  for (const Info* i : by_offset) {
    if (i->begin != at)
      fail("safetensors: the tensors do not cover the data one after another (at tensor '" +
           printable(i->name) + "')");
    at = i->end;
  }
  if (at != data_size)
    fail("safetensors: the data is " + std::to_string(data_size) + " bytes, the tensors cover " +
         std::to_string(at));
  // load_file's order: the keys sorted.
  std::sort(infos.begin(), infos.end(),
            [](const Info& a, const Info& b) { return a.name < b.name; });
  Dict out;
  for (Info& i : infos) {
    auto storage = std::make_shared<Storage>();
    storage->data = file.data + 8 + len + i.begin;
    storage->nbytes = i.end - i.begin;
    storage->owner = file.owner;
    TensorData t;
    t.dtype = i.dtype;
    t.sizes = i.shape;
    t.strides.assign(i.shape.size(), 1);
    for (size_t k = i.shape.size(); k-- > 1;)
      t.strides[k - 1] = t.strides[k] * std::max<int64_t>(i.shape[k], 1);
    t.storage = std::move(storage);
    out.items.emplace_back(Object(i.name), Object(std::move(t)));
  }
  return Object(std::move(out));
}

}  // namespace pyrepr::detail
