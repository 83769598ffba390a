// Reading torch.save files (the zip format of PyTorch >= 1.6) as the
// torch.load of PyTorch 1.13, 2.6 and 2.14 does (torch/serialization.py,
// torch/_utils.py; what 2.x added: _rebuild_tensor_v3 over an UntypedStorage
// for its new dtypes, the conj/neg metadata, sparse is_coalesced and the
// compressed layouts, Parameters and tensors with Python state, the
// byteorder record), with our own pickle interpreter so that Python's types
// survive (OrderedDict vs dict, Parameter, bool vs int, torch.Size, dtypes)
// and so that every byte of a hostile file is validated before it is used.
#include "pyrepr/load.hpp"

#include <ATen/ATen.h>
#include <c10/core/Storage.h>
#include <c10/util/Exception.h>
#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "pyrepr/torch_features.hpp"
#include "pyrepr/unpickler.hpp"
#include "pyrepr/zip_check.hpp"

#ifndef PYREPR_TORCH_VERSION
#error "PYREPR_TORCH_VERSION (the LibTorch version, e.g. \"1.13.1\") is set by src/CMakeLists.txt"
#endif

namespace pyrepr {
namespace detail {
namespace {

[[noreturn]] void fail(const std::string& msg) { throw LoadError(msg); }

// The first line of an exception's message (c10::Error has a backtrace).
std::string first_line(const std::string& s) {
  auto nl = s.find('\n');
  std::string line = nl == std::string::npos ? s : s.substr(0, nl);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}
std::string c10_message(const c10::Error& e) { return first_line(e.what_without_backtrace()); }

// Text from the file, shown in a message: printable ASCII kept, every other
// byte escaped, at most 80 characters.
std::string printable(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (out.size() >= 80) return out + "...";
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Python ints of any size

// Magnitude of a non-negative integer as base-1e9 limbs from its little-endian bytes.
std::string magnitude_to_decimal(std::vector<uint32_t> limbs /* little-endian base 2^32 */) {
  while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
  if (limbs.empty()) return "0";
  std::vector<uint32_t> chunks;  // base 1e9, least significant first
  while (!limbs.empty()) {
    uint64_t rem = 0;
    for (size_t i = limbs.size(); i-- > 0;) {
      uint64_t cur = (rem << 32) | limbs[i];
      limbs[i] = static_cast<uint32_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    chunks.push_back(static_cast<uint32_t>(rem));
    while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
  }
  std::string out = std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    std::string part = std::to_string(chunks[i]);
    out += std::string(9 - part.size(), '0') + part;
  }
  return out;
}

std::vector<uint32_t> bytes_to_limbs(const std::vector<unsigned char>& mag) {
  std::vector<uint32_t> limbs((mag.size() + 3) / 4, 0);
  for (size_t i = 0; i < mag.size(); ++i) limbs[i / 4] |= uint32_t(mag[i]) << (8 * (i % 4));
  return limbs;
}

// Number of bytes that matter in a two's complement little-endian number
// (drops redundant sign-extension bytes).
size_t significant_bytes(const unsigned char* b, size_t n) {
  if (n == 0) return 0;
  bool negative = b[n - 1] & 0x80;
  unsigned char ext = negative ? 0xff : 0x00;
  while (n > 1 && b[n - 1] == ext && ((b[n - 2] & 0x80) != 0) == negative) --n;
  if (n == 1 && b[0] == 0) return 0;
  return n;
}

}  // namespace

std::string long_to_decimal(const unsigned char* bytes, size_t n) {
  n = significant_bytes(bytes, n);
  if (n == 0) return "0";
  bool negative = bytes[n - 1] & 0x80;
  std::vector<unsigned char> mag(bytes, bytes + n);
  if (negative) {  // magnitude = ~x + 1
    unsigned carry = 1;
    for (auto& c : mag) {
      unsigned v = static_cast<unsigned char>(~c) + carry;
      c = static_cast<unsigned char>(v);
      carry = v >> 8;
    }
  }
  std::string dec = magnitude_to_decimal(bytes_to_limbs(mag));
  return negative ? "-" + dec : dec;
}

namespace {

// Exact decimal text of an integral double (any magnitude).
std::string integral_double_decimal(double v) {
  bool negative = v < 0;
  int exp = 0;
  double m = std::frexp(std::fabs(v), &exp);  // v = m * 2^exp, 0.5 <= m < 1
  uint64_t mant = static_cast<uint64_t>(std::ldexp(m, 53));
  exp -= 53;
  std::vector<uint32_t> limbs = {static_cast<uint32_t>(mant), static_cast<uint32_t>(mant >> 32)};
  if (exp < 0) {  // integral, so the low bits are zero
    mant >>= -exp;
    limbs = {static_cast<uint32_t>(mant), static_cast<uint32_t>(mant >> 32)};
  } else {
    std::vector<uint32_t> shifted(static_cast<size_t>(exp) / 32 + 3, 0);
    int words = exp / 32, bits = exp % 32;
    for (size_t i = 0; i < 2; ++i) {
      uint64_t part = uint64_t(limbs[i]) << bits;
      shifted[i + words] |= static_cast<uint32_t>(part);
      shifted[i + words + 1] |= static_cast<uint32_t>(part >> 32);
    }
    limbs = shifted;
  }
  std::string dec = magnitude_to_decimal(limbs);
  return negative && dec != "0" ? "-" + dec : dec;
}

// ---------------------------------------------------------------------------
// The interpreter's own values: mutable, shared by reference (the memo holds
// the same object as the stack), owned by an arena so that deep or cyclic
// structures are freed without recursion.

enum class Kind : uint8_t {
  None,
  Bool,
  Int,
  BigInt,
  Float,
  Str,
  Bytes,
  List,
  Tuple,
  Dict,
  Global,
  Storage,
  Tensor,
  Size
};

// What a global is, when it is called (REDUCE) or printed.
enum class Fn : uint8_t {
  Value,  // a printable module attribute: dtype, layout, qscheme
  StorageType,
  OrderedDict,
  RebuildTensor,
  RebuildTensorV2,
  RebuildTensorV3,  // PyTorch 2.x: the dtypes saved with an UntypedStorage
  RebuildParameter,
  RebuildParameterWithState,  // PyTorch 2.x: a Parameter with Python attributes
  RebuildFromTypeV2,          // a Tensor with Python attributes (1.13 and 2.x)
  RebuildFromType,            // its legacy form
  RebuildQTensor,
  RebuildSparse,
  RebuildSparseCsr,  // PyTorch 1.13's name for compressed layouts
  TensorType,        // the class torch.Tensor, an argument of _rebuild_from_type_v2
  TorchSize,
  GetLayout,
  CodecsEncode,
  BuiltinsBytes,
};

struct Node {
  Kind kind = Kind::None;
  bool flag = false;  // Bool: value; Dict: ordered; Tensor: is_parameter; Storage: untyped
  bool visiting = false;
  Fn fn = Fn::Value;
  at::ScalarType dtype = at::kFloat;  // StorageType, Storage
  int64_t i = 0;                      // Int; Storage: numel
  uint64_t nbytes = 0;                // Storage: its size in bytes
  double f = 0;
  std::string s;             // Str, Bytes, BigInt decimal, Global module, Storage key
  std::string name;          // Global name
  std::vector<Node*> items;  // List, Tuple; Dict: key0, value0, key1, value1, ...
  std::unique_ptr<std::unordered_map<std::string, size_t>> index;  // Dict: key -> item pair
  at::Tensor tensor;
  c10::Storage storage;
  std::vector<int64_t> dims;  // Size
};

const char* kind_name(const Node* n) {
  switch (n->kind) {
    case Kind::None:
      return "NoneType";
    case Kind::Bool:
      return "bool";
    case Kind::Int:
    case Kind::BigInt:
      return "int";
    case Kind::Float:
      return "float";
    case Kind::Str:
      return "str";
    case Kind::Bytes:
      return "bytes";
    case Kind::List:
      return "list";
    case Kind::Tuple:
      return "tuple";
    case Kind::Dict:
      return n->flag ? "collections.OrderedDict" : "dict";
    case Kind::Global:
      return "global";
    case Kind::Storage:
      return "storage";
    case Kind::Tensor:
      return "Tensor";
    case Kind::Size:
      return "torch.Size";
  }
  return "?";
}

std::string global_name(const Node* g) { return g->s + "." + g->name; }

// ---------------------------------------------------------------------------
// dtypes, storages, layouts, qschemes

// Every dtype a torch.save file can name (torch.<name>, Python's aliases
// included) in PyTorch 1.13, 2.6 and 2.14: the name repr() prints, and the
// name of its c10::ScalarType enumerator. The LibTorch compiled against may
// lack the enumerator (1.13 has no float8 or uint16): see built_scalar_type.
struct DtypeName {
  const char* python;     // torch.<python>
  const char* canonical;  // what repr(dtype) prints after "torch."
  const char* c10;        // at::ScalarType::<c10>
  bool has_storage = true;
};
constexpr DtypeName kDtypes[] = {
    {"float32", "float32", "Float"},
    {"float", "float32", "Float"},
    {"float64", "float64", "Double"},
    {"double", "float64", "Double"},
    {"float16", "float16", "Half"},
    {"half", "float16", "Half"},
    {"bfloat16", "bfloat16", "BFloat16"},
    {"uint8", "uint8", "Byte"},
    {"int8", "int8", "Char"},
    {"int16", "int16", "Short"},
    {"short", "int16", "Short"},
    {"int32", "int32", "Int"},
    {"int", "int32", "Int"},
    {"int64", "int64", "Long"},
    {"long", "int64", "Long"},
    {"bool", "bool", "Bool"},
    {"complex32", "complex32", "ComplexHalf"},
    {"chalf", "complex32", "ComplexHalf"},
    {"complex64", "complex64", "ComplexFloat"},
    {"cfloat", "complex64", "ComplexFloat"},
    {"complex128", "complex128", "ComplexDouble"},
    {"cdouble", "complex128", "ComplexDouble"},
    {"quint8", "quint8", "QUInt8"},
    {"qint8", "qint8", "QInt8"},
    {"qint32", "qint32", "QInt32"},
    {"quint4x2", "quint4x2", "QUInt4x2"},
    {"quint2x4", "quint2x4", "QUInt2x4"},
    // PyTorch 2.x: saved as an UntypedStorage and _rebuild_tensor_v3
    {"float8_e5m2", "float8_e5m2", "Float8_e5m2"},
    {"float8_e4m3fn", "float8_e4m3fn", "Float8_e4m3fn"},
    {"float8_e5m2fnuz", "float8_e5m2fnuz", "Float8_e5m2fnuz"},
    {"float8_e4m3fnuz", "float8_e4m3fnuz", "Float8_e4m3fnuz"},
    {"float8_e8m0fnu", "float8_e8m0fnu", "Float8_e8m0fnu"},
    {"float4_e2m1fn_x2", "float4_e2m1fn_x2", "Float4_e2m1fn_x2"},
    {"uint16", "uint16", "UInt16"},
    {"uint32", "uint32", "UInt32"},
    {"uint64", "uint64", "UInt64"},
    {"bits1x8", "bits1x8", "Bits1x8"},
    {"bits2x4", "bits2x4", "Bits2x4"},
    {"bits4x2", "bits4x2", "Bits4x2"},
    {"bits8", "bits8", "Bits8"},
    {"bits16", "bits16", "Bits16"},
    {"bcomplex32", "bcomplex32", "BComplex32"},
    // PyTorch 2.x: dtypes without storage (torch.save refuses their tensors)
    {"uint1", "uint1", "UInt1", false},
    {"uint2", "uint2", "UInt2", false},
    {"uint3", "uint3", "UInt3", false},
    {"uint4", "uint4", "UInt4", false},
    {"uint5", "uint5", "UInt5", false},
    {"uint6", "uint6", "UInt6", false},
    {"uint7", "uint7", "UInt7", false},
    {"int1", "int1", "Int1", false},
    {"int2", "int2", "Int2", false},
    {"int3", "int3", "Int3", false},
    {"int4", "int4", "Int4", false},
    {"int5", "int5", "Int5", false},
    {"int6", "int6", "Int6", false},
    {"int7", "int7", "Int7", false},
};

const DtypeName* find_dtype(const std::string& python_name) {
  for (const auto& d : kDtypes)
    if (python_name == d.python) return &d;
  return nullptr;
}

// The ScalarType named `c10_name` if the LibTorch compiled against has it.
// The table comes from LibTorch's own list of its enumerators, so no
// enumerator is named here and this compiles against 1.13, 2.6 and 2.14.
std::optional<at::ScalarType> built_scalar_type(const std::string& c10_name) {
#define PYREPR_SCALAR_TYPE_ENTRY(ctype, name) {#name, at::ScalarType::name},
  static const std::pair<const char*, at::ScalarType> built[] = {
      AT_FORALL_SCALAR_TYPES_WITH_COMPLEX_AND_QINTS(PYREPR_SCALAR_TYPE_ENTRY)};
#undef PYREPR_SCALAR_TYPE_ENTRY
  for (const auto& [name, type] : built)
    if (c10_name == name) return type;
  return std::nullopt;
}

// The ScalarType of torch.<canonical>, or one error line naming the dtype
// when this build's LibTorch does not have it.
at::ScalarType scalar_type_of(const std::string& canonical, const char* fn) {
  const DtypeName* d = find_dtype(canonical);
  if (!d) fail(std::string(fn) + ": torch." + printable(canonical) + " is not a dtype");
  if (!d->has_storage)
    fail(std::string(fn) + ": torch." + canonical +
         " tensors have no storage (torch.save cannot write them)");
  if (auto st = built_scalar_type(d->c10)) return *st;
  fail("dtype torch." + canonical + " is not supported by this build: its LibTorch (" +
       PYREPR_TORCH_VERSION + ") has no " + d->c10 + " tensors");
}

// The storage classes torch.save names in persistent ids (before PyTorch 2.x
// introduced UntypedStorage for the new dtypes, one class per dtype).
struct StorageName {
  const char* name;
  at::ScalarType dtype;
};
constexpr StorageName kStorageTypes[] = {
    {"DoubleStorage", at::kDouble},
    {"FloatStorage", at::kFloat},
    {"HalfStorage", at::kHalf},
    {"LongStorage", at::kLong},
    {"IntStorage", at::kInt},
    {"ShortStorage", at::kShort},
    {"CharStorage", at::kChar},
    {"ByteStorage", at::kByte},
    {"BoolStorage", at::kBool},
    {"BFloat16Storage", at::kBFloat16},
    {"ComplexDoubleStorage", at::kComplexDouble},
    {"ComplexFloatStorage", at::kComplexFloat},
    {"QInt8Storage", at::kQInt8},
    {"QInt32Storage", at::kQInt32},
    {"QUInt8Storage", at::kQUInt8},
    {"QUInt4x2Storage", at::kQUInt4x2},
    {"QUInt2x4Storage", at::kQUInt2x4},
};

// torch.<name> for dtypes, layouts and qschemes, with Python's aliases mapped
// to the name repr() prints.
std::optional<std::string> canonical_torch_value(const std::string& name) {
  if (const DtypeName* d = find_dtype(name)) return std::string(d->canonical);
  static const char* const others[] = {
      // layouts
      "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "_mkldnn",
      // qschemes
      "per_tensor_affine", "per_channel_affine", "per_tensor_symmetric", "per_channel_symmetric",
      "per_channel_affine_float_qparams"};
  for (const char* o : others)
    if (name == o) return name;
  return std::nullopt;
}

bool is_layout_name(const std::string& n) {
  return n == "strided" || n == "sparse_coo" || n == "sparse_csr" || n == "sparse_csc" ||
         n == "sparse_bsr" || n == "sparse_bsc" || n == "_mkldnn";
}

bool is_global_value(const Node* n, const char* name) {
  return n->kind == Kind::Global && n->fn == Fn::Value && n->s == "torch" && n->name == name;
}

// ---------------------------------------------------------------------------

class Unpickler {
 public:
  Unpickler(const unsigned char* data, size_t size, const RecordLoader& records,
            const UnpickleLimits& limits)
      : p_(data), n_(size), records_(records), limits_(limits) {
    none_.kind = Kind::None;
    true_.kind = false_.kind = Kind::Bool;
    true_.flag = true;
  }

