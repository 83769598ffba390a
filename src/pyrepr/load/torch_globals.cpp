#include "pyrepr/load/torch_globals.hpp"
#include "pyrepr/core/summarized_data.hpp"
#include "pyrepr/tensor_repr.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pyrepr/dtype.hpp"
#include "pyrepr/load/sparse_rebuild.hpp"
#include "pyrepr/load/torch_names.hpp"

namespace pyrepr::detail {

namespace {

// The fields of each torch.return_types class, in order (their repr's
// order; PyTorch 1.13's list, which 2.6 and 2.14 keep). "<name>_out" has
// the fields of "<name>".
const std::vector<const char*>* return_type_fields(std::string name) {
  static const std::map<std::string, std::vector<const char*>> fields = {
      {"aminmax", {"min", "max"}},
      {"cummax", {"values", "indices"}},
      {"cummin", {"values", "indices"}},
      {"frexp", {"mantissa", "exponent"}},
      {"geqrf", {"a", "tau"}},
      {"histogram", {"hist", "bin_edges"}},
      {"histogramdd", {"hist", "bin_edges"}},
      {"kthvalue", {"values", "indices"}},
      {"linalg_cholesky_ex", {"L", "info"}},
      {"linalg_eig", {"eigenvalues", "eigenvectors"}},
      {"linalg_eigh", {"eigenvalues", "eigenvectors"}},
      {"linalg_inv_ex", {"inverse", "info"}},
      {"linalg_ldl_factor", {"LD", "pivots"}},
      {"linalg_ldl_factor_ex", {"LD", "pivots", "info"}},
      {"linalg_lstsq", {"solution", "residuals", "rank", "singular_values"}},
      {"linalg_lu", {"P", "L", "U"}},
      {"linalg_lu_factor", {"LU", "pivots"}},
      {"linalg_lu_factor_ex", {"LU", "pivots", "info"}},
      {"linalg_qr", {"Q", "R"}},
      {"linalg_slogdet", {"sign", "logabsdet"}},
      {"linalg_solve_ex", {"result", "info"}},
      {"linalg_svd", {"U", "S", "Vh"}},
      {"lu_unpack", {"P", "L", "U"}},
      {"max", {"values", "indices"}},
      {"median", {"values", "indices"}},
      {"min", {"values", "indices"}},
      {"mode", {"values", "indices"}},
      {"nanmedian", {"values", "indices"}},
      {"qr", {"Q", "R"}},
      {"slogdet", {"sign", "logabsdet"}},
      {"sort", {"values", "indices"}},
      {"svd", {"U", "S", "V"}},
      {"symeig", {"eigenvalues", "eigenvectors"}},
      {"topk", {"values", "indices"}},
      {"triangular_solve", {"solution", "cloned_coefficient"}},
  };
  const std::string suffix = "_out";
  if (name.size() > suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
    name.resize(name.size() - suffix.size());
  const auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

}  // namespace

const std::vector<const char*>& struct_seq_fields(const Node* n) {
  static const std::vector<const char*> none;
  const auto* fields = return_type_fields(n->name);
  return fields ? *fields : none;
}

class TorchGlobals::Impl {
 public:
  Impl(Arena& arena, const RecordLoader& records,
       std::function<Node*(Node* callable, const Node* argtuple)> call_any)
      : arena_(arena), records_(records), call_any_(std::move(call_any)) {}

  Node* find_class(std::string module, const std::string& name) {
    if (module == "torch.tensor") module = "torch._tensor";  // torch.load's module mapping
    if (name.find("Storage") != std::string::npos) {
      if (auto dtype = storage_class_dtype(name)) {
        Node* g = make_global("torch", name, Fn::StorageType);
        g->dtype = dtype;
        return g;
      }
    }
    // PyTorch 2.x's storage of the new dtypes: bytes, its dtype an argument
    // of _rebuild_tensor_v3.
    if ((module == "torch" || module == "torch.storage") && name == "UntypedStorage") {
      Node* g = make_global(module, name, Fn::StorageType);
      g->dtype = &dtypes::uint8;
      g->flag = true;
      return g;
    }
    static const std::map<std::pair<std::string, std::string>, Fn> callables = {
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
    };
    auto it = callables.find({module, name});
    if (it != callables.end()) return make_global(module, name, it->second);
    if (module == "torch.return_types" && return_type_fields(name))
      return make_global(module, name, Fn::ReturnType);
    if (module == "torch") {
      if (auto canon = canonical_torch_value(name)) return make_global("torch", *canon, Fn::Value);
    }
    return nullptr;
  }

  Node* call(const Node* callable, const std::vector<Node*>& args) {
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
      case Fn::TorchSize: {
        Node* s = make(Kind::Size);
        if (args.size() > 1) fail("torch.Size expected at most 1 argument");
        if (args.size() == 1) s->dims = ints_arg(args[0], "torch.Size", "an element");
        return s;
      }
      case Fn::ReturnType: {  // structseq's __reduce__: (type, (values, {extra fields}))
        const std::string fn = global_name(callable);
        if (args.empty() || args.size() > 2 ||
            (args[0]->kind != Kind::Tuple && args[0]->kind != Kind::List))
          fail(fn + ": expected a tuple of values");
        if (args.size() == 2 && !(args[1]->kind == Kind::Dict && args[1]->items.empty()))
          fail(fn + ": unexpected extra fields");
        const size_t want = return_type_fields(callable->name)->size();
        const Node* values = args[0];
        const size_t given = values->packed ? values->packed->size() : values->items.size();
        if (given != want)
          fail(fn + " takes a " + std::to_string(want) + "-sequence (" + std::to_string(given) +
               "-sequence given)");
        Node* s = make(Kind::StructSeq);
        s->s = callable->s;
        s->name = callable->name;
        s->items = values->items;
        if (values->packed)  // a list of ints
          for (size_t k = 0; k < given; ++k)
            s->items.push_back(arena_.make_int((*values->packed)[k]));
        return s;
      }
      case Fn::GetLayout: {
        expect_args(args, 1, "_get_layout");
        const Node* name = args[0];
        const std::string prefix = "torch.";
        if (name->kind != Kind::Str || name->s.compare(0, prefix.size(), prefix) != 0 ||
            !find_layout(name->s.substr(prefix.size())))
          fail("_get_layout: unknown layout");
        return make_global("torch", name->s.substr(prefix.size()), Fn::Value);
      }
      default:
        return nullptr;
    }
  }

 private:
  friend class TorchGlobals;  // persistent_load

  // requires_grad=True, as LibTorch allows it.
  static void set_requires_grad(TensorData& t, bool rg, const char* fn) {
    if (!rg) return;
    if (!t.dtype || !(is_floating_point(*t.dtype) || is_complex(*t.dtype)))
      fail(std::string(fn) +
           ": only Tensors of floating point and complex dtype can require gradients");
    t.requires_grad = true;
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

  Node* tensor_node(TensorData t, bool is_parameter = false) {
    Node* n = make(Kind::Tensor);
    n->tensor = std::make_shared<const TensorData>(std::move(t));
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
    const DType* dtype = st->dtype;
    if (version == 3) {
      const Node* d = args[6];
      if (d->kind != Kind::Global || d->fn != Fn::Value || d->s != "torch" || !find_dtype(d->name))
        fail(std::string(fn) + ": dtype must be a torch.dtype, not " +
             (d->kind == Kind::Global ? global_name(d) : std::string(kind_name(d))));
      dtype = &dtype_of(d->name, fn);
    }
    if (dtype->values == DTypeValues::Quantized)
      fail(std::string(fn) + ": cannot build a plain tensor of quantized dtype " + dtype->c10);
    const auto itemsize = static_cast<int64_t>(dtype->itemsize);
    int64_t offset = int_arg(args[1], fn, "storage_offset");
    auto size = ints_arg(args[2], fn, "size");
    auto stride = ints_arg(args[3], fn, "stride");
    bool rg = version > 1 ? bool_arg(args[4], fn, "requires_grad") : false;
    const Node* metadata = args.size() == allowed && version > 1 ? args.back() : nullptr;
    check_geometry(st, static_cast<int64_t>(st->nbytes) / itemsize, offset, size, stride, fn);
    // as Python does: torch.empty((0,), dtype) then set_
    TensorData t;
    t.dtype = dtype;
    t.sizes = std::move(size);
    t.strides = std::move(stride);
    t.storage_offset = offset;
    t.storage = st->storage;
    if (metadata) set_tensor_metadata(t, *dtype, metadata, fn);
    set_requires_grad(t, rg, fn);
    return tensor_node(std::move(t));
  }

  // torch._utils.set_tensor_metadata: {'conj': bool, 'neg': bool}, as
  // torch._utils.get_tensor_metadata saved them (PyTorch 2.x). None or an
  // empty dict sets nothing.
  static void set_tensor_metadata(TensorData& t, const DType& dtype, const Node* metadata,
                                  const char* fn) {
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
      if (!on) continue;
      if (key->s == "conj" && !is_complex(dtype))
        fail(std::string(fn) + ": the conj bit on a tensor of dtype " + dtype.c10);
      if (key->s == "neg" &&
          (dtype.element == ElementType::Bool || dtype.values == DTypeValues::Quantized))
        fail(std::string(fn) + ": the neg bit on a tensor of dtype " + dtype.c10);
      if (key->s == "conj")
        t.conj = true;
      else
        t.neg = true;
    }
  }

  // torch._utils._rebuild_parameter(data, requires_grad, hooks) and, in
  // PyTorch 2.x, _rebuild_parameter_with_state(data, requires_grad, hooks,
  // state): nn.Parameter(data, requires_grad).
  Node* rebuild_parameter(const Node* data_arg, const Node* rg_arg, const char* fn) {
    TensorData p = tensor_arg(data_arg, fn, "data");  // data.detach()
    bool rg = bool_arg(rg_arg, fn, "requires_grad");
    p.requires_grad = false;
    p.grad_fn.clear();
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
    Node* result = call_any_(func, args[2]);
    if (result->kind != Kind::Tensor)
      fail(std::string(fn) + ": func returned a " + kind_name(result) + ", not a tensor");
    return result;
  }

  // A tensor of `dtype` holding `values` (its own storage).
  static TensorData tensor_of_values(const std::vector<double>& values, const DType& d) {
    std::vector<unsigned char> bytes(values.size() * d.itemsize);
    for (size_t k = 0; k < values.size(); ++k) {
      unsigned char* p = bytes.data() + k * d.itemsize;
      if (d.element == ElementType::Float64) {
        std::memcpy(p, &values[k], 8);
      } else if (d.element == ElementType::Float32) {
        const auto f = static_cast<float>(values[k]);
        std::memcpy(p, &f, 4);
      } else {  // int64 zero points: whole numbers that fit
        constexpr double kLimit = 9223372036854775808.0;  // 2^63
        if (!(values[k] >= -kLimit && values[k] < kLimit) || values[k] != std::floor(values[k]))
          fail("_rebuild_qtensor: zero_points must be int64 values");
        const auto i = static_cast<int64_t>(values[k]);
        std::memcpy(p, &i, 8);
      }
    }
    TensorData t;
    t.dtype = &d;
    t.sizes = {static_cast<int64_t>(values.size())};
    t.strides = {1};
    t.storage = owned_storage(std::move(bytes));
    return t;
  }

  // A list of numbers or a tensor, for per-channel quantization parameters:
  // its values, and whether they are floating-point numbers.
  static std::vector<double> qparam_values(const Node* n, bool list_is_float, const char* what,
                                           bool& floating) {
    const char* fn = "_rebuild_qtensor";
    if (n->kind == Kind::Tensor) {
      const TensorData& t = *n->tensor;
      const DType* d = t.dtype;
      if (t.layout != Layout::Strided || t.qscheme != QScheme::None || !d ||
          d->values != DTypeValues::Plain)
        fail(std::string(fn) + ": scales and zero_points must be dense tensors");
      if (t.dim() != 1) fail(std::string(fn) + ": " + what + " must be 1-dimensional");
      floating = is_floating_point(*d);
      try {
        return all_values(t);
      } catch (const std::invalid_argument& e) {
        fail(std::string(fn) + ": " + what + ": " + e.what());
      }
    }
    if (n->kind != Kind::List)
      fail(std::string(fn) + ": " + what + " must be a tensor or a list, not " + kind_name(n));
    std::vector<double> v;
    if (n->packed)  // a list of ints
      for (size_t k = 0; k < n->packed->size(); ++k)
        v.push_back(static_cast<double>((*n->packed)[k]));
    for (const Node* x : n->items) v.push_back(float_arg(x, fn, what));
    floating = list_is_float;
    return v;
  }

  // torch._utils._rebuild_qtensor
  Node* rebuild_qtensor(const std::vector<Node*>& args) {
    const char* fn = "_rebuild_qtensor";
    expect_args(args, 7, fn);
    const Node* st = args[0];
    if (st->kind != Kind::Storage)
      fail(std::string(fn) + ": expected a storage, not " + kind_name(st));
    const std::string dname = st->dtype->name;
    if (st->dtype->values != DTypeValues::Quantized)
      fail(std::string(fn) + ": unsupported quantized dtype " + st->dtype->c10);
    int64_t offset = int_arg(args[1], fn, "storage_offset");
    auto size = ints_arg(args[2], fn, "size");
    auto stride = ints_arg(args[3], fn, "stride");
    const Node* qp = args[4];
    bool rg = bool_arg(args[5], fn, "requires_grad");
    const int bits = element_bits(st->dtype->element);
    const int64_t per_byte = bits < 8 ? 8 / bits : 1;
    if (per_byte == 1) {
      check_geometry(st, st->i, offset, size, stride, fn);
    } else {  // LibTorch reads numel elements on from byte `offset`, whatever the strides
      check_geometry(st, std::numeric_limits<int64_t>::max(), offset, size, stride, fn);
      int64_t numel = 1;
      for (const int64_t s : size) numel *= s;  // no overflow: checked above
      if (offset > st->i || numel > (st->i - offset) * per_byte)
        fail(std::string(fn) + ": " + std::to_string(numel) + " " + dname + " elements from byte " +
             std::to_string(offset) + " need more than storage data/" + st->s + "'s " +
             std::to_string(st->i) + " bytes");
    }
    if (qp->kind != Kind::Tuple || qp->items.empty())
      fail(std::string(fn) + ": quantizer_params must be a non-empty tuple");
    const Node* qs = qp->items[0];
    TensorData t;
    t.dtype = st->dtype;
    if (is_global_value(qs, "per_tensor_affine")) {
      if (qp->items.size() != 3)
        fail(std::string(fn) + ": per_tensor_affine needs (qscheme, scale, zero_point)");
      t.qscheme = QScheme::PerTensorAffine;
      t.q_scale = float_arg(qp->items[1], fn, "scale");
      t.q_zero_point = int_arg(qp->items[2], fn, "zero_point");
    } else if (is_global_value(qs, "per_channel_affine") ||
               is_global_value(qs, "per_channel_affine_float_qparams")) {
      if (qp->items.size() != 4)
        fail(std::string(fn) + ": " + qs->name + " needs (qscheme, scales, zero_points, axis)");
      const bool float_qparams = qs->name == "per_channel_affine_float_qparams";
      bool scales_floating = true, zps_floating = false;
      const auto scales = qparam_values(qp->items[1], true, "scales", scales_floating);
      const auto zps = qparam_values(qp->items[2], float_qparams, "zero_points", zps_floating);
      const int64_t axis = int_arg(qp->items[3], fn, "axis");
      if (axis < 0 || axis >= static_cast<int64_t>(size.size()))
        fail(std::string(fn) + ": axis " + std::to_string(axis) + " out of range for " +
             std::to_string(size.size()) + " dimensions");
      const auto channels = static_cast<size_t>(size[static_cast<size_t>(axis)]);
      if (scales.size() != channels || zps.size() != channels)
        fail(std::string(fn) + ": scales and zero_points must have " + std::to_string(channels) +
             " elements (the size of dimension " + std::to_string(axis) + ")");
      if (!scales_floating) fail(std::string(fn) + ": scale tensor must be floating point");
      // LibTorch's quantizer: float zero points make it the float-qparams
      // one (float32 scales and zero points), else float64 scales and int64
      // zero points.
      t.qscheme = zps_floating ? QScheme::PerChannelAffineFloatQParams : QScheme::PerChannelAffine;
      t.q_scales = std::make_shared<const TensorData>(
          tensor_of_values(scales, zps_floating ? dtypes::float32 : dtypes::float64));
      t.q_zero_points = std::make_shared<const TensorData>(
          tensor_of_values(zps, zps_floating ? dtypes::float32 : dtypes::int64));
      t.q_axis = axis;
    } else {
      std::string what = qs->kind == Kind::Global ? global_name(qs) : kind_name(qs);
      fail(std::string(fn) + ": can't deserialize quantized tensor with qscheme " + what);
    }
    t.sizes = std::move(size);
    t.strides = std::move(stride);
    t.storage_offset = offset;
    t.storage = st->storage;
    if (rg) fail(std::string(fn) + ": only Tensors of floating point dtype can require gradients");
    return tensor_node(std::move(t));
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
      return tensor_node(sparse_coo(data->items, fn));
    }
    for (const Layout compressed :
         {Layout::SparseCsr, Layout::SparseCsc, Layout::SparseBsr, Layout::SparseBsc}) {
      if (!is_global_value(layout, layout_name(compressed)) ||
          (csr_only && compressed != Layout::SparseCsr))
        continue;
      if (data->kind != Kind::Tuple || data->items.size() != 4)
        fail(std::string(fn) +
             ": data must be a tuple (compressed_indices, plain_indices, "
             "values, size)");
      return tensor_node(sparse_compressed(data->items, compressed, fn));
    }
    std::string what = layout->kind == Kind::Global ? global_name(layout) : kind_name(layout);
    fail(std::string(fn) + ": rebuilding sparse tensor for layout " + what + " is not supported");
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
    // The legacy format adds a sixth item, view_metadata: None unless the
    // storage is a view of another (PyTorch before 0.4 wrote those).
    if (pid->items.size() == 6 && pid->items[5]->kind != Kind::None)
      fail("persistent id: storage views (a legacy file's view_metadata) are not supported");
    if (pid->items.size() != 5 && pid->items.size() != 6)
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

    // torch.load caches storages in a dict keyed by the key object: int 0 and
    // str '0' are two storages (both read record data/0). The first dtype wins.
    const std::string dict_key = (pid->items[2]->kind == Kind::Int ? "int " : "str ") + key;
    auto cached = storages_.find(dict_key);
    if (cached != storages_.end()) return cached->second;

    if (*location != "cpu")
      fail("storage data/" + shown + " is on device '" + printable(*location) +
           "'; only CPU storages can be loaded");
    const DType& dtype = *type->dtype;
    int64_t nbytes;
    if (__builtin_mul_overflow(numel, static_cast<int64_t>(dtype.itemsize), &nbytes))
      fail("storage data/" + shown + ": size overflows");
    Record rec = records_(key, static_cast<uint64_t>(nbytes), dtype.itemsize);
    if (rec.data->nbytes < static_cast<uint64_t>(nbytes))
      fail("storage record data/" + shown + " has " + std::to_string(rec.data->nbytes) +
           " bytes but " + std::to_string(numel) + " elements of " + dtype.c10 + " need " +
           std::to_string(nbytes));
    std::shared_ptr<const Storage> storage = rec.data;
    // A file written on a big-endian machine (its byteorder record says so):
    // PyTorch 2.x swaps each element's bytes by the storage's dtype (for
    // complex numbers each half; an UntypedStorage, uint8, stays as it is).
    size_t width = dtype.itemsize;
    if (is_complex(dtype)) width /= 2;
    if (rec.byteswap && nbytes > 0 && width > 1) {
      std::vector<unsigned char> bytes(storage->data, storage->data + static_cast<size_t>(nbytes));
      for (size_t k = 0; k + width <= bytes.size(); k += width)
        std::reverse(bytes.begin() + static_cast<std::ptrdiff_t>(k),
                     bytes.begin() + static_cast<std::ptrdiff_t>(k + width));
      storage = owned_storage(std::move(bytes));
    }
    // A bool storage's bytes are read only where printed, like any other
    // dtype's: a byte other than 0 or 1 prints True, as in Python.
    Node* n = make(Kind::Storage);
    n->dtype = &dtype;
    n->flag = type->flag;  // an UntypedStorage
    n->i = numel;
    n->nbytes = static_cast<uint64_t>(nbytes);
    n->s = shown;
    n->storage = std::move(storage);
    storages_[dict_key] = n;
    return n;
  }

  Node* make(Kind k) { return arena_.make(k); }
  Node* make_global(std::string module, std::string name, Fn fn) {
    return arena_.make_global(std::move(module), std::move(name), fn);
  }

  Arena& arena_;
  const RecordLoader& records_;
  std::function<Node*(Node* callable, const Node* argtuple)> call_any_;
  std::unordered_map<std::string, Node*> storages_;  // by type and value of the key
};

TorchGlobals::TorchGlobals(Arena& arena, const RecordLoader& records,
                           std::function<Node*(Node* callable, const Node* argtuple)> call_any)
    : impl_(std::make_unique<Impl>(arena, records, std::move(call_any))) {}

TorchGlobals::~TorchGlobals() = default;

Node* TorchGlobals::find_class(std::string module, const std::string& name) {
  return impl_->find_class(std::move(module), name);
}

Node* TorchGlobals::call(const Node* callable, const std::vector<Node*>& args) {
  return impl_->call(callable, args);
}

Node* TorchGlobals::persistent_load(const Node* pid) { return impl_->persistent_load(pid); }

}  // namespace pyrepr::detail
