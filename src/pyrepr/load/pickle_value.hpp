// Internal (pyrepr::load): the pickle interpreter's own values. Mutable,
// shared by reference (the memo holds the same object as the stack), owned by
// an Arena so that deep or cyclic structures are freed without recursion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pyrepr/dtype.hpp"
#include "pyrepr/load/load_diagnostics.hpp"
#include "pyrepr/object.hpp"
#include "pyrepr/tensor_data.hpp"

namespace pyrepr::detail {

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
  Size,
  StructSeq  // a torch.return_types value: items, type name in s, fields in names
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
  ReturnType,  // a torch.return_types class (its fields: return_type_fields)
  GetLayout,
  CodecsEncode,
  BuiltinsBytes,
  // torch.jit._pickle's: restore_type_tag(value, type) and build_intlist,
  // build_doublelist, build_boollist, build_tensorlist(list) give back their
  // first argument (what LibTorch's torch::pickle_save writes around typed
  // containers, which Python's torch.load reads as plain ones)
  JitIdentity,
};

struct Node {
  Kind kind = Kind::None;
  bool flag = false;  // Bool: value; Dict: ordered; Tensor: is_parameter; Storage: untyped
  bool visiting = false;
  bool fresh = false;  // Int: just made by an opcode, held by the stack alone
  Fn fn = Fn::Value;
  const DType* dtype = nullptr;  // StorageType, Storage
  int64_t i = 0;                 // Int; Storage: numel
  uint64_t nbytes = 0;           // Storage: its size in bytes
  double f = 0;
  std::string s;             // Str, Bytes, BigInt decimal, Global module, Storage key
  std::string name;          // Global name
  std::vector<Node*> items;  // List, Tuple; Dict: key0, value0, key1, value1, ...
  // List: its items while they are all ints (then `items` is empty). Read a
  // list's items with seq_size/seq_item, or unpack it first.
  std::shared_ptr<PackedInts> packed;
  std::unique_ptr<std::unordered_map<uint64_t, size_t>> index;  // Dict: DictKeys key -> item pair
  std::shared_ptr<const TensorData> tensor;
  std::shared_ptr<const Storage> storage;
  std::vector<int64_t> dims;  // Size
};

// The Python type name of a value, for messages ("list", "Tensor", ...).
const char* kind_name(const Node* n);
// "module.name" of a Global.
std::string global_name(const Node* g);
// Is `n` the module attribute torch.<name> (a dtype, layout or qscheme)?
bool is_global_value(const Node* n, const char* name);

// Owns every value a pickle makes, up to a limit on those alive at once.
// Nodes live in blocks of kBlock (one allocation each, addresses stable);
// released ones are made again first.
class Arena {
 public:
  explicit Arena(size_t max_objects) : max_objects_(max_objects) {}
  Node* make(Kind k) {
    if (count_ >= max_objects_)
      fail("pickle creates more than " + std::to_string(max_objects_) + " objects");
    Node* n = nullptr;
    if (!free_.empty()) {
      n = free_.back();
      free_.pop_back();
    } else {
      if (used_ % kBlock == 0) blocks_.push_back(std::make_unique<Node[]>(kBlock));
      n = &blocks_.back()[used_ % kBlock];
      ++used_;
    }
    ++count_;
    n->kind = k;
    return n;
  }
  // `n` is referenced from nowhere any more (an int packed into a list).
  void release(Node* n) {
    *n = Node{};
    free_.push_back(n);
    --count_;
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

 private:
  static constexpr size_t kBlock = 1024;
  size_t max_objects_;
  size_t count_ = 0;  // alive
  size_t used_ = 0;   // slots of the blocks ever made
  std::vector<std::unique_ptr<Node[]>> blocks_;
  std::vector<Node*> free_;
};

// Arguments of the functions a pickle calls: one error line "<fn>: <what>
// must be ..., not <type>" when the type is wrong.
inline int64_t int_arg(const Node* n, const char* fn, const char* what) {
  if (n->kind == Kind::BigInt)  // Python: "Overflow when unpacking long"
    fail(std::string(fn) + ": " + what + " " + n->s + " does not fit in 64 bits");
  if (n->kind != Kind::Int)
    fail(std::string(fn) + ": " + what + " must be an int, not " + kind_name(n));
  return n->i;
}
inline bool bool_arg(const Node* n, const char* fn, const char* what) {
  if (n->kind != Kind::Bool)
    fail(std::string(fn) + ": " + what + " must be a bool, not " + kind_name(n));
  return n->flag;
}
inline double float_arg(const Node* n, const char* fn, const char* what) {
  if (n->kind == Kind::Float) return n->f;
  if (n->kind == Kind::Int) return static_cast<double>(n->i);
  if (n->kind == Kind::Bool) return n->flag ? 1.0 : 0.0;
  fail(std::string(fn) + ": " + what + " must be a float, not " + kind_name(n));
}
inline std::vector<int64_t> ints_arg(const Node* n, const char* fn, const char* what) {
  if (n->kind == Kind::Size) return n->dims;
  if (n->kind != Kind::Tuple && n->kind != Kind::List)
    fail(std::string(fn) + ": " + what + " must be a tuple of ints, not " + kind_name(n));
  if (n->packed) {
    std::vector<int64_t> v(n->packed->size());
    for (size_t k = 0; k < v.size(); ++k) v[k] = (*n->packed)[k];
    return v;
  }
  std::vector<int64_t> v;
  v.reserve(n->items.size());
  for (const Node* x : n->items) v.push_back(int_arg(x, fn, what));
  return v;
}
inline const TensorData& tensor_arg(const Node* n, const char* fn, const char* what) {
  if (n->kind != Kind::Tensor)
    fail(std::string(fn) + ": " + what + " must be a tensor, not " + kind_name(n));
  return *n->tensor;
}
inline void expect_args(const std::vector<Node*>& args, size_t k, const char* fn) {
  if (args.size() != k)
    fail(std::string(fn) + " takes " + std::to_string(k) + " arguments but " +
         std::to_string(args.size()) + " were given");
}

}  // namespace pyrepr::detail