  Object run() {
    Node* result = execute();
    size_t budget = limits_.max_result_objects;
    return to_object(result, 0, budget);
  }

 private:
  // ----- reading the program
  size_t remaining() const { return n_ - pos_; }
  const unsigned char* take(size_t k, const char* what) {
    if (k > remaining())
      fail("pickle data was truncated: " + std::string(what) + " needs " + std::to_string(k) +
           " bytes at offset " + std::to_string(pos_) + ", " + std::to_string(remaining()) +
           " left");
    const unsigned char* r = p_ + pos_;
    pos_ += k;
    return r;
  }
  uint64_t le(size_t k, const char* what) {
    const unsigned char* b = take(k, what);
    uint64_t v = 0;
    for (size_t i = k; i-- > 0;) v = (v << 8) | b[i];
    return v;
  }
  std::string line(const char* what) {
    const void* nl = std::memchr(p_ + pos_, '\n', remaining());
    if (!nl) fail(std::string("pickle data was truncated: no end of line for ") + what);
    size_t len = static_cast<const unsigned char*>(nl) - (p_ + pos_);
    if (!valid_utf8(p_ + pos_, len, /*surrogatepass=*/false))
      fail(std::string("invalid UTF-8 in ") + what + " at offset " + std::to_string(pos_));
    std::string s(reinterpret_cast<const char*>(p_ + pos_), len);
    pos_ += len + 1;
    return s;
  }
  size_t length(uint64_t len, const char* what) {
    if (len > remaining())
      fail(std::string(what) + " of " + std::to_string(len) + " bytes at offset " +
           std::to_string(pos_) + " runs past the end of the pickle (" +
           std::to_string(remaining()) + " bytes left)");
    return static_cast<size_t>(len);
  }

  // ----- objects
  Node* make(Kind k) {
    if (arena_.size() >= limits_.max_objects)
      fail("pickle creates more than " + std::to_string(limits_.max_objects) + " objects");
    arena_.emplace_back();
    arena_.back().kind = k;
    return &arena_.back();
  }
  Node* make_int(int64_t v) {
    Node* n = make(Kind::Int);
    n->i = v;
    return n;
  }
  Node* make_str(std::string s, Kind k = Kind::Str) {
    Node* n = make(k);
    n->s = std::move(s);
    return n;
  }
  Node* make_global(std::string module, std::string name, Fn fn) {
    Node* n = make(Kind::Global);
    n->s = std::move(module);
    n->name = std::move(name);
    n->fn = fn;
    return n;
  }

