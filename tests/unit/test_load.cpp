// The torch.save reader: the pickle interpreter on hand-assembled opcodes
// (pyrepr::detail::unpickle, with storage records from memory), and
// pyrepr::load_bytes on archives written with PyTorchStreamWriter.
// tests/ptcat/ checks the whole path against files Python wrote.
#include <ATen/ATen.h>
#include <c10/core/CPUAllocator.h>
#include <caffe2/serialize/inline_container.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>
#include "catch.hpp"

#include "pyrepr/load.hpp"
#include "pyrepr/load/mapped_file.hpp"
#include "pyrepr/load/unpickler.hpp"
#include "pyrepr/pyrepr.hpp"
#include "pyrepr/torch/features.hpp"

using pyrepr::LoadError;
using pyrepr::Object;

namespace {

// Builds a pickle program opcode by opcode.
struct P {
  std::string b = std::string("\x80\x02", 2);  // PROTO 2

  P& raw(const std::string& s) {
    b += s;
    return *this;
  }
  P& op(unsigned char c) {
    b += static_cast<char>(c);
    return *this;
  }
  P& u32(uint32_t v) {
    for (int k = 0; k < 4; ++k) b += static_cast<char>((v >> (8 * k)) & 0xff);
    return *this;
  }
  P& u64(uint64_t v) {
    for (int k = 0; k < 8; ++k) b += static_cast<char>((v >> (8 * k)) & 0xff);
    return *this;
  }
  P& mark() { return op('('); }
  P& none() { return op('N'); }
  P& int1(uint8_t v) { return op('K').op(v); }
  P& int32(int32_t v) { return op('J').u32(static_cast<uint32_t>(v)); }
  P& flt(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    op('G');
    for (int k = 7; k >= 0; --k) b += static_cast<char>((bits >> (8 * k)) & 0xff);
    return *this;
  }
  P& str(const std::string& s) { return op('X').u32(static_cast<uint32_t>(s.size())).raw(s); }
  P& global(const std::string& module, const std::string& name) {
    return op('c').raw(module + "\n" + name + "\n");
  }
  P& ints(std::initializer_list<int32_t> v) {  // a tuple of ints
    mark();
    for (int32_t x : v) int32(x);
    return op('t');
  }
  P& empty_od() { return global("collections", "OrderedDict").op(')').op('R'); }
  // ('storage', torch.<type>, key, 'cpu', numel) BINPERSID
  P& storage(const std::string& type, const std::string& key, int32_t numel) {
    return mark()
        .str("storage")
        .global("torch", type)
        .str(key)
        .str("cpu")
        .int32(numel)
        .op('t')
        .op('Q');
  }
  // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())
  P& tensor(const std::string& type, const std::string& key, int32_t numel, int32_t offset,
            std::initializer_list<int32_t> size, std::initializer_list<int32_t> stride,
            bool requires_grad = false) {
    global("torch._utils", "_rebuild_tensor_v2").mark();
    storage(type, key, numel).int32(offset).ints(size).ints(stride);
    op(requires_grad ? 0x88 : 0x89).empty_od();
    return op('t').op('R');
  }
  // PyTorch 2.x: _rebuild_tensor_v3(UntypedStorage, offset, size, stride,
  // requires_grad, OrderedDict(), torch.<dtype>[, metadata]); `metadata` is
  // pickle text pushing one value, or empty for none.
  P& tensor_v3(const std::string& dtype, const std::string& key, int32_t nbytes, int32_t offset,
               std::initializer_list<int32_t> size, std::initializer_list<int32_t> stride,
               const std::string& metadata = "") {
    global("torch._utils", "_rebuild_tensor_v3").mark();
    storage_of("torch.storage", "UntypedStorage", key, nbytes);
    int32(offset).ints(size).ints(stride).op(0x89).empty_od().global("torch", dtype).raw(metadata);
    return op('t').op('R');
  }
  // _rebuild_tensor_v2 with PyTorch 2.x's seventh argument (metadata).
  P& tensor_meta(const std::string& type, const std::string& key, int32_t numel,
                 std::initializer_list<int32_t> size, std::initializer_list<int32_t> stride,
                 const std::string& metadata) {
    global("torch._utils", "_rebuild_tensor_v2").mark();
    storage(type, key, numel).int32(0).ints(size).ints(stride).op(0x89).empty_od().raw(metadata);
    return op('t').op('R');
  }
  P& storage_of(const std::string& module, const std::string& type, const std::string& key,
                int32_t numel) {
    return mark()
        .str("storage")
        .global(module, type)
        .str(key)
        .str("cpu")
        .int32(numel)
        .op('t')
        .op('Q');
  }
  std::string done() { return b + "."; }
};

using Records = std::map<std::string, std::string>;

template <class T>
std::string bytes_of(std::initializer_list<T> values) {
  std::string s(values.size() * sizeof(T), '\0');
  std::memcpy(&s[0], values.begin(), s.size());
  return s;
}

Object run(const std::string& pickle, const Records& records = {},
           const pyrepr::detail::UnpickleLimits& limits = {}, bool byteswap = false) {
  pyrepr::detail::RecordLoader loader = [&](const std::string& key, uint64_t, size_t) {
    auto it = records.find(key);
    if (it == records.end()) throw LoadError("missing storage record 'data/" + key + "'");
    pyrepr::detail::Record r;
    auto bytes = std::make_shared<std::string>(it->second);
    auto storage = std::make_shared<pyrepr::Storage>();
    storage->data = reinterpret_cast<const unsigned char*>(bytes->data());
    storage->nbytes = bytes->size();
    storage->owner = bytes;
    r.data = std::move(storage);
    r.byteswap = byteswap;
    return r;
  };
  return pyrepr::detail::unpickle(pickle.data(), pickle.size(), loader, limits);
}

std::string load_error(const std::string& pickle, const Records& records = {},
                       const pyrepr::detail::UnpickleLimits& limits = {}) {
  try {
    run(pickle, records, limits);
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(no error)";
}

at::Tensor tensor_of(const Object& o) { return pyrepr::to_torch(o.as<pyrepr::TensorValue>()); }

// Pickle text that pushes {key: value} (a tensor's metadata in PyTorch 2.x).
std::string meta(const std::string& key, bool value) {
  P p;
  p.b.clear();
  p.op('}').str(key).op(value ? 0x88 : 0x89).op('s');
  return p.b;
}

std::string dec(std::initializer_list<unsigned char> bytes) {
  std::vector<unsigned char> v(bytes);
  return pyrepr::detail::long_to_decimal(v.data(), v.size());
}

}  // namespace

TEST_CASE("long_to_decimal matches int.from_bytes(b, 'little', signed=True)", "[load]") {
  CHECK(dec({}) == "0");
  CHECK(dec({0x00}) == "0");
  CHECK(dec({0xff}) == "-1");
  CHECK(dec({0x7f}) == "127");
  CHECK(dec({0x80}) == "-128");
  CHECK(dec({0x00, 0x80}) == "-32768");
  CHECK(dec({0x00, 0x80, 0x00}) == "32768");
  CHECK(dec({0, 0, 0, 0, 0, 0, 0, 0, 1}) == "18446744073709551616");
  CHECK(dec({0, 0, 0, 0, 0, 0, 0, 0, 0xff}) == "-18446744073709551616");
  CHECK(dec({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff}) == "-9223372036854775809");
  CHECK(dec({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0}) ==
        "79228162514264337593543950335");  // 2**96 - 1
}

TEST_CASE("scalars keep their Python types", "[load]") {
  CHECK(run(P().none().done()).is<pyrepr::None>());
  Object t = run(P().op(0x88).done());
  REQUIRE(t.is<bool>());
  CHECK(t.as<bool>());
  CHECK_FALSE(run(P().op(0x89).done()).as<bool>());
  CHECK(run(P().int1(200).done()).as<int64_t>() == 200);
  CHECK(run(P().op('M').raw("\xff\xff").done()).as<int64_t>() == 65535);
  CHECK(run(P().int32(-5).done()).as<int64_t>() == -5);
  CHECK(run(P().flt(1.5).done()).as<double>() == 1.5);
  CHECK(run(P().flt(3.0).done()).is<double>());  // a float stays a float
  // LONG1: fits int64 -> int, beyond -> BigInt text
  CHECK(run(P().op(0x8a).op(8).u64(0x7fffffffffffffffULL).done()).as<int64_t>() == INT64_MAX);
  CHECK(run(P().op(0x8a).op(8).u64(0x8000000000000000ULL).done()).as<int64_t>() == INT64_MIN);
  Object big = run(P().op(0x8a).op(9).u64(0x8000000000000000ULL).op(0).done());
  REQUIRE(big.is<pyrepr::BigInt>());
  CHECK(big.as<pyrepr::BigInt>().decimal == "9223372036854775808");
  // LONG4 with redundant sign bytes is still a small int
  CHECK(run(P().op(0x8b).u32(2000).raw(std::string(2000, '\xff')).done()).as<int64_t>() == -1);
}

TEST_CASE("ints beyond Python's 4300-digit str limit are refused", "[load]") {
  std::string huge(1800, '\x11');
  CHECK_THAT(load_error(P().op(0x8b).u32(1800).raw(huge).done()),
             Catch::Contains("more than 4300 digits"));
}

TEST_CASE("strings and bytes", "[load]") {
  CHECK(run(P().str("h\xc3\xa9llo").done()).as<std::string>() == "h\xc3\xa9llo");
  CHECK(run(P().op(0x8c).op(2).raw("ab").done()).as<std::string>() == "ab");
  CHECK(run(P().op(0x8d).u64(1).raw("z").done()).as<std::string>() == "z");
  CHECK(run(P().op('C').op(3).raw(std::string("a\0b", 3)).done()).as<pyrepr::Bytes>().data ==
        std::string("a\0b", 3));
  // protocol 2 bytes: _codecs.encode('\xff\x00', 'latin1')
  Object b = run(P().global("_codecs", "encode")
                     .str(std::string("\xc3\xbf\x00", 3))
                     .str("latin1")
                     .op(0x86)
                     .op('R')
                     .done());
  CHECK(b.as<pyrepr::Bytes>().data == std::string("\xff\x00", 2));
  CHECK(run(P().global("__builtin__", "bytes").op(')').op('R').done()).as<pyrepr::Bytes>().data ==
        "");
  CHECK_THAT(load_error(P().str("\xc3\x28").done()), Catch::Contains("invalid UTF-8"));
  // an encoded surrogate: allowed in a str ('surrogatepass'), not in a GLOBAL name
  CHECK(run(P().str("\xed\xa0\x80").done()).as<std::string>() == "\xed\xa0\x80");
  CHECK_THAT(load_error(P().global("torch\xed\xa0\x80", "FloatStorage").done()),
             Catch::Contains("invalid UTF-8 in GLOBAL"));
  CHECK_THAT(load_error(P().global("tor\xad"
                                   "ch",
                                   "float32")
                            .done()),
             Catch::Contains("invalid UTF-8 in GLOBAL"));
}

TEST_CASE("containers, OrderedDict, memo references", "[load]") {
  // [1, (2, 3), {'k': None}]
  Object l = run(P().op(']')
                     .mark()
                     .int1(1)
                     .int1(2)
                     .int1(3)
                     .op(0x86)
                     .op('}')
                     .str("k")
                     .none()
                     .op('s')
                     .op('e')
                     .done());
  const auto& items = l.as<pyrepr::List>();
  REQUIRE(items.size() == 3);
  CHECK(items[1].as<pyrepr::Tuple>().items.size() == 2);
  CHECK_FALSE(items[2].as<pyrepr::Dict>().ordered);

  // OrderedDict keeps insertion order and ordered=true
  Object od = run(P().empty_od().mark().str("b").int1(1).str("a").int1(2).op('u').done());
  const auto& d = od.as<pyrepr::Dict>();
  CHECK(d.ordered);
  REQUIRE(d.items.size() == 2);
  CHECK(d.items[0].first.as<std::string>() == "b");
  // A state_dict's _metadata attribute arrives through BUILD; it is accepted.
  CHECK(run(P().empty_od().op('}').str("_metadata").op('}').op('s').op('b').done())
            .as<pyrepr::Dict>()
            .ordered);

  // The memo holds the object, not a copy: [a, a] where a is appended to
  // after both references were taken.
  Object shared = run(P().op(']')
                          .mark()
                          .op(']')
                          .op('q')
                          .op(1)
                          .op('h')
                          .op(1)
                          .op('e')
                          .op('h')
                          .op(1)
                          .int1(7)
                          .op('a')
                          .op('0')
                          .done());
  const auto& outer = shared.as<pyrepr::List>();
  REQUIRE(outer.size() == 2);
  // a list of ints loads packed, as an IntList; a memo reference shares it
  CHECK(outer[0].as<pyrepr::IntList>().ints->size() == 1);
  CHECK((*outer[0].as<pyrepr::IntList>().ints)[0] == 7);
  CHECK(outer[0].as<pyrepr::IntList>().ints == outer[1].as<pyrepr::IntList>().ints);

  // Equal keys (1 == True) collapse: first key kept, last value wins.
  Object dup = run(P().op('}').int1(1).str("a").op('s').op(0x88).str("b").op('s').done());
  const auto& di = dup.as<pyrepr::Dict>().items;
  REQUIRE(di.size() == 1);
  CHECK(di[0].first.is<int64_t>());
  CHECK(di[0].second.as<std::string>() == "b");
  CHECK_THAT(load_error(P().op('}').op(']').int1(1).op('s').done()),
             Catch::Contains("unhashable type: 'list'"));
}

TEST_CASE("protocol 4 opcodes: FRAME, STACK_GLOBAL, MEMOIZE", "[load]") {
  P body;
  body.b.clear();
  body.op(0x8c).op(5).raw("torch").op(0x94).op(0x8c).op(5).raw("float").op(0x94).op(0x93).op(0x94);
  body.op(0x8c).op(2).raw("xy").op(0x94).op(0x86).op('h').op(2).op(0x86).op('.');
  P p;
  p.b = std::string("\x80\x04", 2);
  p.op(0x95).u64(body.b.size()).raw(body.b);
  Object o = run(p.b);
  const auto& t = o.as<pyrepr::Tuple>().items;
  REQUIRE(t.size() == 2);
  const auto& g = t[0].as<pyrepr::Tuple>().items[0].as<pyrepr::Global>();
  CHECK(g.module == "torch");
  CHECK(g.name == "float32");  // torch.float is torch.float32
  CHECK(t[1].as<pyrepr::Global>().name == "float32");
}

TEST_CASE("torch globals: dtypes, layouts, qschemes, torch.Size", "[load]") {
  CHECK(run(P().global("torch", "per_channel_affine").done()).as<pyrepr::Global>().name ==
        "per_channel_affine");
  Object layout = run(P().global("torch.serialization", "_get_layout")
                          .str("torch.sparse_coo")
                          .op(0x85)
                          .op('R')
                          .done());
  CHECK(layout.as<pyrepr::Global>().name == "sparse_coo");
  Object size = run(P().global("torch", "Size").ints({5, 1, 3}).op(0x85).op('R').done());
  CHECK(size.as<pyrepr::Size>().dims == std::vector<int64_t>{5, 1, 3});
  CHECK_THAT(load_error(P().global("os", "system").done()), Catch::Contains("'os.system'"));
  CHECK_THAT(load_error(P().global("torch._utils", "_rebuild_tensor_v2").done()),
             Catch::Contains("cannot be printed"));
}

TEST_CASE("tensors: strided views share one storage", "[load]") {
  Records rec{{"0", bytes_of<float>({0, 1, 2, 3, 4, 5})}};
  // [t, view] : t = whole storage as (2, 3); view = t[:, 1:] with offset 1, strides (3, 1)
  std::string pk = P().op(']')
                       .mark()
                       .tensor("FloatStorage", "0", 6, 0, {2, 3}, {3, 1})
                       .tensor("FloatStorage", "0", 6, 1, {2, 2}, {3, 1})
                       .op('e')
                       .done();
  Object o = run(pk, rec);
  const auto& l = o.as<pyrepr::List>();
  const at::Tensor& a = tensor_of(l[0]);
  const at::Tensor& v = tensor_of(l[1]);
  CHECK(at::equal(a, at::arange(6, at::kFloat).reshape({2, 3})));
  CHECK(at::equal(v, at::tensor({1.f, 2.f, 4.f, 5.f}).reshape({2, 2})));
  CHECK(v.storage_offset() == 1);
  CHECK(v.is_alias_of(a));  // one storage, as in Python
  CHECK_FALSE(a.requires_grad());
  CHECK_FALSE(l[0].as<pyrepr::TensorValue>().is_parameter);
}

TEST_CASE("tensors of every storage type", "[load]") {
  struct Case {
    const char* storage;
    at::ScalarType dtype;
  };
  for (auto c : {Case{"DoubleStorage", at::kDouble}, Case{"HalfStorage", at::kHalf},
                 Case{"BFloat16Storage", at::kBFloat16}, Case{"ByteStorage", at::kByte},
                 Case{"CharStorage", at::kChar}, Case{"ShortStorage", at::kShort},
                 Case{"IntStorage", at::kInt}, Case{"LongStorage", at::kLong},
                 Case{"BoolStorage", at::kBool}, Case{"ComplexFloatStorage", at::kComplexFloat},
                 Case{"ComplexDoubleStorage", at::kComplexDouble}}) {
    INFO(c.storage);
    size_t n = 3 * c10::elementSize(c.dtype);
    Records rec{{"k", std::string(n, '\x01')}};
    Object o = run(P().tensor(c.storage, "k", 3, 0, {3}, {1}).done(), rec);
    const at::Tensor& t = tensor_of(o);
    CHECK(t.scalar_type() == c.dtype);
    CHECK(t.sizes() == at::IntArrayRef{3});
  }
}

TEST_CASE("requires_grad and Parameter", "[load]") {
  Records rec{{"0", bytes_of<float>({1, 2})}, {"1", bytes_of<int64_t>({1, 2})}};
  CHECK(tensor_of(run(P().tensor("FloatStorage", "0", 2, 0, {2}, {1}, true).done(), rec))
            .requires_grad());
  CHECK_THAT(load_error(P().tensor("LongStorage", "1", 2, 0, {2}, {1}, true).done(), rec),
             Catch::Contains("can require gradients"));
  // _rebuild_parameter(data, requires_grad, OrderedDict())
  auto param = [&](bool rg) {
    P p;
    p.global("torch._utils", "_rebuild_parameter").mark();
    p.tensor("FloatStorage", "0", 2, 0, {2}, {1}).op(rg ? 0x88 : 0x89).empty_od().op('t').op('R');
    return run(p.done(), rec);
  };
  Object p1 = param(true);
  CHECK(p1.as<pyrepr::TensorValue>().is_parameter);
  CHECK(tensor_of(p1).requires_grad());
  Object p0 = param(false);
  CHECK(p0.as<pyrepr::TensorValue>().is_parameter);
  CHECK_FALSE(tensor_of(p0).requires_grad());
}

TEST_CASE("quantized tensors: per tensor and per channel", "[load]") {
  Records rec{{"0", std::string("\x00\x0a\x14\x1e", 4)}};
  P p;
  p.global("torch._utils", "_rebuild_qtensor").mark();
  p.storage("QUInt8Storage", "0", 4).int32(0).ints({4}).ints({1});
  p.global("torch", "per_tensor_affine").flt(0.5).int1(10).op(0x87);
  p.op(0x89).empty_od().op('t').op('R');
  const at::Tensor q = tensor_of(run(p.done(), rec));
  CHECK(q.is_quantized());
  CHECK(q.q_scale() == 0.5);
  CHECK(q.q_zero_point() == 10);
  CHECK(at::equal(q.dequantize(), at::tensor({-5.f, 0.f, 5.f, 10.f})));

  // per channel, axis 0 of a (2, 2) qint8 tensor; scales/zero_points are tensors
  Records rec2{{"0", std::string("\x01\x02\x03\x04", 4)},
               {"s", bytes_of<double>({1.0, 0.5})},
               {"z", bytes_of<int64_t>({0, 1})}};
  P c;
  c.global("torch._utils", "_rebuild_qtensor").mark();
  c.storage("QInt8Storage", "0", 4).int32(0).ints({2, 2}).ints({2, 1});
  c.mark().global("torch", "per_channel_affine");
  c.tensor("DoubleStorage", "s", 2, 0, {2}, {1}).tensor("LongStorage", "z", 2, 0, {2}, {1});
  c.int1(0).op('t').op(0x89).empty_od().op('t').op('R');
  const at::Tensor qc = tensor_of(run(c.done(), rec2));
  CHECK(qc.qscheme() == at::kPerChannelAffine);
  CHECK(at::equal(qc.dequantize(), at::tensor({1.f, 2.f, 1.f, 1.5f}).reshape({2, 2})));
  // scales that do not match the channel count are refused
  P bad;
  bad.global("torch._utils", "_rebuild_qtensor").mark();
  bad.storage("QInt8Storage", "0", 4).int32(0).ints({2, 2}).ints({2, 1});
  bad.mark().global("torch", "per_channel_affine");
  bad.tensor("DoubleStorage", "s", 2, 0, {1}, {1}).tensor("LongStorage", "z", 2, 0, {2}, {1});
  bad.int1(0).op('t').op(0x89).empty_od().op('t').op('R');
  CHECK_THAT(load_error(bad.done(), rec2), Catch::Contains("scales and zero_points"));
}

TEST_CASE("sparse COO keeps its uncoalesced order and is validated", "[load]") {
  Records rec{{"i", bytes_of<int64_t>({1, 0, 0, 2})},  // indices [[1, 0], [0, 2]]
              {"v", bytes_of<float>({5, 6})}};
  auto sparse = [&](int32_t max_index_col) {
    P p;
    p.global("torch._utils", "_rebuild_sparse_tensor");
    p.global("torch.serialization", "_get_layout").str("torch.sparse_coo").op(0x85).op('R');
    p.tensor("LongStorage", "i", 4, 0, {2, 2}, {2, 1}).tensor("FloatStorage", "v", 2, 0, {2}, {1});
    p.global("torch", "Size").ints({2, max_index_col}).op(0x85).op('R').op(0x87);
    p.op(0x86).op('R');
    return p.done();
  };
  const at::Tensor s = tensor_of(run(sparse(3), rec));
  CHECK(s.is_sparse());
  CHECK_FALSE(s.is_coalesced());
  CHECK(at::equal(s._indices(), at::tensor({1, 0, 0, 2}, at::kLong).reshape({2, 2})));
  CHECK(at::equal(s.to_dense(), at::tensor({0.f, 0.f, 6.f, 5.f, 0.f, 0.f}).reshape({2, 3})));
  // an index outside the size is caught, as torch.load's validation does
  CHECK(load_error(sparse(2), rec) != "(no error)");
}

TEST_CASE("storage and geometry checks", "[load]") {
  Records rec{{"0", bytes_of<float>({0, 1, 2, 3})}};
  CHECK_THAT(load_error(P().tensor("FloatStorage", "0", 5, 0, {5}, {1}).done(), rec),
             Catch::Contains("data/0 has 16 bytes"));
  CHECK_THAT(load_error(P().tensor("FloatStorage", "0", 4, 1, {2}, {3}).done(), rec),
             Catch::Contains("reach element 4"));
  CHECK_THAT(load_error(P().tensor("FloatStorage", "0", 4, 0, {2}, {-1}).done(), rec),
             Catch::Contains("negative stride"));
  CHECK_THAT(load_error(P().tensor("FloatStorage", "0", 4, -1, {1}, {1}).done(), rec),
             Catch::Contains("negative storage offset"));
  CHECK_THAT(
      load_error(
          P().tensor("FloatStorage", "0", 4, 0, {1 << 30, 1 << 30, 1 << 30}, {0, 0, 0}).done(),
          rec),
      Catch::Contains("overflows"));
  CHECK_THAT(load_error(P().tensor("FloatStorage", "0", 4, 0, {2, 2}, {1}).done(), rec),
             Catch::Contains("dimensions"));
  CHECK_THAT(load_error(P().tensor("FloatStorage", "9", 1, 0, {1}, {1}).done(), rec),
             Catch::Contains("data/9"));
  // bool bytes other than 0 and 1 are True, as Python prints them (and are
  // read only where printed, not checked at load)
  Records bools{{"b", std::string("\x01\x02\x00\xff", 4)}};
  CHECK(pyrepr::repr(run(P().tensor("BoolStorage", "b", 4, 0, {4}, {1}).done(), bools)) ==
        "tensor([ True,  True, False,  True])");
  // zero-element tensors need no storage bytes; 0-dim tensors need one element
  CHECK(
      tensor_of(run(P().tensor("FloatStorage", "0", 4, 100, {0, 3}, {3, 1}).done(), rec)).numel() ==
      0);
  CHECK(tensor_of(run(P().tensor("FloatStorage", "0", 4, 3, {}, {}).done(), rec)).item<float>() ==
        3.f);
}

TEST_CASE("PyTorch 2.x: _rebuild_tensor_v3 reads an UntypedStorage as its dtype", "[load]") {
  // float16 1.0, 2.0, -2.0: sizes, strides and offset count float16 elements
  Records rec{{"0", bytes_of<uint16_t>({0x3c00, 0x4000, 0xc000})}};
  const at::Tensor h = tensor_of(run(P().tensor_v3("float16", "0", 6, 1, {2}, {1}).done(), rec));
  CHECK(h.scalar_type() == at::kHalf);
  CHECK(at::equal(h.to(at::kFloat), at::tensor({2.f, -2.f})));
  CHECK_THAT(load_error(P().tensor_v3("float16", "0", 6, 1, {3}, {1}).done(), rec),
             Catch::Contains("reach element 3 but storage data/0 has 3 elements"));
  // storage and tensors share the bytes: two dtypes over one UntypedStorage
  Object both = run(P().op(']')
                        .mark()
                        .tensor_v3("float16", "0", 6, 0, {3}, {1})
                        .tensor_v3("int16", "0", 6, 0, {3}, {1})
                        .op('e')
                        .done(),
                    rec);
  const auto& l = both.as<pyrepr::List>();
  CHECK(tensor_of(l[1]).is_alias_of(tensor_of(l[0])));
  CHECK(tensor_of(l[1])[0].item<int16_t>() == 0x3c00);
  // torch.UntypedStorage is the same class
  P other;
  other.global("torch._utils", "_rebuild_tensor_v3").mark();
  other.storage_of("torch", "UntypedStorage", "0", 6).int32(0).ints({3}).ints({1});
  other.op(0x89).empty_od().global("torch", "half").op('t').op('R');
  CHECK(tensor_of(run(other.done(), rec)).scalar_type() == at::kHalf);
  // refused: not a dtype, a quantized dtype
  CHECK_THAT(load_error(P().tensor_v3("sparse_coo", "0", 6, 0, {1}, {1}).done(), rec),
             Catch::Contains("must be a torch.dtype"));
  CHECK_THAT(load_error(P().tensor_v3("qint8", "0", 6, 0, {1}, {1}).done(), rec),
             Catch::Contains("quantized dtype"));
  CHECK_THAT(load_error(P().tensor_v3("uint4", "0", 6, 0, {1}, {1}).done(), rec),
             Catch::Contains("torch.uint4 tensors have no storage"));
  Records bools{{"b", std::string("\x01\x00\x07", 3)}};
  CHECK(pyrepr::repr(run(P().tensor_v3("bool", "b", 3, 0, {3}, {1}).done(), bools)) ==
        "tensor([ True, False,  True])");
  Records good_bools{{"b", std::string("\x01\x00\x01", 3)}};
  CHECK(tensor_of(run(P().tensor_v3("bool", "b", 3, 0, {3}, {1}).done(), good_bools))
            .sum()
            .item<int64_t>() == 2);
}

TEST_CASE("PyTorch 2.x dtypes: read and printed by the core; an at::Tensor when LibTorch has them",
          "[load]") {
  Records rec{{"0", bytes_of<uint16_t>({1, 65535})}, {"8", std::string("\x38\xc0", 2)}};
  const std::string u16 = P().tensor_v3("uint16", "0", 4, 0, {2}, {1}).done();
  const std::string f8 = P().tensor_v3("float8_e4m3fn", "8", 2, 0, {2}, {1}).done();
  const pyrepr::PrintOptions options = pyrepr::get_printoptions();
  CHECK(pyrepr::repr(*run(u16, rec).as<pyrepr::TensorValue>().tensor, options) ==
        "tensor([    1, 65535], dtype=torch.uint16)");
  // 0x38 = 1.0, 0xc0 = -2.0
  CHECK(pyrepr::repr(*run(f8, rec).as<pyrepr::TensorValue>().tensor, options) ==
        "tensor([ 1., -2.], dtype=torch.float8_e4m3fn)");
#if PYREPR_TORCH_AT_LEAST(2, 3)
  const at::Tensor u = tensor_of(run(u16, rec));
  CHECK(std::string(c10::toString(u.scalar_type())) == "UInt16");
  CHECK(at::equal(u.to(at::kLong), at::tensor({1, 65535}, at::kLong)));
  const at::Tensor f = tensor_of(run(f8, rec));
  CHECK(std::string(c10::toString(f.scalar_type())) == "Float8_e4m3fn");
  CHECK(at::equal(f.to(at::kFloat), at::tensor({1.f, -2.f})));
#else
  CHECK_THROWS_WITH(tensor_of(run(u16, rec)),
                    Catch::StartsWith("dtype torch.uint16 is not supported by this build: its "
                                      "LibTorch (") &&
                        Catch::Contains("has no UInt16 tensors"));
  CHECK_THROWS_WITH(tensor_of(run(f8, rec)),
                    Catch::Contains("dtype torch.float8_e4m3fn is not supported"));
#endif
  // a dtype as a value is printed by name, whatever the LibTorch has
  CHECK(run(P().global("torch", "float8_e5m2").done()).as<pyrepr::Global>().name == "float8_e5m2");
  CHECK(run(P().global("torch", "float4_e2m1fn_x2").done()).as<pyrepr::Global>().name ==
        "float4_e2m1fn_x2");
  CHECK(run(P().global("torch", "chalf").done()).as<pyrepr::Global>().name == "complex32");
  CHECK(run(P().global("torch", "uint64").done()).as<pyrepr::Global>().name == "uint64");
}

TEST_CASE("PyTorch 2.x: the conj and neg bits in a tensor's metadata", "[load]") {
  Records rec{{"c", bytes_of<float>({1, 2, 3, -4})}, {"f", bytes_of<float>({1, -2})}};
  const at::Tensor c = tensor_of(run(
      P().tensor_meta("ComplexFloatStorage", "c", 2, {2}, {1}, meta("conj", true)).done(), rec));
  CHECK(c.is_conj());
  CHECK(at::equal(at::imag(c.resolve_conj()), at::tensor({-2.f, 4.f})));
  const at::Tensor n = tensor_of(
      run(P().tensor_meta("FloatStorage", "f", 2, {2}, {1}, meta("neg", true)).done(), rec));
  CHECK(n.is_neg());
  CHECK(at::equal(n.resolve_neg(), at::tensor({-1.f, 2.f})));
  // None and False set nothing; _rebuild_tensor_v3 takes it after the dtype
  CHECK_FALSE(
      tensor_of(run(P().tensor_meta("FloatStorage", "f", 2, {2}, {1}, "N").done(), rec)).is_neg());
  CHECK_FALSE(
      tensor_of(
          run(P().tensor_meta("ComplexFloatStorage", "c", 2, {2}, {1}, meta("conj", false)).done(),
              rec))
          .is_conj());
  CHECK(tensor_of(
            run(P().tensor_v3("complex64", "c", 16, 0, {2}, {1}, meta("conj", true)).done(), rec))
            .is_conj());
  // refused: the conj bit on a real tensor, an unknown key, an eighth argument
  CHECK_THAT(
      load_error(P().tensor_meta("FloatStorage", "f", 2, {2}, {1}, meta("conj", true)).done(), rec),
      Catch::Contains("the conj bit on a tensor of dtype Float"));
  CHECK_THAT(
      load_error(P().tensor_meta("FloatStorage", "f", 2, {2}, {1}, meta("zzz", true)).done(), rec),
      Catch::Contains("unexpected tensor metadata key 'zzz'"));
  CHECK_THAT(load_error(P().tensor_meta("FloatStorage", "f", 2, {2}, {1}, "NN").done(), rec),
             Catch::Contains("takes from 6 to 7 arguments but 8 were given"));
}

TEST_CASE("PyTorch 2.x: tensors and Parameters with Python state", "[load]") {
  Records rec{{"0", bytes_of<float>({1, 2})}};
  // _rebuild_from_type_v2(_rebuild_tensor_v2, torch.Tensor, (args), {'note': 'x'})
  auto from_type = [&](const std::string& module, const std::string& type) {
    P p;
    p.global("torch._tensor", "_rebuild_from_type_v2").mark();
    p.global("torch._utils", "_rebuild_tensor_v2").global(module, type);
    p.mark().storage("FloatStorage", "0", 2).int32(0).ints({2}).ints({1}).op(0x89).empty_od();
    p.op('t').op('}').str("note").str("x").op('s').op('t').op('R');
    return p.done();
  };
  const at::Tensor t = tensor_of(run(from_type("torch", "Tensor"), rec));
  CHECK(at::equal(t, at::tensor({1.f, 2.f})));
  CHECK(tensor_of(run(from_type("torch._tensor", "Tensor"), rec)).numel() == 2);
  CHECK_THAT(load_error(from_type("torch", "float32"), rec),
             Catch::Contains("tensor subclass 'torch.float32' is not supported"));
  // _rebuild_parameter_with_state(data, True, OrderedDict(), {'note': 1})
  P p;
  p.global("torch._utils", "_rebuild_parameter_with_state").mark();
  p.tensor("FloatStorage", "0", 2, 0, {2}, {1}).op(0x88).empty_od();
  p.op('}').str("note").int1(1).op('s').op('t').op('R');
  Object param = run(p.done(), rec);
  CHECK(param.as<pyrepr::TensorValue>().is_parameter);
  CHECK(tensor_of(param).requires_grad());
}

TEST_CASE("PyTorch 2.x sparse: is_coalesced and the compressed layouts", "[load]") {
  Records rec{{"i", bytes_of<int64_t>({0, 1, 2, 0})},  // indices [[0, 1], [2, 0]]
              {"j", bytes_of<int64_t>({1, 0, 0, 2})},  // indices [[1, 0], [0, 2]]
              {"v", bytes_of<float>({5, 6})},
              {"crow", bytes_of<int64_t>({0, 1, 2})},
              {"col", bytes_of<int64_t>({2, 0})}};
  auto coo = [&](const std::string& key, const std::string& coalesced) {
    P p;
    p.global("torch._utils", "_rebuild_sparse_tensor");
    p.global("torch.serialization", "_get_layout").str("torch.sparse_coo").op(0x85).op('R');
    p.mark().tensor("LongStorage", key, 4, 0, {2, 2}, {2, 1});
    p.tensor("FloatStorage", "v", 2, 0, {2}, {1});
    p.global("torch", "Size").ints({2, 3}).op(0x85).op('R').raw(coalesced).op('t');
    return p.op(0x86).op('R').done();
  };
  CHECK(tensor_of(run(coo("i", "\x88"), rec)).is_coalesced());
  CHECK_FALSE(tensor_of(run(coo("j", "N"), rec)).is_coalesced());
  CHECK_FALSE(tensor_of(run(coo("j", "\x89"), rec)).is_coalesced());
  CHECK_THAT(load_error(coo("j", "\x88"), rec),
             Catch::Contains("cannot set is_coalesced to true if indices correspond to "
                             "uncoalesced COO tensor"));
  // CSR: 2.x's _rebuild_sparse_tensor and 1.13's _rebuild_sparse_csr_tensor
  auto compressed = [&](const std::string& fn, const std::string& layout, const std::string& crow) {
    P p;
    p.global("torch._utils", fn);
    p.global("torch.serialization", "_get_layout").str("torch." + layout).op(0x85).op('R');
    p.mark()
        .tensor("LongStorage", crow, 3, 0, {3}, {1})
        .tensor("LongStorage", "col", 2, 0, {2}, {1});
    p.tensor("FloatStorage", "v", 2, 0, {2}, {1});
    p.global("torch", "Size");
    if (layout == "sparse_csc")
      p.ints({3, 2});  // (the transpose)
    else
      p.ints({2, 3});
    p.op(0x85).op('R').op('t');
    return p.op(0x86).op('R').done();
  };
  for (const char* fn : {"_rebuild_sparse_tensor", "_rebuild_sparse_csr_tensor"}) {
    INFO(fn);
    const at::Tensor csr = tensor_of(run(compressed(fn, "sparse_csr", "crow"), rec));
    CHECK(csr.layout() == at::kSparseCsr);
    CHECK(at::equal(csr.to_dense(), at::tensor({0.f, 0.f, 5.f, 6.f, 0.f, 0.f}).reshape({2, 3})));
  }
  CHECK(tensor_of(run(compressed("_rebuild_sparse_tensor", "sparse_csc", "crow"), rec)).layout() ==
        at::kSparseCsc);
  CHECK_THAT(load_error(compressed("_rebuild_sparse_csr_tensor", "sparse_csc", "crow"), rec),
             Catch::Contains("layout torch.sparse_csc is not supported"));
  // invalid compressed indices are caught, as torch.load's validation does
  CHECK_THAT(load_error(compressed("_rebuild_sparse_tensor", "sparse_csr", "j"), rec),
             Catch::Contains("crow_indices"));  // [1, 0, 0]: must start at 0
}

TEST_CASE("a big-endian file: each storage swapped by its dtype", "[load]") {
  Records rec{{"f", std::string("\x3f\x80\x00\x00\xc0\x00\x00\x00", 8)},  // 1.0f, -2.0f
              {"c", std::string("\x3f\x80\x00\x00\xc0\x00\x00\x00", 8)},  // 1-2j
              {"u", std::string("\x3c\x00", 2)}};                         // float16 1.0
  const pyrepr::detail::UnpickleLimits limits;
  CHECK(at::equal(
      tensor_of(run(P().tensor("FloatStorage", "f", 2, 0, {2}, {1}).done(), rec, limits, true)),
      at::tensor({1.f, -2.f})));
  const at::Tensor c = tensor_of(
      run(P().tensor("ComplexFloatStorage", "c", 1, 0, {1}, {1}).done(), rec, limits, true));
  CHECK(at::equal(at::real(c), at::tensor({1.f})));
  CHECK(at::equal(at::imag(c), at::tensor({-2.f})));
  // an UntypedStorage is uint8 to PyTorch's byteswap: left as it is
  const at::Tensor u =
      tensor_of(run(P().tensor_v3("float16", "u", 2, 0, {1}, {1}).done(), rec, limits, true));
  CHECK(u.view(at::kShort).item<int16_t>() == 0x003c);
}

TEST_CASE("hostile programs fail cleanly", "[load]") {
  CHECK_THAT(load_error(P().op('a').done()), Catch::Contains("stack underflow"));
  CHECK_THAT(load_error(P().op('1').done()), Catch::Contains("MARK"));
  CHECK_THAT(load_error(P().int1(1).mark().int1(2).op(0x86).done()),
             Catch::Contains("stack underflow"));  // TUPLE2 may not cross a MARK
  CHECK_THAT(load_error(P().op('h').op(5).done()), Catch::Contains("memo value not found"));
  CHECK_THAT(load_error(P().op('J').raw("\x01\x02").b), Catch::Contains("truncated"));
  CHECK_THAT(load_error(P().int1(1).b), Catch::Contains("no STOP"));
  CHECK_THAT(load_error(std::string("\x80\x06.", 3)), Catch::Contains("protocol: 6"));
  CHECK_THAT(load_error(P().op('X').u32(0xffffffffu).done()), Catch::Contains("runs past"));
  CHECK_THAT(load_error(P().op(0xff).done()), Catch::Contains("opcode 0xff"));
  CHECK_THAT(load_error(P().op(0x8f).done()), Catch::Contains("sets are not supported"));
  CHECK_THAT(load_error(""), Catch::Contains("no STOP"));
  // a list that contains itself prints as Python prints it
  CHECK(pyrepr::repr(run(P().op(']').op('q').op(0).op('h').op(0).op('a').done())) == "[[...]]");
  // nesting deeper than the limit
  std::string deep = P().b + std::string(2000, ']') + std::string(1999, 'a') + ".";
  CHECK_THAT(load_error(deep), Catch::Contains("nesting deeper"));
  // shared references expanding exponentially
  P laughs;
  laughs.op(']').int1(0).op('a').op('q').op(0);
  for (int k = 0; k < 40; ++k)
    laughs.op(']').mark().op('h').op(k).op('h').op(k).op('e').op('q').op(k + 1);
  pyrepr::detail::UnpickleLimits small;
  small.max_result_objects = 10000;
  CHECK_THAT(load_error(laughs.done(), {}, small), Catch::Contains("more than 10000 objects"));
  small.max_objects = 100;
  CHECK_THAT(load_error(P().raw(std::string(200, ']')).done(), {}, small),
             Catch::Contains("more than 100 objects"));
  // a storage in the result, a persistent id that is not a storage
  CHECK_THAT(load_error(P().storage("FloatStorage", "0", 1).done(), {{"0", "abcd"}}),
             Catch::Contains("bare storage"));
  CHECK_THAT(load_error(P().mark().str("module").op('t').op('Q').done()),
             Catch::Contains("expected 'storage'"));
}

// A tuple key built from shared sub-tuples, t(k+1) = (tk, tk) from t0 = (0,),
// memoized at k (levels 0..depth); the program leaves it on the stack.
P shared_tuple(int depth, int memo_base) {
  P p;
  p.int1(0).op(0x85).op('q').op(memo_base).op('0');
  for (int k = 0; k < depth; ++k)
    p.op('h')
        .op(memo_base + k)
        .op('h')
        .op(memo_base + k)
        .op(0x86)
        .op('q')
        .op(memo_base + k + 1)
        .op('0');
  return p.op('h').op(memo_base + depth);
}

// Dict keys are compared structurally, each distinct node keyed once: a key
// of 2^40 leaves in 40 shared levels is as cheap as its 41 nodes (issue 19,
// case 3: a text per key grew with the leaves, 2^24 took 3 GB).
TEST_CASE("dict keys: shared sub-tuples keyed once, equal structures are one key", "[load]") {
  // {t40: 1}, then the dict is dropped: the program returns None
  P big;
  big.op('}').op('q').op(200);
  big.raw(shared_tuple(40, 0).b.substr(P().b.size())).int1(1).op('s').op('0').op('N');
  pyrepr::detail::UnpickleLimits limits;
  limits.max_objects = 100000;
  CHECK(run(big.done(), {}, limits).is<pyrepr::None>());
  // two equal keys built apart: one entry, the later value
  P two;
  two.op('}');
  two.raw(shared_tuple(3, 0).b.substr(P().b.size())).int1(1).op('s');
  two.raw(shared_tuple(3, 10).b.substr(P().b.size())).int1(2).op('s');
  CHECK(pyrepr::repr(run(two.done())) ==
        "{((((0,), (0,)), ((0,), (0,))), (((0,), (0,)), ((0,), (0,)))): 2}");
  // 1 == 1.0 == True, and (1,) == (1.0,): one key each
  P eq;
  eq.op('}').int1(1).str("a").op('s').op(0x88).str("b").op('s');
  eq.int1(1)
      .op(0x85)
      .str("c")
      .op('s')
      .op('G')
      .raw(std::string("\x3f\xf0\0\0\0\0\0\0", 8))
      .op(0x85)
      .str("d")
      .op('s');
  CHECK(pyrepr::repr(run(eq.done())) == "{1: 'b', (1,): 'd'}");
  // a 990-deep key set 100,000 times: keyed once
  P deep;
  deep.op('}').int1(0).raw(std::string(990, '\x85')).op('q').op(1).op('0');
  for (int k = 0; k < 100000; ++k) deep.op('h').op(1).int1(1).op('s');
  CHECK(pyrepr::repr(run(deep.done())).size() > 990);
  // unhashable keys still refused
  CHECK_THAT(load_error(P().op('}').op(']').int1(1).op('s').done()),
             Catch::Contains("unhashable type: 'list'"));
  // beyond the budget: one clear line
  limits.max_objects = 50;
  CHECK_THAT(
      load_error(P().op('}').raw(shared_tuple(40, 0).b.substr(P().b.size())).int1(1).op('s').done(),
                 {}, limits),
      Catch::Contains("dict keys too large"));
}

namespace {

// A torch.save-like archive written by PyTorch's own zip writer.
std::string archive(const std::string& pickle, const Records& records,
                    const Records& other_records = {}) {
  std::string out;
  {
    caffe2::serialize::PyTorchStreamWriter w([&](const void* data, size_t n) {
      out.append(static_cast<const char*>(data), n);
      return n;
    });
    for (const auto& [name, bytes] : other_records) w.writeRecord(name, bytes.data(), bytes.size());
    w.writeRecord("data.pkl", pickle.data(), pickle.size());
    for (const auto& [key, bytes] : records)
      w.writeRecord("data/" + key, bytes.data(), bytes.size());
    w.writeEndOfFile();
  }
  return out;
}

std::string bytes_error(const std::string& data) {
  try {
    pyrepr::load_bytes(data);
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("load_bytes reads a zip archive; errors are one line naming the input", "[load]") {
  Records rec{{"0", bytes_of<float>({1, 2, 3})}};
  std::string zip = archive(P().tensor("FloatStorage", "0", 3, 0, {3}, {1}).done(), rec);
  Object o = pyrepr::load_bytes(zip);
  CHECK(at::equal(tensor_of(o), at::tensor({1.f, 2.f, 3.f})));

  CHECK_THAT(bytes_error(""), Catch::StartsWith("<bytes>: empty file"));
  CHECK_THAT(bytes_error("hello"), Catch::Contains("no signature of one"));
  // the legacy format's magic number, pickled, and nothing after it; any
  // other pickle is no torch.save file
  CHECK_THAT(
      bytes_error(std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 14)),
      Catch::Contains("truncated"));
  CHECK_THAT(bytes_error(std::string("\x80\x02}q\x00.", 6)),
             Catch::Contains("a pickle, but not one torch.save wrote"));
  CHECK_THAT(bytes_error(std::string("PK\x05\x06", 4) + std::string(18, '\0')),
             Catch::Contains("an empty zip archive"));
  std::string truncated = zip.substr(0, zip.size() / 2);
  std::string err = bytes_error(truncated);
  CHECK_THAT(err, Catch::Contains("zip archive"));
  CHECK(err.find('\n') == std::string::npos);
  // a record missing from the archive
  std::string missing = archive(P().tensor("FloatStorage", "7", 3, 0, {3}, {1}).done(), rec);
  CHECK_THAT(bytes_error(missing), Catch::Contains("missing storage record 'data/7'"));
}

TEST_CASE("the byteorder record", "[load]") {
  const std::string pk = P().tensor("FloatStorage", "0", 1, 0, {1}, {1}).done();
  Records big{{"0", std::string("\x3f\x80\x00\x00", 4)}};
  CHECK(tensor_of(pyrepr::load_bytes(archive(pk, big, {{"byteorder", "big"}}))).item<float>() ==
        1.f);
  Records little{{"0", bytes_of<float>({1.f})}};
  CHECK(
      tensor_of(pyrepr::load_bytes(archive(pk, little, {{"byteorder", "little"}}))).item<float>() ==
      1.f);
  CHECK_THAT(bytes_error(archive(pk, little, {{"byteorder", "middle"}})),
             Catch::Contains("Unknown endianness type: middle"));
  // PyTorch 2.x's other records change nothing
  CHECK(tensor_of(pyrepr::load_bytes(archive(
                      pk, little, {{".format_version", "1"}, {".storage_alignment", "64"}})))
            .item<float>() == 1.f);
}

TEST_CASE("load names the file in its errors", "[load]") {
  try {
    pyrepr::load("/nonexistent/dir/file.pt");
    FAIL("no error");
  } catch (const LoadError& e) {
    CHECK(std::string(e.what()) == "/nonexistent/dir/file.pt: No such file or directory");
  }
}

namespace {

// A file in $TMPDIR holding `bytes`, removed when the test ends.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& bytes) {
    const char* dir = std::getenv("TMPDIR");
    path = std::string(dir && *dir ? dir : "/tmp") + "/pyrepr_test_XXXXXX";
    const int fd = ::mkstemp(path.data());
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    ::close(fd);
  }
  ~TempFile() { std::remove(path.c_str()); }
  void truncate_to(off_t size) const { REQUIRE(::truncate(path.c_str(), size) == 0); }
};

// A torch.save-like archive of one float tensor of n elements (all 1.5).
std::string float_archive(int32_t n) {
  std::vector<float> values(static_cast<size_t>(n), 1.5f);
  std::string bytes(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  return archive(P().tensor("FloatStorage", "0", n, 0, {n}, {1}).done(), {{"0", bytes}});
}

std::string repr_error(const Object& o) {
  try {
    pyrepr::repr(o);
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

// torch.save truncates a checkpoint in place and writes it again: the pages
// of a mapping beyond the new end raise SIGBUS when touched. The reader's
// handler reads them as zeros, and the print that touched them fails with one
// clear error instead of the process dying (issue 19, case 1).
TEST_CASE("a file that shrinks after load: the print fails cleanly, no signal", "[load]") {
  const TempFile file(float_archive(1 << 20));  // 4 MiB of elements: many pages
  const Object loaded = pyrepr::load(file.path);
  CHECK_THAT(pyrepr::repr(loaded), Catch::StartsWith("tensor([1.5000, 1.5000, 1.5000"));
  file.truncate_to(4096);  // the elements' pages are gone; the first page stays
  CHECK(repr_error(loaded) == std::string(pyrepr::detail::file_changed_message()));
  // Still the same after the first failure (the zero pages stay zeros), and
  // the process can load and print other files as before.
  CHECK(repr_error(loaded) == std::string(pyrepr::detail::file_changed_message()));
  const TempFile other(float_archive(3));
  CHECK(pyrepr::repr(pyrepr::load(other.path)) == "tensor([1.5000, 1.5000, 1.5000])");
}

TEST_CASE("MappedFile: vanished pages read as zeros, counted per thread", "[load]") {
  const TempFile file(std::string(3 * 65536, 'x'));
  const auto mapped = pyrepr::detail::MappedFile::open(file.path);
  const pyrepr::Storage bytes = mapped->storage();
  const pyrepr::detail::FileChangeCheck check;
  CHECK(bytes.data[100000] == 'x');
  CHECK_FALSE(check.changed());
  CHECK_FALSE(mapped->changed_on_disk());
  file.truncate_to(65536);
  const volatile unsigned char* data = bytes.data;
  CHECK(data[100000] == 0);   // SIGBUS, handled: a page of zeros
  CHECK(data[65535] == 'x');  // a page still in the file is untouched
  CHECK(check.changed());
  CHECK(mapped->changed_on_disk());
  const pyrepr::detail::FileChangeCheck later;
  CHECK_FALSE(later.changed());
}

TEST_CASE("load refuses a FIFO at once and names /proc files", "[load]") {
  const std::string fifo = TempFile("").path + ".fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  try {
    pyrepr::load(fifo);
    FAIL("no error");
  } catch (const LoadError& e) {
    CHECK(std::string(e.what()) == fifo + ": a FIFO (named pipe), not a regular file");
  }
  std::remove(fifo.c_str());
  try {
    pyrepr::load("/proc/self/status");
    FAIL("no error");
  } catch (const LoadError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("does not report"));
  }
}
