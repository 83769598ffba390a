// A small model of the Python values the notebook prints (None, bool, int,
// float, str, bytes, tensors and Parameters, torch.Size, list, tuple, dict,
// OrderedDict, torch globals such as dtypes), with Python's repr/str,
// print() and IPython's display of them.
//
// They print by the rules of the Python release in the print options
// (PrintOptions::rules.python, see versions.hpp), read once per output.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iosfwd>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "pyrepr/tensor_data.hpp"

namespace pyrepr {

class Object;

struct None {};
// A Python int that does not fit int64, as its decimal text ("-1234...").
struct BigInt {
  std::string decimal;
};
struct Bytes {
  std::string data;
};
struct TensorValue {
  std::shared_ptr<const TensorData> tensor;  // never null
  bool is_parameter = false;                 // nn.Parameter: repr is "Parameter containing:\n..."
};
// torch.Size: repr "torch.Size([5, 1, 3])".
struct Size {
  std::vector<int64_t> dims;
};
// A module-level Python object printed by name, e.g. torch.float32
// (module "torch", name "float32") -> repr "torch.float32".
struct Global {
  std::string module;
  std::string name;
};
// An object Python prints with object.__repr__, "<AddBackward0 object at
// 0x7f3a...>" (IPython displays "<AddBackward0 at 0x7f3a...>"): an autograd
// node (`z.grad_fn`), for one. Its address is the one of this process's own
// object, so it differs from Python's and from run to run.
struct Instance {
  std::string type_name;  // as Python prints it: "AddBackward0", "mymodule.Thing"
  std::uintptr_t address = 0;
};
// A torch.return_types value, the named tuple torch.max(x, 1) and the like
// return: repr "torch.return_types.max(\nvalues=tensor(...),\nindices=tensor(...))".
struct StructSeq {
  std::string type_name;  // "torch.return_types.max"
  std::vector<std::pair<std::string, Object>> fields;
};
// What Python prints in place of a container met again inside itself
// (l = [1]; l.append(l) prints [1, [...]]): repr "[...]", "(...)", "{...}",
// and "..." for an OrderedDict; IPython displays "OrderedDict(...)" for that.
struct Recursive {
  enum class Of { List, Tuple, Dict, OrderedDict } of = Of::List;
};
using List = std::vector<Object>;
// The ints of a Python list whose items are all ints, packed: 4 bytes each
// while every one fits in 32 bits, 8 bytes once one does not.
class PackedInts {
 public:
  void push_back(int64_t v) {
    if (wide_.empty() && v >= std::numeric_limits<int32_t>::min() &&
        v <= std::numeric_limits<int32_t>::max()) {
      narrow_.push_back(static_cast<int32_t>(v));
      return;
    }
    if (wide_.empty()) {  // the first one that needs 64 bits
      wide_.assign(narrow_.begin(), narrow_.end());
      std::vector<int32_t>().swap(narrow_);
    }
    wide_.push_back(v);
  }
  size_t size() const { return wide_.empty() ? narrow_.size() : wide_.size(); }
  bool empty() const { return size() == 0; }
  int64_t operator[](size_t i) const { return wide_.empty() ? narrow_[i] : wide_[i]; }

 private:
  std::vector<int32_t> narrow_;
  std::vector<int64_t> wide_;
};
// A list of ints as pyrepr::load gives it (every list whose items are all
// ints, so that a file of millions costs a few bytes per int): prints as the
// list it is. `ints` is never null; loaded values may share it.
struct IntList {
  std::shared_ptr<const PackedInts> ints;
};
struct Tuple {
  std::vector<Object> items;
};
struct Dict {
  std::vector<std::pair<Object, Object>> items;
  // collections.OrderedDict: repr "OrderedDict([(k, v), ...])" under Python
  // 3.11, "OrderedDict({k: v, ...})" under 3.12 and later (rules.python).
  bool ordered = false;
};

// How a value of another library becomes an Object, as fmt::formatter makes
// a type printable: a specialization with `static Object convert(const T&)`.
// pyrepr::torch (torch_adapter.hpp) gives one for at::Tensor.
template <class T, class Enable = void>
struct ObjectConverter {};

class Object {
 public:
  using Value =
      std::variant<None, bool, int64_t, BigInt, double, std::string, Bytes, TensorValue, Size,
                   Global, Instance, List, IntList, Tuple, Dict, StructSeq, Recursive>;