  // ----- the stack (with Python's marks: pops never cross the last mark)
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  void push(Node* n) { stack_.push_back(n); }
  Node* pop(const char* op) {
    if (stack_.size() <= floor()) fail(std::string("unpickling stack underflow in ") + op);
    Node* n = stack_.back();
    stack_.pop_back();
    return n;
  }
  Node* top(const char* op) {
    if (stack_.size() <= floor()) fail(std::string("unpickling stack underflow in ") + op);
    return stack_.back();
  }
  std::vector<Node*> pop_mark(const char* op) {
    if (marks_.empty()) fail(std::string("could not find MARK for ") + op);
    size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Node*> items(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return items;
  }
  std::vector<Node*> pop_n(size_t k, const char* op) {
    if (stack_.size() < floor() + k) fail(std::string("unpickling stack underflow in ") + op);
    std::vector<Node*> items(stack_.end() - static_cast<std::ptrdiff_t>(k), stack_.end());
    stack_.resize(stack_.size() - k);
    return items;
  }

  // ----- memo
  void memo_put(uint64_t idx, const char* op) { memo_[idx] = top(op); }
  Node* memo_get(uint64_t idx) {
    auto it = memo_.find(idx);
    if (it == memo_.end()) fail("memo value not found at index " + std::to_string(idx));
    return it->second;
  }

  // ----- strings
  // UTF-8 as Python's 'utf-8' codec accepts it: with 'surrogatepass' (pickled
  // str) encoded surrogates are allowed, with 'strict' (GLOBAL names) not.
  static bool valid_utf8(const unsigned char* s, size_t n, bool surrogatepass) {
    size_t i = 0;
    while (i < n) {
      unsigned char c = s[i];
      if (c < 0x80) {
        ++i;
        continue;
      }
      size_t len;
      uint32_t cp;
      if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f;
      else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f;
      else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07;
      else
        return false;
      if (i + len > n) return false;
      for (size_t k = 1; k < len; ++k) {
        if ((s[i + k] & 0xc0) != 0x80) return false;
        cp = (cp << 6) | (s[i + k] & 0x3f);
      }
      if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return false;
      if (!surrogatepass && cp >= 0xd800 && cp <= 0xdfff) return false;
      i += len;
    }
    return true;
  }
  Node* read_str(size_t len) {
    const unsigned char* b = take(len, "string");
    if (!valid_utf8(b, len, /*surrogatepass=*/true))
      fail("invalid UTF-8 in a string at offset " + std::to_string(pos_ - len));
    return make_str(std::string(reinterpret_cast<const char*>(b), len));
  }
  Node* read_bytes(size_t len) {
    const unsigned char* b = take(len, "bytes");
    return make_str(std::string(reinterpret_cast<const char*>(b), len), Kind::Bytes);
  }
  Node* read_long(size_t len) {
    const unsigned char* b = take(len, "LONG");
    size_t sig = significant_bytes(b, len);
    if (sig <= 8) {
      uint64_t v = 0;
      for (size_t i = sig; i-- > 0;) v = (v << 8) | b[i];
      if (sig > 0 && sig < 8 && (b[sig - 1] & 0x80)) v |= ~uint64_t(0) << (8 * sig);
      return make_int(static_cast<int64_t>(v));
    }
    // Python refuses to print ints longer than sys.get_int_max_str_digits().
    // (sig - 1) * 8 bits give at least that many decimal digits.
    if (static_cast<double>(sig - 1) * 8 * 0.30102999566398 > limits_.max_int_digits + 1)
      fail(too_many_digits());
    std::string dec = long_to_decimal(b, len);
    size_t digits = dec.size() - (dec[0] == '-' ? 1 : 0);
    if (digits > limits_.max_int_digits) fail(too_many_digits());
    return make_str(std::move(dec), Kind::BigInt);
  }
  std::string too_many_digits() const {
    return "an int has more than " + std::to_string(limits_.max_int_digits) +
           " digits (Python's limit for integer string conversion)";
  }

  // ----- globals (what torch.load's find_class would return)
  Node* find_class(std::string module, const std::string& name) {
    if (proto_ < 3) {  // Python 2 names, as pickle's fix_imports maps them
      if (module == "__builtin__") module = "builtins";
      if (module == "copy_reg") module = "copyreg";
    }
    if (module == "torch.tensor") module = "torch._tensor";  // torch.load's module mapping
    if (name.find("Storage") != std::string::npos) {
      for (const auto& st : kStorageTypes) {
        if (name == st.name) {
          Node* g = make_global("torch", name, Fn::StorageType);
          g->dtype = st.dtype;
          return g;
        }
      }
    }
    // PyTorch 2.x's storage of the new dtypes: bytes, its dtype an argument
    // of _rebuild_tensor_v3.
    if ((module == "torch" || module == "torch.storage") && name == "UntypedStorage") {
      Node* g = make_global(module, name, Fn::StorageType);
      g->dtype = at::kByte;
      g->flag = true;
      return g;
    }
    static const std::map<std::pair<std::string, std::string>, Fn> callables = {
        {{"collections", "OrderedDict"}, Fn::OrderedDict},
        {{"torch._utils", "_rebuild_tensor"}, Fn::RebuildTensor},
        {{"torch._utils", "_rebuild_tensor_v2"}, Fn::RebuildTensorV2},
        {{"torch._utils", "_rebuild_tensor_v3"}, Fn::RebuildTensorV3},
        {{"torch._utils", "_rebuild_parameter"}, Fn::RebuildParameter},
        {{"torch._utils", "_rebuild_parameter_with_state"}, Fn::RebuildParameterWithState},
        {{"torch._tensor", "_rebuild_from_type_v2"}, Fn::RebuildFromTypeV2},
        {{"torch._tensor", "_rebuild_from_type"}, Fn::RebuildFromType},
        {{"torch._tensor", "Tensor"}, Fn::TensorType},
        {{"torch", "Tensor"}, Fn::TensorType},
        {{"torch._utils", "_rebuild_qtensor"}, Fn::RebuildQTensor},
        {{"torch._utils", "_rebuild_sparse_tensor"}, Fn::RebuildSparse},
        {{"torch._utils", "_rebuild_sparse_csr_tensor"}, Fn::RebuildSparseCsr},
        {{"torch", "Size"}, Fn::TorchSize},
        {{"torch.serialization", "_get_layout"}, Fn::GetLayout},
        {{"_codecs", "encode"}, Fn::CodecsEncode},
        {{"builtins", "bytes"}, Fn::BuiltinsBytes},
    };
    auto it = callables.find({module, name});
    if (it != callables.end()) return make_global(module, name, it->second);
    if (module == "torch") {
      if (auto canon = canonical_torch_value(name)) return make_global("torch", *canon, Fn::Value);
    }
    fail("unsupported global '" + printable(module + "." + name) +
         "' (only tensors, Parameters, containers and torch dtypes/layouts can be read)");
  }

  // ----- argument helpers for the rebuild functions
  static int64_t int_arg(const Node* n, const char* fn, const char* what) {
    if (n->kind != Kind::Int)
      fail(std::string(fn) + ": " + what + " must be an int, not " + kind_name(n));
    return n->i;
  }
  static bool bool_arg(const Node* n, const char* fn, const char* what) {
    if (n->kind != Kind::Bool)
      fail(std::string(fn) + ": " + what + " must be a bool, not " + kind_name(n));
    return n->flag;
  }
  static double float_arg(const Node* n, const char* fn, const char* what) {
    if (n->kind == Kind::Float) return n->f;
    if (n->kind == Kind::Int) return static_cast<double>(n->i);
    if (n->kind == Kind::Bool) return n->flag ? 1.0 : 0.0;
    fail(std::string(fn) + ": " + what + " must be a float, not " + kind_name(n));
  }
  static std::vector<int64_t> ints_arg(const Node* n, const char* fn, const char* what) {
    if (n->kind == Kind::Size) return n->dims;
    if (n->kind != Kind::Tuple && n->kind != Kind::List)
      fail(std::string(fn) + ": " + what + " must be a tuple of ints, not " + kind_name(n));
    std::vector<int64_t> v;
    v.reserve(n->items.size());
    for (const Node* x : n->items) v.push_back(int_arg(x, fn, what));
    return v;
  }
  static const at::Tensor& tensor_arg(const Node* n, const char* fn, const char* what) {
    if (n->kind != Kind::Tensor)
      fail(std::string(fn) + ": " + what + " must be a tensor, not " + kind_name(n));
    return n->tensor;
  }
  static void expect_args(const std::vector<Node*>& args, size_t k, const char* fn) {
    if (args.size() != k)
      fail(std::string(fn) + " takes " + std::to_string(k) + " arguments but " +
           std::to_string(args.size()) + " were given");
  }

  static void set_requires_grad(at::Tensor& t, bool rg, const char* fn) {
    if (!rg) return;
    try {
      t.set_requires_grad(true);
    } catch (const c10::Error& e) {
      fail(std::string(fn) + ": " + c10_message(e));
    }
  }

  // Checks that size/stride/offset address elements inside the storage, which
  // holds `capacity` elements of the tensor's dtype.
  static void check_geometry(const Node* storage, int64_t capacity, int64_t offset,
                             const std::vector<int64_t>& size, const std::vector<int64_t>& stride,
                             const char* fn) {
    if (size.size() != stride.size())
      fail(std::string(fn) + ": size has " + std::to_string(size.size()) +
           " dimensions but stride has " + std::to_string(stride.size()));
    if (size.size() > 1000)
      fail(std::string(fn) + ": too many dimensions (" + std::to_string(size.size()) + ")");
    if (offset < 0) fail(std::string(fn) + ": negative storage offset " + std::to_string(offset));
    int64_t numel = 1;
    bool empty = false;
    for (size_t d = 0; d < size.size(); ++d) {
      if (size[d] < 0) fail(std::string(fn) + ": negative size " + std::to_string(size[d]));
      if (stride[d] < 0) fail(std::string(fn) + ": negative stride " + std::to_string(stride[d]));
      if (size[d] == 0)
        empty = true;
      else if (__builtin_mul_overflow(numel, size[d], &numel))
        fail(std::string(fn) + ": the number of elements overflows");
    }
    if (empty) return;
    int64_t last = offset;  // index of the last element addressed
    for (size_t d = 0; d < size.size(); ++d) {
      int64_t span;
      if (__builtin_mul_overflow(size[d] - 1, stride[d], &span) ||
          __builtin_add_overflow(last, span, &last))
        fail(std::string(fn) + ": size and stride address elements beyond any storage");
    }
    if (last >= capacity)
      fail(std::string(fn) + ": size " + dims_text(size) + ", stride " + dims_text(stride) +
           " and offset " + std::to_string(offset) + " reach element " + std::to_string(last) +
           " but storage data/" + storage->s + " has " + std::to_string(capacity) + " elements");
  }
  static std::string dims_text(const std::vector<int64_t>& v) {
    std::string s = "(";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + (v.size() == 1 ? ",)" : ")");
  }

  Node* tensor_node(at::Tensor t, bool is_parameter = false) {
    Node* n = make(Kind::Tensor);
    n->tensor = std::move(t);
    n->flag = is_parameter;
    return n;
  }

  // torch._utils._rebuild_tensor(storage, offset, size, stride),
  // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])
  // and, in PyTorch 2.x for the dtypes saved with an UntypedStorage,
  // _rebuild_tensor_v3(storage, offset, size, stride, requires_grad, hooks, dtype[, metadata]).
  // The metadata argument (2.x) sets the conj and neg bits.
  Node* rebuild_tensor(const std::vector<Node*>& args, int version) {
    const char* fn = version == 1   ? "_rebuild_tensor"
                     : version == 2 ? "_rebuild_tensor_v2"
                                    : "_rebuild_tensor_v3";
    const size_t required = version == 1 ? 4 : version == 2 ? 6 : 7;
    const size_t allowed = version == 1 ? 4 : required + 1;
    if (args.size() < required || args.size() > allowed)
      fail(std::string(fn) + " takes " +
           (required == allowed
                ? std::to_string(required)
                : "from " + std::to_string(required) + " to " + std::to_string(allowed)) +
           " arguments but " + std::to_string(args.size()) + " were given");
    const Node* st = args[0];
    if (st->kind != Kind::Storage)
      fail(std::string(fn) + ": expected a storage, not " + kind_name(st));
    at::ScalarType dtype = st->dtype;
    if (version == 3) {
      const Node* d = args[6];
      if (d->kind != Kind::Global || d->fn != Fn::Value || d->s != "torch" || !find_dtype(d->name))
        fail(std::string(fn) + ": dtype must be a torch.dtype, not " +
             (d->kind == Kind::Global ? global_name(d) : std::string(kind_name(d))));
      dtype = scalar_type_of(d->name, fn);
    }
    if (at::isQIntType(dtype))
      fail(std::string(fn) + ": cannot build a plain tensor of quantized dtype " +
           c10::toString(dtype));
    const auto itemsize = static_cast<int64_t>(c10::elementSize(dtype));
    if (itemsize <= 0)
      fail(std::string(fn) + ": dtype " + c10::toString(dtype) + " has no storage");
    int64_t offset = int_arg(args[1], fn, "storage_offset");
    auto size = ints_arg(args[2], fn, "size");
    auto stride = ints_arg(args[3], fn, "stride");
    bool rg = version > 1 ? bool_arg(args[4], fn, "requires_grad") : false;
    const Node* metadata = args.size() == allowed && version > 1 ? args.back() : nullptr;
    check_geometry(st, static_cast<int64_t>(st->nbytes) / itemsize, offset, size, stride, fn);
    if (dtype == at::kBool && st->dtype != at::kBool) check_bool_bytes(st, fn);
    at::Tensor t;
    try {
      // as Python does: torch.empty((0,), dtype) then set_ (empty() warns
      // for complex32 and bcomplex32: unpickle() drops LibTorch's warnings)
      t = at::empty({0}, at::TensorOptions().dtype(dtype));
      t.set_(st->storage, offset, size, stride);
    } catch (const c10::Error& e) {
      fail(std::string(fn) + ": " + c10_message(e));
    }
    if (metadata) set_tensor_metadata(t, metadata, fn);
    set_requires_grad(t, rg, fn);
    return tensor_node(std::move(t));
  }

  // A bool tensor over bytes that were not read as a BoolStorage: each byte
  // must be 0 or 1.
  static void check_bool_bytes(const Node* st, const char* fn) {
    const auto* b = static_cast<const unsigned char*>(st->storage.data());
    for (uint64_t k = 0; k < st->nbytes; ++k)
      if (b[k] > 1)
        fail(std::string(fn) + ": storage data/" + st->s + " holds an invalid bool byte " +
             std::to_string(b[k]));
  }

  // torch._utils.set_tensor_metadata: {'conj': bool, 'neg': bool}, as
  // torch._utils.get_tensor_metadata saved them (PyTorch 2.x). None or an
  // empty dict sets nothing.
  static void set_tensor_metadata(at::Tensor& t, const Node* metadata, const char* fn) {
    if (metadata->kind == Kind::None) return;
    if (metadata->kind != Kind::Dict)
      fail(std::string(fn) + ": metadata must be a dict, not " + kind_name(metadata));
    for (size_t k = 0; k + 1 < metadata->items.size(); k += 2) {
      const Node* key = metadata->items[k];
      const Node* value = metadata->items[k + 1];
      if (key->kind != Kind::Str || (key->s != "conj" && key->s != "neg"))
        fail(std::string(fn) + ": unexpected tensor metadata key " +
             (key->kind == Kind::Str ? "'" + printable(key->s) + "'" : kind_name(key)));
      const bool on = bool_arg(value, fn, "a metadata value");
      const at::ScalarType st = t.scalar_type();
      if (!on) continue;
      if (key->s == "conj" && !at::isComplexType(st))
        fail(std::string(fn) + ": the conj bit on a tensor of dtype " + c10::toString(st));
      if (key->s == "neg" && (st == at::kBool || at::isQIntType(st)))
        fail(std::string(fn) + ": the neg bit on a tensor of dtype " + c10::toString(st));
      try {
        if (key->s == "conj")
          t._set_conj(true);
        else
          t._set_neg(true);
      } catch (const c10::Error& e) {
        fail(std::string(fn) + ": " + c10_message(e));
      }
    }
  }

  // torch._utils._rebuild_parameter(data, requires_grad, hooks) and, in
  // PyTorch 2.x, _rebuild_parameter_with_state(data, requires_grad, hooks,
  // state): nn.Parameter(data, requires_grad).
  Node* rebuild_parameter(const Node* data_arg, const Node* rg_arg, const char* fn) {
    const at::Tensor& data = tensor_arg(data_arg, fn, "data");
    bool rg = bool_arg(rg_arg, fn, "requires_grad");
    at::Tensor p;
    try {
      p = data.detach();
    } catch (const c10::Error& e) {
      fail(std::string(fn) + ": " + c10_message(e));
    }
    set_requires_grad(p, rg, fn);
    return tensor_node(std::move(p), true);
  }

  // torch._tensor._rebuild_from_type_v2(func, new_type, args, state): a
  // tensor with Python attributes (t.name = ...), which print does not show.
  // Only new_type torch.Tensor: subclasses are not supported.
  Node* rebuild_from_type(const std::vector<Node*>& args, bool v2) {
    const char* fn = v2 ? "_rebuild_from_type_v2" : "_rebuild_from_type";
    expect_args(args, 4, fn);
    Node* func = args[0];
    const Node* type = args[1];
    if (type->kind != Kind::Global || type->fn != Fn::TensorType)
      fail(std::string(fn) + ": tensor subclass " +
           (type->kind == Kind::Global ? "'" + global_name(type) + "'" : kind_name(type)) +
           " is not supported");
    if (func->kind != Kind::Global || func->fn == Fn::RebuildFromTypeV2 ||
        func->fn == Fn::RebuildFromType)
      fail(std::string(fn) + ": func must be a rebuild function");
    Node* result = call(func, args[2]);
    if (result->kind != Kind::Tensor)
      fail(std::string(fn) + ": func returned a " + kind_name(result) + ", not a tensor");
    return result;
  }

  // A list of numbers or a tensor, for per-channel quantization parameters.
  at::Tensor qparam_tensor(const Node* n, at::ScalarType list_dtype, const char* what) {
    const char* fn = "_rebuild_qtensor";
    if (n->kind == Kind::Tensor) return n->tensor;
    if (n->kind != Kind::List)
      fail(std::string(fn) + ": " + what + " must be a tensor or a list, not " + kind_name(n));
    std::vector<double> v;
    for (const Node* x : n->items) v.push_back(float_arg(x, fn, what));
    at::Tensor t = at::tensor(v, at::TensorOptions().dtype(at::kDouble));
    return t.to(list_dtype);
  }

  // torch._utils._rebuild_qtensor
  Node* rebuild_qtensor(const std::vector<Node*>& args) {
    const char* fn = "_rebuild_qtensor";
    expect_args(args, 7, fn);
    const Node* st = args[0];
    if (st->kind != Kind::Storage)
      fail(std::string(fn) + ": expected a storage, not " + kind_name(st));
    if (st->dtype != at::kQUInt8 && st->dtype != at::kQInt8 && st->dtype != at::kQInt32)
      fail(std::string(fn) + ": unsupported quantized dtype " + c10::toString(st->dtype));
    int64_t offset = int_arg(args[1], fn, "storage_offset");
    auto size = ints_arg(args[2], fn, "size");
    auto stride = ints_arg(args[3], fn, "stride");
    const Node* qp = args[4];
    bool rg = bool_arg(args[5], fn, "requires_grad");
    check_geometry(st, st->i, offset, size, stride, fn);
    if (qp->kind != Kind::Tuple || qp->items.empty())
      fail(std::string(fn) + ": quantizer_params must be a non-empty tuple");
    const Node* qs = qp->items[0];
    auto opts = at::TensorOptions().dtype(st->dtype);
    at::Tensor t;
    try {
      if (is_global_value(qs, "per_tensor_affine")) {
        if (qp->items.size() != 3)
          fail(std::string(fn) + ": per_tensor_affine needs (qscheme, scale, zero_point)");
        double scale = float_arg(qp->items[1], fn, "scale");
        int64_t zp = int_arg(qp->items[2], fn, "zero_point");
        t = at::_empty_affine_quantized({0}, opts, scale, zp);
      } else if (is_global_value(qs, "per_channel_affine") ||
                 is_global_value(qs, "per_channel_affine_float_qparams")) {
        if (qp->items.size() != 4)
          fail(std::string(fn) + ": " + qs->name + " needs (qscheme, scales, zero_points, axis)");
        bool float_qparams = qs->name == "per_channel_affine_float_qparams";
        at::Tensor scales =
            qparam_tensor(qp->items[1], float_qparams ? at::kFloat : at::kDouble, "scales");
        at::Tensor zps =
            qparam_tensor(qp->items[2], float_qparams ? at::kFloat : at::kLong, "zero_points");
        int64_t axis = int_arg(qp->items[3], fn, "axis");
        if (axis < 0 || axis >= static_cast<int64_t>(size.size()))
          fail(std::string(fn) + ": axis " + std::to_string(axis) + " out of range for " +
               std::to_string(size.size()) + " dimensions");
        if (scales.dim() != 1 || zps.dim() != 1 || scales.numel() != size[axis] ||
            zps.numel() != size[axis])
          fail(std::string(fn) + ": scales and zero_points must have " +
               std::to_string(size[axis]) + " elements (the size of dimension " +
               std::to_string(axis) + ")");
        if (scales.is_quantized() || zps.is_quantized() || scales.is_sparse() || zps.is_sparse())
          fail(std::string(fn) + ": scales and zero_points must be dense tensors");
        t = at::_empty_per_channel_affine_quantized(size, scales, zps, axis, opts);
      } else {
        std::string what = qs->kind == Kind::Global ? global_name(qs) : kind_name(qs);
        fail(std::string(fn) + ": can't deserialize quantized tensor with qscheme " + what);
      }
      t.set_(st->storage, offset, size, stride);
    } catch (const c10::Error& e) {
      fail(std::string(fn) + ": " + c10_message(e));
    }
    set_requires_grad(t, rg, fn);
    return tensor_node(std::move(t));
  }

  static void check_dense(const at::Tensor& t, const char* fn, const char* what) {
    if (t.layout() != at::kStrided || t.is_quantized())
      fail(std::string(fn) + ": " + what + " must be a dense tensor");
  }
  static std::vector<int64_t> sparse_size(const Node* n, const char* fn) {
    auto size = ints_arg(n, fn, "size");
    for (int64_t s : size)
      if (s < 0) fail(std::string(fn) + ": negative size " + std::to_string(s));
    return size;
  }

  // torch._utils._rebuild_sparse_tensor(layout, data). COO: data is
  // (indices, values, size), and in PyTorch 2.x (indices, values, size,
  // is_coalesced). The compressed layouts (2.x): (compressed_indices,
  // plain_indices, values, size). Loaded tensors are validated, as
  // torch.load's _validate_loaded_sparse_tensors does.
  Node* rebuild_sparse(const std::vector<Node*>& args, bool csr_only) {
    const char* fn = csr_only ? "_rebuild_sparse_csr_tensor" : "_rebuild_sparse_tensor";
    expect_args(args, 2, fn);
    const Node* layout = args[0];
    const Node* data = args[1];
    if (!csr_only && is_global_value(layout, "sparse_coo")) {
      if (data->kind != Kind::Tuple || data->items.size() < 3 || data->items.size() > 4)
        fail(std::string(fn) + ": data must be a tuple (indices, values, size[, is_coalesced])");
      return sparse_coo(data->items, fn);
    }
    static const std::pair<const char*, at::Layout> compressed[] = {{"sparse_csr", at::kSparseCsr},
                                                                    {"sparse_csc", at::kSparseCsc},
                                                                    {"sparse_bsr", at::kSparseBsr},
                                                                    {"sparse_bsc", at::kSparseBsc}};
    for (const auto& [name, lay] : compressed) {
      if (!is_global_value(layout, name) || (csr_only && lay != at::kSparseCsr)) continue;
      if (data->kind != Kind::Tuple || data->items.size() != 4)
        fail(std::string(fn) +
             ": data must be a tuple (compressed_indices, plain_indices, "
             "values, size)");
      return sparse_compressed(data->items, lay, fn);
    }
    std::string what = layout->kind == Kind::Global ? global_name(layout) : kind_name(layout);
    fail(std::string(fn) + ": rebuilding sparse tensor for layout " + what + " is not supported");
  }

  Node* sparse_coo(const std::vector<Node*>& data, const char* fn) {
    const at::Tensor& indices = tensor_arg(data[0], fn, "indices");
    const at::Tensor& values = tensor_arg(data[1], fn, "values");
    auto size = sparse_size(data[2], fn);
    // is_coalesced: None (files of 1.13) or a bool (2.x)
    const bool coalesced =
        data.size() == 4 && data[3]->kind != Kind::None && bool_arg(data[3], fn, "is_coalesced");
    check_dense(indices, fn, "indices");
    check_dense(values, fn, "values");
    if (indices.scalar_type() != at::kLong)
      fail(std::string(fn) + ": indices must be an int64 tensor");
    if (indices.dim() != 2) fail(std::string(fn) + ": indices must be 2-dimensional");
    at::Tensor t;
    try {
      at::_validate_sparse_coo_tensor_args(indices, values, size);
      if (coalesced) check_coalesced(indices);
      t = at::_sparse_coo_tensor_unsafe(indices, values, size,
                                        values.options().layout(at::kSparse));
      if (coalesced) t._coalesced_(true);
    } catch (const c10::Error& e) {
      fail(std::string(fn) + ": " + c10_message(e));
    }
    return tensor_node(std::move(t));
  }

  // is_coalesced=True is refused, as PyTorch 2.x's validation does, unless
  // the index columns are strictly increasing.
  static void check_coalesced(const at::Tensor& indices) {
    const at::Tensor idx = indices.contiguous();
    const int64_t dims = idx.size(0), nnz = idx.size(1);
    const int64_t* p = idx.data_ptr<int64_t>();
    for (int64_t j = 1; j < nnz; ++j) {
      int cmp = 0;
      for (int64_t d = 0; d < dims && cmp == 0; ++d) {
        const int64_t a = p[d * nnz + j - 1], b = p[d * nnz + j];
        cmp = a < b ? -1 : a > b ? 1 : 0;
      }
      if (cmp >= 0)
        fail("cannot set is_coalesced to true if indices correspond to uncoalesced COO tensor");
    }
  }

  Node* sparse_compressed(const std::vector<Node*>& data, at::Layout layout, const char* fn) {
    const at::Tensor& compressed = tensor_arg(data[0], fn, "compressed_indices");
    const at::Tensor& plain = tensor_arg(data[1], fn, "plain_indices");
    const at::Tensor& values = tensor_arg(data[2], fn, "values");
    auto size = sparse_size(data[3], fn);
    check_dense(compressed, fn, "compressed_indices");
    check_dense(plain, fn, "plain_indices");
    check_dense(values, fn, "values");
    at::Tensor t;
    try {
      at::_validate_sparse_compressed_tensor_args(compressed, plain, values, size, layout);
      t = at::_sparse_compressed_tensor_unsafe(compressed, plain, values, size,
                                               values.options().layout(layout));
    } catch (const c10::Error& e) {
      fail(std::string(fn) + ": " + c10_message(e));
    }
    return tensor_node(std::move(t));
  }

  // persistent_load(('storage', storage_type, key, location, numel))
  Node* persistent_load(const Node* pid) {
    if (pid->kind != Kind::Tuple || pid->items.empty())
      fail("persistent id must be a tuple ('storage', type, key, location, numel)");
    auto text = [](const Node* n) -> std::optional<std::string> {
      if (n->kind == Kind::Str || n->kind == Kind::Bytes) return n->s;
      return std::nullopt;
    };
    auto typename_ = text(pid->items[0]);
    if (!typename_ || *typename_ != "storage")
      fail("unknown typename for persistent_load, expected 'storage'");
    if (pid->items.size() != 5)
      fail("persistent id must be ('storage', type, key, location, numel)");
    const Node* type = pid->items[1];
    if (type->kind != Kind::Global || type->fn != Fn::StorageType)
      fail("persistent id: storage type must be a torch storage class, not " +
           std::string(type->kind == Kind::Global ? global_name(type) : kind_name(type)));
    std::string key;
    if (pid->items[2]->kind == Kind::Str)
      key = pid->items[2]->s;
    else if (pid->items[2]->kind == Kind::Int)
      key = std::to_string(pid->items[2]->i);
    else
      fail("persistent id: storage key must be a str");
    auto location = text(pid->items[3]);
    if (!location) fail("persistent id: storage location must be a str");
    if (pid->items[4]->kind != Kind::Int) fail("persistent id: storage numel must be an int");
    int64_t numel = pid->items[4]->i;
    const std::string shown = printable(key);
    if (numel < 0) fail("storage data/" + shown + " has negative size " + std::to_string(numel));

    auto cached = storages_.find(key);
    if (cached != storages_.end()) return cached->second;  // the first dtype wins, as in Python

    if (*location != "cpu")
      fail("storage data/" + shown + " is on device '" + printable(*location) +
           "'; only CPU storages can be loaded");
    at::ScalarType dtype = type->dtype;
    int64_t nbytes;
    if (__builtin_mul_overflow(numel, static_cast<int64_t>(c10::elementSize(dtype)), &nbytes))
      fail("storage data/" + shown + ": size overflows");
    Record rec = records_(key);
    if (rec.size < static_cast<uint64_t>(nbytes))
      fail("storage record data/" + shown + " has " + std::to_string(rec.size) + " bytes but " +
           std::to_string(numel) + " elements of " + c10::toString(dtype) + " need " +
           std::to_string(nbytes));
    // A file written on a big-endian machine (its byteorder record says so):
    // PyTorch 2.x swaps each element's bytes by the storage's dtype (for
    // complex numbers each half; an UntypedStorage, uint8, stays as it is).
    if (rec.byteswap && nbytes > 0) {
      size_t width = c10::elementSize(dtype);
      if (at::isComplexType(dtype)) width /= 2;
      auto* b = static_cast<unsigned char*>(rec.data.get());
      if (width > 1)
        for (int64_t k = 0; k + static_cast<int64_t>(width) <= nbytes;
             k += static_cast<int64_t>(width))
          std::reverse(b + k, b + k + width);
    }
    if (dtype == at::kBool) {
      const auto* b = static_cast<const unsigned char*>(rec.data.get());
      for (int64_t k = 0; k < nbytes; ++k)
        if (b[k] > 1)
          fail("storage record data/" + shown + " holds an invalid bool byte " +
               std::to_string(b[k]));
    }
    Node* n = make(Kind::Storage);
    n->dtype = dtype;
    n->flag = type->flag;  // an UntypedStorage
    n->i = numel;
    n->nbytes = static_cast<uint64_t>(nbytes);
    n->s = shown;
    n->storage = c10::Storage(c10::Storage::use_byte_size_t(), static_cast<size_t>(nbytes),
                              std::move(rec.data), /*allocator=*/nullptr, /*resizable=*/false);
    storages_[key] = n;
    return n;
  }

  // Canonical text of a dict key: equal Python keys (1 == 1.0 == True) give
  // equal texts; unhashable keys are refused as Python does.
  std::string key_of(const Node* k, int depth) {
    if (depth > limits_.max_depth) fail("dict key nested too deeply");
    switch (k->kind) {
      case Kind::None:
        return "N";
      case Kind::Bool:
        return "i" + std::to_string(k->flag ? 1 : 0);
      case Kind::Int:
        return "i" + std::to_string(k->i);
      case Kind::BigInt:
        return "i" + k->s;
      case Kind::Float: {
        double v = k->f;
        if (std::isnan(v)) return "p" + std::to_string(reinterpret_cast<uintptr_t>(k));
        if (std::isfinite(v) && v == std::floor(v)) {
          if (std::fabs(v) < 9.2e18) return "i" + std::to_string(static_cast<int64_t>(v));
          return "i" + integral_double_decimal(v);
        }
        char buf[64];
        std::snprintf(buf, sizeof buf, "f%a", v);
        return buf;
      }
      case Kind::Str:
        return "s" + k->s;
      case Kind::Bytes:
        return "b" + k->s;
      case Kind::Size: {
        std::string s = "t(";  // torch.Size hashes and compares like a tuple of ints
        for (int64_t d : k->dims) {
          std::string part = "i" + std::to_string(d);
          s += std::to_string(part.size()) + ":" + part;
        }
        return s + ")";
      }
      case Kind::Tuple: {
        std::string s = "t(";
        for (const Node* x : k->items) {
          std::string part = key_of(x, depth + 1);
          s += std::to_string(part.size()) + ":" + part;
        }
        return s + ")";
      }
      case Kind::Global:
        return "g" + global_name(k);
      case Kind::Tensor:
      case Kind::Storage:
        return "p" + std::to_string(reinterpret_cast<uintptr_t>(k));
      case Kind::List:
      case Kind::Dict:
        break;
    }
    fail(std::string("unhashable type: '") + kind_name(k) + "' used as a dict key");
  }

  void dict_set(Node* d, Node* k, Node* v) {
    if (!d->index) d->index = std::make_unique<std::unordered_map<std::string, size_t>>();
    std::string key = key_of(k, 0);
    auto it = d->index->find(key);
    if (it != d->index->end()) {
      d->items[2 * it->second + 1] = v;  // Python keeps the first key, takes the new value
      return;
    }
    (*d->index)[key] = d->items.size() / 2;
    d->items.push_back(k);
    d->items.push_back(v);
  }

  // Items of a Python iterable of pairs (for OrderedDict(...)).
  void fill_dict_from(Node* d, const Node* src) {
    if (src->kind == Kind::Dict) {
      for (size_t i = 0; i + 1 < src->items.size(); i += 2)
        dict_set(d, src->items[i], src->items[i + 1]);
      return;
    }
    if (src->kind != Kind::List && src->kind != Kind::Tuple)
      fail("OrderedDict() argument must be a dict or a sequence of pairs");
    for (const Node* pair : src->items) {
      if ((pair->kind != Kind::List && pair->kind != Kind::Tuple) || pair->items.size() != 2)
        fail("OrderedDict() sequence elements must be pairs");
      dict_set(d, pair->items[0], pair->items[1]);
    }
  }

  Node* call(Node* callable, const Node* argtuple) {
    if (argtuple->kind != Kind::Tuple)
      fail(std::string("REDUCE arguments must be a tuple, not ") + kind_name(argtuple));
    if (callable->kind != Kind::Global)
      fail(std::string("'") + kind_name(callable) + "' object is not callable");
    const std::vector<Node*>& args = argtuple->items;
    switch (callable->fn) {
      case Fn::RebuildTensor:
        return rebuild_tensor(args, 1);
      case Fn::RebuildTensorV2:
        return rebuild_tensor(args, 2);
      case Fn::RebuildTensorV3:
        return rebuild_tensor(args, 3);
      case Fn::RebuildParameter:
        expect_args(args, 3, "_rebuild_parameter");
        return rebuild_parameter(args[0], args[1], "_rebuild_parameter");
      case Fn::RebuildParameterWithState:
        // The state (the Parameter's Python attributes) does not show in print.
        expect_args(args, 4, "_rebuild_parameter_with_state");
        return rebuild_parameter(args[0], args[1], "_rebuild_parameter_with_state");
      case Fn::RebuildFromTypeV2:
      case Fn::RebuildFromType:
        return rebuild_from_type(args, callable->fn == Fn::RebuildFromTypeV2);
      case Fn::RebuildQTensor:
        return rebuild_qtensor(args);
      case Fn::RebuildSparse:
        return rebuild_sparse(args, false);
      case Fn::RebuildSparseCsr:
        return rebuild_sparse(args, true);
      case Fn::OrderedDict: {
        Node* d = make(Kind::Dict);
        d->flag = true;
        if (args.size() > 1) fail("OrderedDict expected at most 1 argument");
        if (args.size() == 1) fill_dict_from(d, args[0]);
        return d;
      }
      case Fn::TorchSize: {
        Node* s = make(Kind::Size);
        if (args.size() > 1) fail("torch.Size expected at most 1 argument");
        if (args.size() == 1) s->dims = ints_arg(args[0], "torch.Size", "an element");
        return s;
      }
      case Fn::GetLayout: {
        expect_args(args, 1, "_get_layout");
        const Node* name = args[0];
        const std::string prefix = "torch.";
        if (name->kind != Kind::Str || name->s.compare(0, prefix.size(), prefix) != 0 ||
            !is_layout_name(name->s.substr(prefix.size())))
          fail("_get_layout: unknown layout");
        return make_global("torch", name->s.substr(prefix.size()), Fn::Value);
      }
      case Fn::CodecsEncode: {
        if (args.empty() || args.size() > 3 || args[0]->kind != Kind::Str)
          fail("_codecs.encode: expected (str, encoding)");
        std::string enc = "utf-8";
        if (args.size() >= 2) {
          if (args[1]->kind != Kind::Str) fail("_codecs.encode: encoding must be a str");
          enc = args[1]->s;
        }
        if (enc == "utf-8" || enc == "utf8") return make_str(args[0]->s, Kind::Bytes);
        if (enc != "latin1" && enc != "latin-1" && enc != "iso-8859-1")
          fail("_codecs.encode: unsupported encoding '" + printable(enc) + "'");
        // The str's code points (all < 256) are the bytes.
        std::string out;
        const std::string& s = args[0]->s;
        for (size_t i = 0; i < s.size();) {
          auto c = static_cast<unsigned char>(s[i]);
          if (c < 0x80)
            out += static_cast<char>(c), i += 1;
          else if ((c == 0xc2 || c == 0xc3) && i + 1 < s.size())
            out += static_cast<char>(((c & 0x1f) << 6) | (s[i + 1] & 0x3f)), i += 2;
          else
            fail("_codecs.encode: 'latin-1' codec can't encode the string");
        }
        return make_str(std::move(out), Kind::Bytes);
      }
      case Fn::BuiltinsBytes: {
        if (!args.empty()) fail("bytes(...) with arguments is not supported");
        return make_str("", Kind::Bytes);
      }
      case Fn::Value:
      case Fn::StorageType:
      case Fn::TensorType:
        break;
    }
    fail("'" + global_name(callable) + "' cannot be called when loading");
  }

  // ----- the interpreter loop
  Node* execute() {
    while (true) {
      if (pos_ >= n_) fail("pickle data was truncated (no STOP opcode)");
      size_t op_pos = pos_;
      unsigned char op = p_[pos_++];
      switch (op) {
        case 0x80: {  // PROTO
          unsigned proto = static_cast<unsigned>(le(1, "PROTO"));
          if (proto > 5) fail("unsupported pickle protocol: " + std::to_string(proto));
          proto_ = proto;
          break;
        }
        case 0x95: {  // FRAME
          uint64_t len = le(8, "FRAME");
          length(len, "a frame");
          break;
        }
        case '.': {  // STOP
          return pop("STOP");
        }
        case '(':
          marks_.push_back(stack_.size());
          break;   // MARK
        case '0':  // POP
          if (stack_.size() > floor())
            stack_.pop_back();
          else
            pop_mark("POP");
          break;
        case '1':
          pop_mark("POP_MARK");
          break;
        case '2':
          push(top("DUP"));
          break;
        // memo
        case 'p': {  // PUT (text)
          std::string l = line("PUT");
          memo_put(parse_decimal(l, "PUT"), "PUT");
          break;
        }
        case 'g': {  // GET (text)
          std::string l = line("GET");
          push(memo_get(parse_decimal(l, "GET")));
          break;
        }
        case 'q':
          memo_put(le(1, "BINPUT"), "BINPUT");
          break;
        case 'r':
          memo_put(le(4, "LONG_BINPUT"), "LONG_BINPUT");
          break;
        case 'h':
          push(memo_get(le(1, "BINGET")));
          break;
        case 'j':
          push(memo_get(le(4, "LONG_BINGET")));
          break;
        case 0x94:
          memo_put(memo_.size(), "MEMOIZE");
          break;
        // constants and numbers
        case 'N':
          push(&none_);
          break;
        case 0x88:
          push(&true_);
          break;
        case 0x89:
          push(&false_);
          break;
        case 'J':
          push(make_int(static_cast<int32_t>(static_cast<uint32_t>(le(4, "BININT")))));
          break;
        case 'K':
          push(make_int(static_cast<int64_t>(le(1, "BININT1"))));
          break;
        case 'M':
          push(make_int(static_cast<int64_t>(le(2, "BININT2"))));
          break;
        case 0x8a:
          push(read_long(static_cast<size_t>(le(1, "LONG1"))));
          break;
        case 0x8b: {
          auto len = static_cast<int32_t>(static_cast<uint32_t>(le(4, "LONG4")));
          if (len < 0) fail("LONG pickle has negative byte count");
          push(read_long(length(static_cast<uint64_t>(len), "LONG4")));
          break;
        }
        case 'G': {  // BINFLOAT, big-endian
          const unsigned char* b = take(8, "BINFLOAT");
          uint64_t bits = 0;
          for (int k = 0; k < 8; ++k) bits = (bits << 8) | b[k];
          Node* n = make(Kind::Float);
          std::memcpy(&n->f, &bits, sizeof bits);
          push(n);
          break;
        }
        // strings and bytes
        case 'X':
          push(read_str(length(le(4, "BINUNICODE"), "a string")));
          break;
        case 0x8c:
          push(read_str(length(le(1, "SHORT_BINUNICODE"), "a string")));
          break;
        case 0x8d:
          push(read_str(length(le(8, "BINUNICODE8"), "a string")));
          break;
        case 'B':
          push(read_bytes(length(le(4, "BINBYTES"), "bytes")));
          break;
        case 'C':
          push(read_bytes(length(le(1, "SHORT_BINBYTES"), "bytes")));
          break;
        case 0x8e:
          push(read_bytes(length(le(8, "BINBYTES8"), "bytes")));
          break;
        // containers
        case ']':
          push(make(Kind::List));
          break;
        case 'l': {  // LIST
          auto items = pop_mark("LIST");
          Node* l = make(Kind::List);
          l->items = std::move(items);
          push(l);
          break;
        }
        case 'a': {  // APPEND
          Node* v = pop("APPEND");
          Node* l = top("APPEND");
          if (l->kind != Kind::List) fail(std::string("APPEND to a ") + kind_name(l));
          l->items.push_back(v);
          break;
        }
        case 'e': {  // APPENDS
          auto items = pop_mark("APPENDS");
          Node* l = top("APPENDS");
          if (l->kind != Kind::List) fail(std::string("APPENDS to a ") + kind_name(l));
          l->items.insert(l->items.end(), items.begin(), items.end());
          break;
        }
        case ')':
          push(make(Kind::Tuple));
          break;
        case 't': {
          auto items = pop_mark("TUPLE");
          Node* t = make(Kind::Tuple);
          t->items = std::move(items);
          push(t);
          break;
        }
        case 0x85:
        case 0x86:
        case 0x87: {  // TUPLE1..3
          auto items = pop_n(op - 0x84u, "TUPLE1/2/3");
          Node* t = make(Kind::Tuple);
          t->items = std::move(items);
          push(t);
          break;
        }
        case '}':
          push(make(Kind::Dict));
          break;
        case 'd': {  // DICT
          auto items = pop_mark("DICT");
          if (items.size() % 2) fail("odd number of items for DICT");
          Node* d = make(Kind::Dict);
          for (size_t k = 0; k < items.size(); k += 2) dict_set(d, items[k], items[k + 1]);
          push(d);
          break;
        }
        case 's': {  // SETITEM
          Node* v = pop("SETITEM");
          Node* k = pop("SETITEM");
          Node* d = top("SETITEM");
          if (d->kind != Kind::Dict) fail(std::string("SETITEM on a ") + kind_name(d));
          dict_set(d, k, v);
          break;
        }
        case 'u': {  // SETITEMS
          auto items = pop_mark("SETITEMS");
          if (items.size() % 2) fail("odd number of items for SETITEMS");
          Node* d = top("SETITEMS");
          if (d->kind != Kind::Dict) fail(std::string("SETITEMS on a ") + kind_name(d));
          for (size_t k = 0; k < items.size(); k += 2) dict_set(d, items[k], items[k + 1]);
          break;
        }
        case 0x8f:  // EMPTY_SET
        case 0x90:  // ADDITEMS
        case 0x91:  // FROZENSET
          fail("Python sets are not supported");
        // globals and calls
        case 'c': {  // GLOBAL
          std::string module = line("GLOBAL");
          std::string name = line("GLOBAL");
          push(find_class(module, name));
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          Node* name = pop("STACK_GLOBAL");
          Node* module = pop("STACK_GLOBAL");
          if (name->kind != Kind::Str || module->kind != Kind::Str)
            fail("STACK_GLOBAL requires str");
          push(find_class(module->s, name->s));
          break;
        }
        case 'R': {  // REDUCE
          Node* args = pop("REDUCE");
          Node* callable = pop("REDUCE");
          push(call(callable, args));
          break;
        }
        case 0x81:                           // NEWOBJ
        case 0x92: {                         // NEWOBJ_EX
          if (op == 0x92) pop("NEWOBJ_EX");  // kwargs
          Node* args = pop("NEWOBJ");
          Node* cls = pop("NEWOBJ");
          if (args->kind != Kind::Tuple) fail("NEWOBJ arguments must be a tuple");
          if (cls->kind != Kind::Global || cls->fn != Fn::OrderedDict)
            fail("NEWOBJ of '" +
                 std::string(cls->kind == Kind::Global ? global_name(cls) : kind_name(cls)) +
                 "' is not supported");
          Node* d = make(Kind::Dict);  // OrderedDict.__new__ ignores its arguments
          d->flag = true;
          push(d);
          break;
        }
        case 'b': {  // BUILD
          Node* state = pop("BUILD");
          Node* inst = top("BUILD");
          // An OrderedDict's instance attributes (a state_dict's _metadata)
          // do not change how it prints.
          bool dict_state = state->kind == Kind::Dict || state->kind == Kind::None ||
                            (state->kind == Kind::Tuple && state->items.size() == 2);
          if (!(inst->kind == Kind::Dict && inst->flag && dict_state))
            fail(std::string("BUILD of a ") + kind_name(inst) + " is not supported");
          break;
        }
        case 'Q': {  // BINPERSID
          Node* pid = pop("BINPERSID");
          push(persistent_load(pid));
          break;
        }
        default: {
          char buf[96];
          std::snprintf(buf, sizeof buf, "unsupported pickle opcode 0x%02x at offset %zu", op,
                        op_pos);
          fail(buf);
        }
      }
      if (stack_.size() > limits_.max_objects) fail("pickle stack too large");
    }
  }

  static uint64_t parse_decimal(const std::string& s, const char* op) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
      fail(std::string("invalid ") + op + " argument");
    return std::stoull(s);
  }

