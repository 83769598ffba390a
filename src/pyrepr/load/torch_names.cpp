#include "pyrepr/load/torch_names.hpp"

#include <string>
#include <utility>

#include "pyrepr/load/load_diagnostics.hpp"

namespace pyrepr::detail {
namespace {

// The storage classes torch.save names in persistent ids (before PyTorch 2.x
// introduced UntypedStorage for the new dtypes, one class per dtype).
const std::pair<const char*, const DType*> kStorageTypes[] = {
    {"DoubleStorage", &dtypes::float64},
    {"FloatStorage", &dtypes::float32},
    {"HalfStorage", &dtypes::float16},
    {"LongStorage", &dtypes::int64},
    {"IntStorage", &dtypes::int32},
    {"ShortStorage", &dtypes::int16},
    {"CharStorage", &dtypes::int8},
    {"ByteStorage", &dtypes::uint8},
    {"BoolStorage", &dtypes::bool_},
    {"BFloat16Storage", &dtypes::bfloat16},
    {"ComplexDoubleStorage", &dtypes::complex128},
    {"ComplexFloatStorage", &dtypes::complex64},
    {"QInt8Storage", &dtypes::qint8},
    {"QInt32Storage", &dtypes::qint32},
    {"QUInt8Storage", &dtypes::quint8},
    {"QUInt4x2Storage", &dtypes::quint4x2},
    {"QUInt2x4Storage", &dtypes::quint2x4},
};

}  // namespace

const DType& dtype_of(const std::string& name, const char* fn) {
  const DType* d = find_dtype(name);
  if (!d) fail(std::string(fn) + ": torch." + printable(name) + " is not a dtype");
  if (d->itemsize == 0)
    fail(std::string(fn) + ": torch." + d->name +
         " tensors have no storage (torch.save cannot write them)");
  return *d;
}

const DType* storage_class_dtype(const std::string& name) {
  for (const auto& [storage, dtype] : kStorageTypes)
    if (name == storage) return dtype;
  return nullptr;
}

std::optional<std::string> canonical_torch_value(const std::string& name) {
  if (const DType* d = find_dtype(name)) return std::string(d->name);
  if (find_layout(name) || find_qscheme(name)) return name;
  return std::nullopt;
}

}  // namespace pyrepr::detail
