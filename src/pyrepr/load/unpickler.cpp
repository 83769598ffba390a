// The pickle machine behind pyrepr::load: it runs a torch.save file's
// data.pkl as the torch.load of PyTorch 1.13, 2.6 and 2.14 does, with our own
// interpreter so that Python's types survive (OrderedDict vs dict, Parameter,
// bool vs int, torch.Size, dtypes) and so that every byte of a hostile file
// is validated before it is used. The opcodes are pickle_opcodes.hpp, the
// values pickle_value.hpp, the torch globals (rebuild functions, storages)
// torch_globals.cpp.
#include "pyrepr/load/unpickler.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pyrepr/core/utf8.hpp"
#include "pyrepr/load/load_diagnostics.hpp"
#include "pyrepr/load/pickle_opcodes.hpp"
#include "pyrepr/load/pickle_value.hpp"
#include "pyrepr/load/python_int.hpp"
#include "pyrepr/load/torch_globals.hpp"
#include "pyrepr/load/unpickle_rules.hpp"

namespace pyrepr::detail {
namespace {

class Unpickler {
 public:
  Unpickler(const unsigned char* data, size_t size, const RecordLoader& records,
            const UnpickleLimits& limits)
      : p_(data),
        n_(size),
        limits_(limits),
        arena_(limits.max_objects),
        torch_(arena_, records,
               [this](Node* callable, const Node* argtuple) { return call(callable, argtuple); }),
        dict_keys_(limits.max_depth, limits.max_objects) {
    none_.kind = Kind::None;
    true_.kind = false_.kind = Kind::Bool;
    true_.flag = true;
  }