  // ----- conversion to the public Object model
  Object to_object(Node* n, int depth, size_t& budget) {
    if (depth > limits_.max_depth)
      fail("nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    if (budget == 0)
      fail("the loaded value has more than " + std::to_string(limits_.max_result_objects) +
           " objects");
    --budget;
    switch (n->kind) {
      case Kind::None:
        return Object(None{});
      case Kind::Bool:
        return Object(n->flag);
      case Kind::Int:
        return Object(n->i);
      case Kind::BigInt:
        return Object(BigInt{n->s});
      case Kind::Float:
        return Object(n->f);
      case Kind::Str:
        return Object(n->s);
      case Kind::Bytes:
        return Object(Bytes{n->s});
      case Kind::Size:
        return Object(Size{n->dims});
      case Kind::Tensor:
        return Object(TensorValue{n->tensor, n->flag});
      case Kind::Global:
        if (n->fn == Fn::Value) return Object(Global{n->s, n->name});
        fail("the result contains '" + global_name(n) + "', which cannot be printed");
      case Kind::Storage:
        fail("the result contains a bare storage (data/" + n->s + "); only tensors are supported");
      case Kind::List:
      case Kind::Tuple:
      case Kind::Dict:
        break;
    }
    if (n->visiting)
      fail(std::string("the result contains a recursive ") + kind_name(n) +
           " (it contains itself)");
    n->visiting = true;
    Object out;
    if (n->kind == Kind::Dict) {
      Dict d;
      d.ordered = n->flag;
      d.items.reserve(n->items.size() / 2);
      for (size_t k = 0; k + 1 < n->items.size(); k += 2) {
        Object key = to_object(n->items[k], depth + 1, budget);
        d.items.emplace_back(std::move(key), to_object(n->items[k + 1], depth + 1, budget));
      }
      out = Object(std::move(d));
    } else {
      std::vector<Object> items;
      items.reserve(n->items.size());
      for (Node* x : n->items) items.push_back(to_object(x, depth + 1, budget));
      if (n->kind == Kind::List)
        out = Object(List(std::move(items)));
      else
        out = Object(Tuple{std::move(items)});
    }
    n->visiting = false;
    return out;
  }

  const unsigned char* p_;
  size_t n_;
  size_t pos_ = 0;
  unsigned proto_ = 0;
  const RecordLoader& records_;
  UnpickleLimits limits_;
  std::deque<Node> arena_;
  Node none_, true_, false_;
  std::vector<Node*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Node*> memo_;
  std::unordered_map<std::string, Node*> storages_;
};

}  // namespace

Object unpickle(const char* data, size_t size, const RecordLoader& records,
                const UnpickleLimits& limits) {
  // Building some tensors warns on stderr (2.14: "quantized tensor creation
  // functions ... are deprecated"; 1.13: "Sparse CSR tensor support is in
  // beta state"), where Python's torch.load warns through its warnings module.
  QuietTorchWarnings quiet;
  try {
    Unpickler u(reinterpret_cast<const unsigned char*>(data), size, records, limits);
    return u.run();
  } catch (const LoadError&) {
    throw;
  } catch (const c10::Error& e) {
    fail(c10_message(e));
  } catch (const std::bad_alloc&) {
    fail("out of memory");
  }
}

}  // namespace detail

// ---------------------------------------------------------------------------
// The zip archive

namespace {

using detail::fail;

// Bounds-checked reads from memory or from a file descriptor.
class MemoryAdapter final : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit MemoryAdapter(const std::string& data) : data_(data) {}
  size_t size() const override { return data_.size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
    if (pos >= data_.size()) return 0;
    size_t k = std::min<uint64_t>(n, data_.size() - pos);
    std::memcpy(buf, data_.data() + pos, k);
    return k;
  }