  Object() : value_(None{}) {}
  Object(None v) : value_(v) {}
  Object(std::nullptr_t) : value_(None{}) {}
  Object(bool v) : value_(v) {}
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  Object(I v) : value_(static_cast<int64_t>(v)) {}
  Object(double v) : value_(v) {}
  Object(float v) : value_(static_cast<double>(v)) {}
  Object(const char* s) : value_(std::string(s)) {}
  Object(std::string s) : value_(std::move(s)) {}
  Object(BigInt v) : value_(std::move(v)) {}
  Object(Bytes v) : value_(std::move(v)) {}
  Object(TensorValue t) : value_(std::move(t)) {}
  Object(TensorData t) : value_(TensorValue{std::make_shared<const TensorData>(std::move(t))}) {}
  // A value ObjectConverter<T> converts (an at::Tensor, with pyrepr::torch).
  template <class T, class = decltype(ObjectConverter<T>::convert(std::declval<const T&>()))>
  Object(const T& v) : Object(ObjectConverter<T>::convert(v)) {}
  Object(Size s) : value_(std::move(s)) {}
  Object(Global g) : value_(std::move(g)) {}
  Object(Instance i) : value_(std::move(i)) {}
  Object(List l) : value_(std::move(l)) {}
  Object(IntList l) : value_(std::move(l)) {}
  Object(Tuple t) : value_(std::move(t)) {}
  Object(Dict d) : value_(std::move(d)) {}
  Object(StructSeq s) : value_(std::move(s)) {}
  Object(Recursive r) : value_(r) {}
  // std::vector<T> -> list, std::tuple / std::pair -> tuple.
  template <class T>
  Object(const std::vector<T>& v) : value_(List(v.begin(), v.end())) {}
  template <class... Ts>
  Object(const std::tuple<Ts...>& t) : value_(Tuple{tuple_items(t)}) {}
  template <class A, class B>
  Object(const std::pair<A, B>& p) : value_(Tuple{{Object(p.first), Object(p.second)}}) {}

  const Value& value() const { return value_; }
  Value& value() { return value_; }
  template <class T>
  bool is() const {
    return std::holds_alternative<T>(value_);
  }
  template <class T>
  const T& as() const {
    return std::get<T>(value_);
  }
  template <class T>
  T& as() {
    return std::get<T>(value_);
  }

 private:
  template <class... Ts>
  static std::vector<Object> tuple_items(const std::tuple<Ts...>& t) {
    return std::apply([](const auto&... x) { return std::vector<Object>{Object(x)...}; }, t);
  }
  Value value_;
};

// A Parameter (prints "Parameter containing:\n" + repr).
inline Object parameter(TensorData t) {
  return Object(TensorValue{std::make_shared<const TensorData>(std::move(t)), true});
}

// Python's repr(obj) and str(obj) (str differs from repr only for str itself).
std::string repr(const Object& obj);
std::string str(const Object& obj);

// Python's repr of a float: the shortest string that round-trips
// (0.1 -> "0.1", 1e16 -> "1e+16", 3.0 -> "3.0", nan -> "nan").
std::string float_repr(double v);
// Python's repr of a str: quotes chosen as Python does, escapes for
// control characters and for the code points that str.isprintable() rejects
// in the Unicode database of the Python release of the global print options
// (rules.python); other UTF-8 text is kept as is.
std::string str_repr(const std::string& s);

// Python's print(*args, sep=sep, end=end, file=os).
struct PrintKw {
  std::string sep = " ";
  std::string end = "\n";
};
void print_to(std::ostream& os, const std::vector<Object>& args, const PrintKw& kw = {});
// The same to a C stream (stdout, a file); false if it could not be written.
bool print_to(std::FILE* f, const std::vector<Object>& args, const PrintKw& kw = {});

// What print(value) writes (str(value)), written to `out`, fmt-style: any
// output iterator (std::back_inserter(s), fmt::appender(buffer), an
// std::ostream_iterator, ...). Returns the iterator past the text.
void format_to(fmt::memory_buffer& out, const Object& value);
template <class OutputIt>
OutputIt format_to(OutputIt out, const Object& value) {
  fmt::memory_buffer text;
  format_to(text, value);
  return std::copy(text.begin(), text.end(), out);
}

// The same text handed to `sink` in pieces of about `chunk` bytes, in order,
// as it is made: a list of millions of values never exists whole in memory.
// A LoadError (a loaded file changed while it printed) may come after some
// pieces were handed over.
void format_chunks(const Object& value, const std::function<void(std::string_view)>& sink,
                   size_t chunk = size_t{1} << 16);

// `os << obj` writes str(obj), what print(obj) shows.
std::ostream& operator<<(std::ostream& os, const Object& obj);

// print(a, b, ...) to std::cout.
void print_args(const std::vector<Object>& args, const PrintKw& kw = {});
template <class... Args>
void print(const Args&... args) {
  print_args(std::vector<Object>{Object(args)...});
}

}  // namespace pyrepr

// fmt::format("{}", obj) is str(obj); a spec formats that text as a string
// ("{:>20}"), and one a string does not take is refused at compile time where
// fmt checks format strings (C++20, or FMT_STRING).
template <>
struct fmt::formatter<pyrepr::Object> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const pyrepr::Object& o, FormatContext& ctx) const -> decltype(ctx.out()) {
    const std::string s = pyrepr::str(o);
    return fmt::formatter<std::string_view>::format(s, ctx);
  }
};