  size_t position() const { return pos_; }

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
  // A protocol 0 argument: the bytes up to the next newline, as they are.
  std::string raw_line(const char* what) {
    const void* nl = std::memchr(p_ + pos_, '\n', remaining());
    if (!nl) fail(std::string("pickle data was truncated: no end of line for ") + what);
    const auto len = static_cast<size_t>(static_cast<const unsigned char*>(nl) - (p_ + pos_));
    std::string s(reinterpret_cast<const char*>(p_ + pos_), len);
    pos_ += len + 1;
    return s;
  }
  // int(text, 0) for the decimal text pickle writes (a sign, digits,
  // whitespace around); anything else fails as Python's int() does.
  Node* parse_int_text(const std::string& text, const char* op) {
    const size_t first = text.find_first_not_of(" \t\r\f\v");
    const size_t last = text.find_last_not_of(" \t\r\f\v");
    std::string t = first == std::string::npos ? "" : text.substr(first, last - first + 1);
    bool negative = false;
    if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
      negative = t[0] == '-';
      t.erase(0, 1);
    }
    const bool digits = !t.empty() && t.find_first_not_of("0123456789") == std::string::npos;
    // base 0 refuses leading zeros ("007"), but not "0" or "000"
    const bool leading_zero =
        t.size() > 1 && t[0] == '0' && t.find_first_not_of('0') != std::string::npos;
    if (!digits || leading_zero)
      fail(std::string(op) + ": invalid literal for int() with base 0: " + printable(text));
    t.erase(0, std::min(t.find_first_not_of('0'), t.size() - 1));  // "000" -> "0"
    if (t.size() > limits_.max_int_digits) fail(too_many_digits());
    if (t.size() <= 18) {
      const auto v = static_cast<int64_t>(std::stoull(t));
      return make_int(negative ? -v : v);
    }
    const std::string decimal = (negative ? "-" : "") + t;
    if (t.size() == 19) {  // int64 or not: let strtoll decide
      errno = 0;
      const long long v = std::strtoll(decimal.c_str(), nullptr, 10);
      if (errno != ERANGE) return make_int(static_cast<int64_t>(v));
    }
    return make_str(decimal, Kind::BigInt);
  }
  // float(text): what strtod reads in the C locale, all of the text.
  Node* parse_float_text(const std::string& text) {
    const char* begin = text.c_str();
    char* end = const_cast<char*>(begin);  // strtod sets it
    const double v = std::strtod(begin, &end);
    while (*end != '\0' && std::isspace(static_cast<unsigned char>(*end))) ++end;
    if (text.empty() || end == begin || *end != '\0' || text.find('\0') != std::string::npos)
      fail("FLOAT: could not convert string to float: " + printable(text));
    Node* n = make(Kind::Float);
    n->f = v;
    return n;
  }
  // The raw-unicode-escape codec: each byte is a Latin-1 character, but
  // \uXXXX and \UXXXXXXXX (after an even number of backslashes) are escapes.
  static std::string raw_unicode_escape_decode(const std::string& in) {
    std::string out;
    auto put = [&out](uint32_t c) { append_utf8(out, c); };
    size_t backslashes = 0;  // the run of backslashes just before position i
    for (size_t i = 0; i < in.size(); ++i) {
      const auto b = static_cast<unsigned char>(in[i]);
      if (b == '\\') {
        ++backslashes;
        put(b);
        continue;
      }
      if ((b == 'u' || b == 'U') && backslashes % 2 == 1) {
        const size_t n = b == 'u' ? 4 : 8;
        uint32_t c = 0;
        for (size_t k = 1; k <= n; ++k) {
          const char h = i + k < in.size() ? in[i + k] : '\0';
          if (!std::isxdigit(static_cast<unsigned char>(h)))
            fail(std::string("UNICODE: truncated \\") + static_cast<char>(b) + "XXXX escape");
          c = c * 16 +
              static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h))
                                        ? h - '0'
                                        : std::tolower(static_cast<unsigned char>(h)) - 'a' + 10);
        }
        if (c > 0x10FFFF) fail("UNICODE: \\Uxxxxxxxx out of range");
        out.pop_back();  // the backslash that began the escape
        put(c);
        i += n;
        backslashes = 0;
        continue;
      }
      backslashes = 0;
      put(b);
    }
    return out;
  }
  size_t length(uint64_t len, const char* what) {
    if (len > remaining())
      fail(std::string(what) + " of " + std::to_string(len) + " bytes at offset " +
           std::to_string(pos_) + " runs past the end of the pickle (" +
           std::to_string(remaining()) + " bytes left)");
    return static_cast<size_t>(len);
  }

  // ----- objects
  Node* make(Kind k) { return arena_.make(k); }
  Node* make_int(int64_t v) {  // an opcode's int: on the stack alone, until popped
    Node* n = arena_.make_int(v);
    n->fresh = true;
    return n;
  }
  Node* make_str(std::string s, Kind k = Kind::Str) { return arena_.make_str(std::move(s), k); }
  Node* make_global(std::string module, std::string name, Fn fn) {
    return arena_.make_global(std::move(module), std::move(name), fn);
  }

  // ----- the stack (with Python's marks: pops never cross the last mark)
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  // A value popped by any opcode but APPEND(S) may get a second reference,
  // so it is no longer `fresh`.
  void push(Node* n) { stack_.push_back(n); }
  Node* pop_raw(const char* op) {
    if (stack_.size() <= floor()) fail(std::string("unpickling stack underflow in ") + op);
    Node* n = stack_.back();
    stack_.pop_back();
    return n;
  }
  Node* pop(const char* op) {
    Node* n = pop_raw(op);
    n->fresh = false;
    return n;
  }
  Node* top(const char* op) {
    if (stack_.size() <= floor()) fail(std::string("unpickling stack underflow in ") + op);
    return stack_.back();
  }
  std::vector<Node*> pop_mark_raw(const char* op) {
    if (marks_.empty()) fail(std::string("could not find MARK for ") + op);
    size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Node*> items(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return items;
  }
  std::vector<Node*> pop_mark(const char* op) {
    std::vector<Node*> items = pop_mark_raw(op);
    for (Node* n : items) n->fresh = false;
    return items;
  }
  std::vector<Node*> pop_n(size_t k, const char* op) {
    if (stack_.size() < floor() + k) fail(std::string("unpickling stack underflow in ") + op);
    std::vector<Node*> items(stack_.end() - static_cast<std::ptrdiff_t>(k), stack_.end());
    stack_.resize(stack_.size() - k);
    for (Node* n : items) n->fresh = false;
    return items;
  }

  // list.append(v). While a list's items are all ints they stay packed
  // (Node::packed), and a fresh int goes back to the arena: a list of
  // millions of ints costs 4 to 8 bytes per int.
  void append(Node* l, Node* v) {
    if (l->items.empty() && v->kind == Kind::Int) {
      if (!l->packed) l->packed = std::make_shared<PackedInts>();
      l->packed->push_back(v->i);
      if (v->fresh) arena_.release(v);
      return;
    }
    v->fresh = false;
    if (l->packed) unpack(l);
    l->items.push_back(v);
  }
  void unpack(Node* l) {
    const std::shared_ptr<PackedInts> ints = std::move(l->packed);
    l->items.reserve(ints->size() + 1);
    for (size_t k = 0; k < ints->size(); ++k) l->items.push_back(arena_.make_int((*ints)[k]));
  }

  // ----- memo
  // The memo: a vector for the indices picklers write (0, 1, 2, ... as they
  // go: below the program's size), a map for any other.
  void memo_put(uint64_t idx, const char* op) {
    Node* value = top(op);
    value->fresh = false;
    if (idx < memo_.size() || idx < pos_ + 1024) {
      if (idx >= memo_.size()) memo_.resize(static_cast<size_t>(idx) + 1, nullptr);
      Node*& slot = memo_[static_cast<size_t>(idx)];
      if (!slot) ++memo_count_;
      slot = value;
      return;
    }
    if (memo_far_.emplace(idx, value).second)
      ++memo_count_;
    else
      memo_far_[idx] = value;
  }
  Node* memo_get(uint64_t idx) {
    if (idx < memo_.size() && memo_[static_cast<size_t>(idx)])
      return memo_[static_cast<size_t>(idx)];
    auto it = memo_far_.find(idx);
    if (it == memo_far_.end()) fail("memo value not found at index " + std::to_string(idx));
    return it->second;
  }

  // ----- strings
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
    if (Node* g = torch_.find_class(module, name)) return g;
    static const std::map<std::pair<std::string, std::string>, Fn> callables = {
        {{"collections", "OrderedDict"}, Fn::OrderedDict},
        {{"_codecs", "encode"}, Fn::CodecsEncode},
        {{"builtins", "bytes"}, Fn::BuiltinsBytes},
        {{"torch.jit._pickle", "restore_type_tag"}, Fn::JitIdentity},
        {{"torch.jit._pickle", "build_intlist"}, Fn::JitIdentity},
        {{"torch.jit._pickle", "build_doublelist"}, Fn::JitIdentity},
        {{"torch.jit._pickle", "build_boollist"}, Fn::JitIdentity},
        {{"torch.jit._pickle", "build_tensorlist"}, Fn::JitIdentity},
    };
    auto it = callables.find({module, name});
    if (it != callables.end()) return make_global(module, name, it->second);
    fail("unsupported global '" + printable(module + "." + name) +
         "' (only tensors, Parameters, containers and torch dtypes/layouts can be read)");
  }

  void dict_set(Node* d, Node* k, Node* v) {
    if (!d->index) d->index = std::make_unique<std::unordered_map<uint64_t, size_t>>();
    const uint64_t key = dict_keys_.key(k);
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
    if (src->packed) fail("OrderedDict() sequence elements must be pairs");  // ints
    for (const Node* pair : src->items) {
      if (pair->packed && pair->packed->size() == 2) {  // [int, int]
        dict_set(d, arena_.make_int((*pair->packed)[0]), arena_.make_int((*pair->packed)[1]));
        continue;
      }
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
    if (Node* result = torch_.call(callable, args)) return result;
    switch (callable->fn) {
      case Fn::OrderedDict: {
        Node* d = make(Kind::Dict);
        d->flag = true;
        if (args.size() > 1) fail("OrderedDict expected at most 1 argument");
        if (args.size() == 1) fill_dict_from(d, args[0]);
        return d;
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
        return make_str(latin1_encode(args[0]->s), Kind::Bytes);
      }
      case Fn::BuiltinsBytes: {
        if (!args.empty()) fail("bytes(...) with arguments is not supported");
        return make_str("", Kind::Bytes);
      }
      case Fn::JitIdentity: {
        const bool tag = callable->name == "restore_type_tag";
        if (args.size() != (tag ? 2U : 1U))
          fail(global_name(callable) + " takes " + (tag ? "2 arguments" : "1 argument") + " but " +
               std::to_string(args.size()) + " were given");
        if (tag && args[1]->kind != Kind::Str)
          fail(global_name(callable) + ": the type must be a str, not " + kind_name(args[1]));
        return args[0];
      }
      default:
        break;
    }
    fail("'" + global_name(callable) + "' cannot be called when loading");
  }

  // ----- the interpreter loop
  Node* execute() {
    while (true) {
      if (pos_ >= n_) fail("pickle data was truncated (no STOP opcode)");
      size_t op_pos = pos_;
      const unsigned char raw = p_[pos_++];
      const auto op = static_cast<Op>(raw);
      switch (op) {
        case Op::PROTO: {
          unsigned proto = static_cast<unsigned>(le(1, "PROTO"));
          if (proto > 5) fail("unsupported pickle protocol: " + std::to_string(proto));
          proto_ = proto;
          break;
        }
        case Op::FRAME: {
          uint64_t len = le(8, "FRAME");
          length(len, "a frame");
          break;
        }
        case Op::STOP: {
          return pop("STOP");
        }
        case Op::MARK:
          marks_.push_back(stack_.size());
          break;
        case Op::POP:
          if (stack_.size() > floor())
            stack_.pop_back();
          else
            pop_mark("POP");
          break;
        case Op::POP_MARK:
          pop_mark("POP_MARK");
          break;
        case Op::DUP:
          top("DUP")->fresh = false;
          push(top("DUP"));
          break;
        // memo
        case Op::PUT: {
          std::string l = line("PUT");
          memo_put(parse_decimal(l, "PUT"), "PUT");
          break;
        }
        case Op::GET: {
          std::string l = line("GET");
          push(memo_get(parse_decimal(l, "GET")));
          break;
        }
        case Op::BINPUT:
          memo_put(le(1, "BINPUT"), "BINPUT");
          break;
        case Op::LONG_BINPUT:
          memo_put(le(4, "LONG_BINPUT"), "LONG_BINPUT");
          break;
        case Op::BINGET:
          push(memo_get(le(1, "BINGET")));
          break;
        case Op::LONG_BINGET:
          push(memo_get(le(4, "LONG_BINGET")));
          break;
        case Op::MEMOIZE:
          memo_put(memo_count_, "MEMOIZE");  // memo[len(memo)]
          break;
        // constants and numbers
        case Op::NONE:
          push(&none_);
          break;
        case Op::NEWTRUE:
          push(&true_);
          break;
        case Op::NEWFALSE:
          push(&false_);
          break;
        case Op::INT: {  // protocols 0 and 1 write bools as INT 00 / 01
          const std::string text = raw_line("INT");
          if (text == "00" || text == "01")
            push(text == "01" ? &true_ : &false_);
          else
            push(parse_int_text(text, "INT"));
          break;
        }
        case Op::LONG: {
          std::string text = raw_line("LONG");
          if (!text.empty() && text.back() == 'L') text.pop_back();
          push(parse_int_text(text, "LONG"));
          break;
        }
        case Op::FLOAT:
          push(parse_float_text(raw_line("FLOAT")));
          break;
        case Op::UNICODE:
          push(make_str(raw_unicode_escape_decode(raw_line("UNICODE"))));
          break;
        case Op::BININT:
          push(make_int(static_cast<int32_t>(static_cast<uint32_t>(le(4, "BININT")))));
          break;
        case Op::BININT1:
          push(make_int(static_cast<int64_t>(le(1, "BININT1"))));
          break;
        case Op::BININT2:
          push(make_int(static_cast<int64_t>(le(2, "BININT2"))));
          break;
        case Op::LONG1:
          push(read_long(static_cast<size_t>(le(1, "LONG1"))));
          break;
        case Op::LONG4: {
          auto len = static_cast<int32_t>(static_cast<uint32_t>(le(4, "LONG4")));
          if (len < 0) fail("LONG pickle has negative byte count");
          push(read_long(length(static_cast<uint64_t>(len), "LONG4")));
          break;
        }
        case Op::BINFLOAT: {
          const unsigned char* b = take(8, "BINFLOAT");
          uint64_t bits = 0;
          for (int k = 0; k < 8; ++k) bits = (bits << 8) | b[k];
          Node* n = make(Kind::Float);
          std::memcpy(&n->f, &bits, sizeof bits);
          push(n);
          break;
        }
        // strings and bytes
        case Op::BINUNICODE:
          push(read_str(length(le(4, "BINUNICODE"), "a string")));
          break;
        case Op::SHORT_BINUNICODE:
          push(read_str(length(le(1, "SHORT_BINUNICODE"), "a string")));
          break;
        case Op::BINUNICODE8:
          push(read_str(length(le(8, "BINUNICODE8"), "a string")));
          break;
        case Op::BINBYTES:
          push(read_bytes(length(le(4, "BINBYTES"), "bytes")));
          break;
        case Op::SHORT_BINBYTES:
          push(read_bytes(length(le(1, "SHORT_BINBYTES"), "bytes")));
          break;
        case Op::BINBYTES8:
          push(read_bytes(length(le(8, "BINBYTES8"), "bytes")));
          break;
        // containers
        case Op::EMPTY_LIST:
          push(make(Kind::List));
          break;
        case Op::LIST: {
          auto items = pop_mark("LIST");
          Node* l = make(Kind::List);
          l->items = std::move(items);
          push(l);
          break;
        }
        case Op::APPEND: {
          Node* v = pop_raw("APPEND");
          Node* l = top("APPEND");
          if (l->kind != Kind::List) fail(std::string("APPEND to a ") + kind_name(l));
          append(l, v);
          break;
        }
        case Op::APPENDS: {
          auto items = pop_mark_raw("APPENDS");
          Node* l = top("APPENDS");
          if (l->kind != Kind::List) fail(std::string("APPENDS to a ") + kind_name(l));
          for (Node* v : items) append(l, v);
          break;
        }
        case Op::EMPTY_TUPLE:
          push(make(Kind::Tuple));
          break;
        case Op::TUPLE: {
          auto items = pop_mark("TUPLE");
          Node* t = make(Kind::Tuple);
          t->items = std::move(items);
          push(t);
          break;
        }
        case Op::TUPLE1:
        case Op::TUPLE2:
        case Op::TUPLE3: {
          auto items = pop_n(raw - 0x84u, "TUPLE1/2/3");
          Node* t = make(Kind::Tuple);
          t->items = std::move(items);
          push(t);
          break;
        }
        case Op::EMPTY_DICT:
          push(make(Kind::Dict));
          break;
        case Op::DICT: {
          auto items = pop_mark("DICT");
          if (items.size() % 2) fail("odd number of items for DICT");
          Node* d = make(Kind::Dict);
          for (size_t k = 0; k < items.size(); k += 2) dict_set(d, items[k], items[k + 1]);
          push(d);
          break;
        }
        case Op::SETITEM: {
          Node* v = pop("SETITEM");
          Node* k = pop("SETITEM");
          Node* d = top("SETITEM");
          if (d->kind != Kind::Dict) fail(std::string("SETITEM on a ") + kind_name(d));
          dict_set(d, k, v);
          break;
        }
        case Op::SETITEMS: {
          auto items = pop_mark("SETITEMS");
          if (items.size() % 2) fail("odd number of items for SETITEMS");
          Node* d = top("SETITEMS");
          if (d->kind != Kind::Dict) fail(std::string("SETITEMS on a ") + kind_name(d));
          for (size_t k = 0; k < items.size(); k += 2) dict_set(d, items[k], items[k + 1]);
          break;
        }
        case Op::EMPTY_SET:
        case Op::ADDITEMS:
        case Op::FROZENSET:
          fail("Python sets are not supported");
        // globals and calls
        case Op::GLOBAL: {
          std::string module = line("GLOBAL");
          std::string name = line("GLOBAL");
          push(find_class(module, name));
          break;
        }
        case Op::STACK_GLOBAL: {
          Node* name = pop("STACK_GLOBAL");
          Node* module = pop("STACK_GLOBAL");
          if (name->kind != Kind::Str || module->kind != Kind::Str)
            fail("STACK_GLOBAL requires str");
          push(find_class(module->s, name->s));
          break;
        }
        case Op::REDUCE: {
          Node* args = pop("REDUCE");
          Node* callable = pop("REDUCE");
          push(call(callable, args));
          break;
        }
        case Op::NEWOBJ:
        case Op::NEWOBJ_EX: {
          if (op == Op::NEWOBJ_EX) pop("NEWOBJ_EX");  // kwargs
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
        case Op::BUILD: {
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
        case Op::PERSID:  // a str id (torch.save's are tuples: persistent_load refuses it)
          push(torch_.persistent_load(make_str(raw_line("PERSID"))));
          break;
        case Op::BINPERSID: {
          Node* pid = pop("BINPERSID");
          push(torch_.persistent_load(pid));
          break;
        }
        default: {
          char buf[96];
          std::snprintf(buf, sizeof buf, "unsupported pickle opcode 0x%02x at offset %zu", raw,
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
    if (n->packed) {  // an eighth of an object per int (4-8 bytes, where an Object is 72)
      const size_t cost = n->packed->size() / 8;
      if (cost > budget)
        fail("the loaded value has more than " + std::to_string(limits_.max_result_objects) +
             " objects");
      budget -= cost;
      return Object(IntList{n->packed});
    }
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
      case Kind::StructSeq:
        break;
    }
    if (n->visiting) {  // met again inside itself: Python prints [...] and the like
      switch (n->kind) {
        case Kind::List:
          return Object(Recursive{Recursive::Of::List});
        case Kind::Dict:
          return Object(Recursive{n->flag ? Recursive::Of::OrderedDict : Recursive::Of::Dict});
        default:
          return Object(Recursive{Recursive::Of::Tuple});
      }
    }
    n->visiting = true;
    Object out;
    if (n->kind == Kind::StructSeq) {
      const std::vector<const char*>& names = struct_seq_fields(n);
      StructSeq seq;
      seq.type_name = n->s + "." + n->name;
      for (size_t k = 0; k < n->items.size() && k < names.size(); ++k)
        seq.fields.emplace_back(names[k], to_object(n->items[k], depth + 1, budget));
      out = Object(std::move(seq));
    } else if (n->kind == Kind::Dict) {
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
  UnpickleLimits limits_;
  Arena arena_;
  TorchGlobals torch_;
  Node none_, true_, false_;
  std::vector<Node*> stack_;
  std::vector<size_t> marks_;
  std::vector<Node*> memo_;
  std::unordered_map<uint64_t, Node*> memo_far_;
  size_t memo_count_ = 0;  // len(memo)
  DictKeys dict_keys_;
};

}  // namespace

Object unpickle(const char* data, size_t size, const RecordLoader& records,
                const UnpickleLimits& limits, size_t* end) {
  try {
    Unpickler u(reinterpret_cast<const unsigned char*>(data), size, records, limits);
    Object result = u.run();
    if (end) *end = u.position();
    return result;
  } catch (const LoadError&) {
    throw;
  } catch (const std::bad_alloc&) {
    fail("out of memory");
  }
}

}  // namespace pyrepr::detail