 private:
  const std::string& data_;
};

class FileAdapter final : public caffe2::serialize::ReadAdapterInterface {
 public:
  FileAdapter(int fd, size_t size) : fd_(fd), size_(size) {}
  ~FileAdapter() override { ::close(fd_); }
  size_t size() const override { return size_; }
  size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
    if (pos >= size_) return 0;
    n = std::min<uint64_t>(n, size_ - pos);
    size_t done = 0;
    while (done < n) {
      ssize_t r =
          ::pread(fd_, static_cast<char*>(buf) + done, n - done, static_cast<off_t>(pos + done));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      done += static_cast<size_t>(r);
    }
    return done;
  }

 private:
  int fd_;
  size_t size_;
};

// What the first bytes say about the file.
void check_signature(const unsigned char* head, size_t n) {
  if (n == 0) fail("empty file (not a torch.save archive)");
  if (n >= 4 && std::memcmp(head, "PK\x03\x04", 4) == 0) return;
  if (n >= 2 && head[0] == 0x80 && head[1] <= 5)
    fail(
        "legacy (non-zip) torch.save format, written by PyTorch < 1.6 or with "
        "_use_new_zipfile_serialization=False, is not supported");
  fail("not a torch.save archive (no zip signature)");
}

Object load_archive(std::shared_ptr<caffe2::serialize::ReadAdapterInterface> in) {
  // PyTorchStreamReader trusts the sizes the zip claims: check them first.
  detail::check_zip(*in);
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
  try {
    reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(std::move(in));
  } catch (const c10::Error& e) {
    fail("corrupt or truncated zip archive: " + detail::c10_message(e));
  } catch (const std::exception& e) {
    fail(std::string("corrupt or truncated zip archive: ") + e.what());
  }
  auto get = [&](const std::string& name) {
    try {
      return reader->getRecord(name);
    } catch (const c10::Error& e) {
      fail("cannot read record '" + detail::printable(name) + "': " + detail::c10_message(e));
    } catch (const std::bad_alloc&) {
      fail("cannot read record '" + name + "': out of memory");
    }
  };
  auto has = [&](const std::string& name) {
    try {
      return reader->hasRecord(name);
    } catch (const c10::Error& e) {
      fail("corrupt zip archive: " + detail::c10_message(e));
    }
  };
  if (has("constants.pkl")) fail("a TorchScript archive (torch.jit.save), not a torch.save file");
  if (!has("data.pkl")) fail("no data.pkl record in the archive (not a torch.save file)");
  // PyTorch >= 2.0 records the byte order of the machine that wrote the
  // file (and 2.x swaps the bytes of storages written on a big-endian one);
  // its other records (.data/serialization_id, .format_version,
  // .storage_alignment) do not change what is loaded.
  bool byteswap = false;
  if (has("byteorder")) {
    auto [bo, bo_size] = get("byteorder");
    std::string order(static_cast<const char*>(bo.get()), bo_size);
    if (order != "little" && order != "big")
      fail("Unknown endianness type: " + detail::printable(order));
    byteswap = order == "big";
  }
  auto [pkl, pkl_size] = get("data.pkl");
  detail::RecordLoader records = [&](const std::string& key) {
    std::string name = "data/" + key;
    if (!has(name)) fail("missing storage record '" + detail::printable(name) + "'");
    auto [ptr, size] = get(name);
    return detail::Record{std::move(ptr), size, byteswap};
  };
  return detail::unpickle(static_cast<const char*>(pkl.get()), pkl_size, records);
}

Object load_guarded(const std::string& where, const std::function<Object()>& body) {
  try {
    return body();
  } catch (const LoadError& e) {
    throw LoadError(one_line(where + ": " + e.what()));
  } catch (const c10::Error& e) {
    throw LoadError(one_line(where + ": " + detail::c10_message(e)));
  } catch (const std::bad_alloc&) {
    throw LoadError(one_line(where + ": out of memory"));
  } catch (const std::exception& e) {
    throw LoadError(one_line(where + ": " + detail::first_line(e.what())));
  }
}

}  // namespace

namespace {

// A c10 warning handler that drops every warning.
class DropWarnings final : public c10::WarningHandler {
 public:
#if PYREPR_WARNING_HANDLER_TAKES_WARNING
  void process(const c10::Warning& /*warning*/) override {}
#else
  void process(const c10::SourceLocation& /*where*/, const std::string& /*msg*/,
               bool /*verbatim*/) override {}
#endif
};

#if PYREPR_WARNING_HANDLER_TAKES_WARNING
namespace warning_utils = c10::WarningUtils;
#else
namespace warning_utils = c10::Warning;
#endif

}  // namespace

QuietTorchWarnings::QuietTorchWarnings() : previous_(warning_utils::get_warning_handler()) {
  static DropWarnings drop;
  warning_utils::set_warning_handler(&drop);
}

QuietTorchWarnings::~QuietTorchWarnings() {
  warning_utils::set_warning_handler(static_cast<c10::WarningHandler*>(previous_));
}

Object load(const std::string& path) {
  return load_guarded(path, [&] {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      fail(std::strerror(err));
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      fail(std::strerror(EISDIR));
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd);
      fail("not a regular file");
    }
    auto adapter = std::make_shared<FileAdapter>(fd, static_cast<size_t>(st.st_size));
    unsigned char head[4] = {0, 0, 0, 0};
    size_t got = adapter->read(0, head, sizeof head, "signature");
    check_signature(head, got);
    return load_archive(adapter);
  });
}

Object load_bytes(const std::string& bytes) {
  return load_guarded("<bytes>", [&] {
    check_signature(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return load_archive(std::make_shared<MemoryAdapter>(bytes));
  });
}

std::string one_line(const std::string& s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace pyrepr
