// repr/str/print/pretty of the Object model. Every expected string below was
// produced by Python 3.11 (repr/str/print) or IPython 8.5
// (IPython.lib.pretty.pretty, max_width=79), and the version-dependent ones
// also by Python 3.13 / IPython 8.35 and Python 3.14 / IPython 9.11 (Debian
// 12, 13 and unstable); tests/differential/ checks the same functions against
// live Python on thousands of random values.
#include <ATen/ATen.h>

#include <cstdio>
#include <iterator>
#include <sstream>
#include <string>
#include "catch.hpp"

#include "pyrepr/options.hpp"
#include "pyrepr/pyrepr.hpp"
#include "pyrepr/torch_adapter.hpp"

using pyrepr::BigInt;
using pyrepr::Bytes;
using pyrepr::Dict;
using pyrepr::float_repr;
using pyrepr::Global;
using pyrepr::List;
using pyrepr::None;
using pyrepr::Object;
using pyrepr::pretty;
using pyrepr::repr;
using pyrepr::Size;
using pyrepr::str;
using pyrepr::str_repr;
using pyrepr::Tuple;

namespace {

Dict dict(std::vector<std::pair<Object, Object>> items) { return Dict{std::move(items), false}; }
Dict ordered_dict(std::vector<std::pair<Object, Object>> items) {
  return Dict{std::move(items), true};
}

// The global print options with the rules of Python major.minor (and the
// build's PyTorch rules), for a PrintOptionsGuard.
pyrepr::PrintOptions under_python(int major, int minor) {
  pyrepr::PrintOptions options = pyrepr::get_printoptions();
  options.rules.python = pyrepr::Version{major, minor};
  return options;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST_CASE("float_repr is Python's shortest round-trip repr", "[object]") {
  CHECK(float_repr(0.1) == "0.1");
  CHECK(float_repr(1.0 / 3.0) == "0.3333333333333333");
  CHECK(float_repr(2.0 / 3.0) == "0.6666666666666666");
  CHECK(float_repr(1e16) == "1e+16");
  CHECK(float_repr(1e15) == "1000000000000000.0");
  CHECK(float_repr(1.5e16) == "1.5e+16");
  CHECK(float_repr(12345678901234567.0) == "1.2345678901234568e+16");
  CHECK(float_repr(1e-5) == "1e-05");
  CHECK(float_repr(1e-4) == "0.0001");
  CHECK(float_repr(1.5e-5) == "1.5e-05");
  CHECK(float_repr(0.00012) == "0.00012");
  CHECK(float_repr(5e-324) == "5e-324");
  CHECK(float_repr(-5e-324) == "-5e-324");
  CHECK(float_repr(1.7976931348623157e308) == "1.7976931348623157e+308");
  CHECK(float_repr(2.2250738585072014e-308) == "2.2250738585072014e-308");
  CHECK(float_repr(0.0) == "0.0");
  CHECK(float_repr(-0.0) == "-0.0");
  CHECK(float_repr(std::nan("")) == "nan");
  CHECK(float_repr(-std::nan("")) == "nan");
  CHECK(float_repr(HUGE_VAL) == "inf");
  CHECK(float_repr(-HUGE_VAL) == "-inf");
  CHECK(float_repr(123.0) == "123.0");
  CHECK(float_repr(-123.5) == "-123.5");
  CHECK(float_repr(1e22) == "1e+22");
  CHECK(float_repr(1e23) == "1e+23");
  CHECK(float_repr(0.30000000000000004) == "0.30000000000000004");
  CHECK(float_repr(9007199254740993.0) == "9007199254740992.0");
  CHECK(float_repr(static_cast<double>(0.1f)) == "0.10000000149011612");
}

TEST_CASE("str_repr chooses quotes and escapes as Python", "[object]") {
  CHECK(str_repr("") == "''");
  CHECK(str_repr("abc") == "'abc'");
  CHECK(str_repr("'") == "\"'\"");
  CHECK(str_repr("\"") == "'\"'");
  CHECK(str_repr("'\"") == "'\\'\"'");
  CHECK(str_repr("a\\b") == "'a\\\\b'");
  CHECK(str_repr(std::string("\n\r\t\x00\x1f\x7f", 6)) == "'\\n\\r\\t\\x00\\x1f\\x7f'");
  // U+0080, U+009F, U+00A0 (no-break space), U+00AD (soft hyphen), é
  CHECK(str_repr("\u0080\u009f\u00a0\u00ad\u00e9") == "'\\x80\\x9f\\xa0\\xad\u00e9'");
  CHECK(str_repr("\u200b\u2028\ufeff\ue000\uffff") == "'\\u200b\\u2028\\ufeff\\ue000\\uffff'");
  CHECK(str_repr("\U0001f600\U000e0001\U0010ffff") == "'\U0001f600\\U000e0001\\U0010ffff'");
  CHECK(str_repr("\u4e2d\u6587") == "'\u4e2d\u6587'");
  // An encoded surrogate (pickle's surrogatepass) and bytes that are not
  // UTF-8 (shown as surrogateescape would decode them).
  CHECK(str_repr("\xed\xa0\x80") == "'\\ud800'");
  CHECK(str_repr("a\xff\xc3") == "'a\\udcff\\udcc3'");
}

TEST_CASE("repr of scalars, bytes, torch.Size and globals", "[object]") {
  CHECK(repr(None{}) == "None");
  CHECK(repr(nullptr) == "None");
  CHECK(repr(true) == "True");
  CHECK(repr(false) == "False");
  CHECK(repr(0) == "0");
  CHECK(repr(-42) == "-42");
  CHECK(repr(INT64_MIN) == "-9223372036854775808");
  CHECK(repr(BigInt{"-1267650600228229401496703205376"}) == "-1267650600228229401496703205376");
  CHECK(repr(0.5) == "0.5");
  CHECK(repr(0.5f) == "0.5");
  CHECK(repr("it's") == "\"it's\"");
  CHECK(repr(Bytes{""}) == "b''");
  CHECK(repr(Bytes{"'"}) == "b\"'\"");
  CHECK(repr(Bytes{"\""}) == "b'\"'");
  CHECK(repr(Bytes{"'\""}) == "b'\\'\"'");
  CHECK(repr(Bytes{std::string("\\\n\r\t\x00\x7f\x80\xff ~", 10)}) ==
        "b'\\\\\\n\\r\\t\\x00\\x7f\\x80\\xff ~'");
  CHECK(repr(Size{{5, 1, 3}}) == "torch.Size([5, 1, 3])");
  CHECK(repr(Size{{}}) == "torch.Size([])");
  CHECK(repr(Size{{0}}) == "torch.Size([0])");
  CHECK(repr(Global{"torch", "float32"}) == "torch.float32");
}

TEST_CASE("repr of containers", "[object]") {
  CHECK(repr(List{}) == "[]");
  CHECK(repr(Tuple{}) == "()");
  CHECK(repr(Tuple{{1}}) == "(1,)");
  CHECK(repr(Tuple{{1, 2}}) == "(1, 2)");
  CHECK(repr(Tuple{{Tuple{}}}) == "((),)");
  CHECK(repr(List{"a", 1.5, None{}, true}) == "['a', 1.5, None, True]");
  CHECK(repr(std::vector<int>{1, 2, 3}) == "[1, 2, 3]");
  CHECK(repr(std::make_tuple(1, "x")) == "(1, 'x')");
  CHECK(repr(std::make_pair(1, 2.0)) == "(1, 2.0)");
  CHECK(repr(dict({})) == "{}");
  CHECK(repr(dict({{"a", 1}, {2, List{}}})) == "{'a': 1, 2: []}");
  CHECK(repr(List{Global{"torch", "float32"}, Size{{2}}}) == "[torch.float32, torch.Size([2])]");
}

TEST_CASE("containers insert multi-line tensor reprs verbatim", "[object]") {
  const at::Tensor t1 = at::ones({2});
  const at::Tensor t3 = at::zeros({2, 2});
  CHECK(repr(t1) == "tensor([1., 1.])");
  CHECK(repr(Tuple{{t1, t3}}) == "(tensor([1., 1.]), tensor([[0., 0.],\n        [0., 0.]]))");
  CHECK(repr(Tuple{{t1}}) == "(tensor([1., 1.]),)");
  CHECK(repr(List{pyrepr::parameter(at::ones({1}).set_requires_grad(true))}) ==
        "[Parameter containing:\ntensor([1.], requires_grad=True)]");
  CHECK(repr(dict({{"a", t1}, {"b", t3}})) ==
        "{'a': tensor([1., 1.]), 'b': tensor([[0., 0.],\n        [0., 0.]])}");
  CHECK(repr(pyrepr::size_of(at::zeros({5, 1, 3}))) == "torch.Size([5, 1, 3])");
}

TEST_CASE("str differs from repr only for str", "[object]") {
  CHECK(str("a'b\n") == "a'b\n");
  CHECK(str(List{"a"}) == "['a']");
  CHECK(str(1.0) == "1.0");
  CHECK(str(None{}) == "None");
  CHECK(str(Bytes{"x"}) == "b'x'");
  const at::Tensor t = at::zeros({2, 2});
  CHECK(str(t) == repr(t));
  CHECK(str(pyrepr::parameter(t)) == "Parameter containing:\n" + repr(t));
}

TEST_CASE("print_to is Python's print()", "[object]") {
  std::ostringstream os;
  pyrepr::print_to(os, {"a", 1, List{"b"}, 2.5, None{}});
  CHECK(os.str() == "a 1 ['b'] 2.5 None\n");
  os.str("");
  pyrepr::print_to(os, {"x", Tuple{{1}}}, pyrepr::PrintKw{", ", "!"});
  CHECK(os.str() == "x, (1,)!");
  os.str("");
  pyrepr::print_to(os, {});
  CHECK(os.str() == "\n");
}

TEST_CASE("pretty keeps short values on one line", "[object][pretty]") {
  CHECK(pretty(None{}) == "None");
  CHECK(pretty(1.5) == "1.5");
  CHECK(pretty("it's") == "\"it's\"");
  CHECK(pretty(List{}) == "[]");
  CHECK(pretty(Tuple{{1}}) == "(1,)");
  CHECK(pretty(List{List{1, 2}, List{3, 4}}) == "[[1, 2], [3, 4]]");
  CHECK(pretty(List{1.5, -0.0, std::nan("")}) == "[1.5, -0.0, nan]");
  CHECK(pretty(Size{{5, 1, 3}}) == "torch.Size([5, 1, 3])");
  CHECK(pretty(List{Global{"torch", "float32"}}) == "[torch.float32]");
  // 79 columns fit, 80 break.
  CHECK(pretty(List{std::string(35, 'a'), std::string(36, 'b')}) ==
        "['" + std::string(35, 'a') + "', '" + std::string(36, 'b') + "']");
  CHECK(pretty(List{std::string(35, 'a'), std::string(37, 'b')}) ==
        "['" + std::string(35, 'a') + "',\n '" + std::string(37, 'b') + "']");
  // Nothing to break at: longer than 79 columns on one line.
  CHECK(pretty(List{std::string(76, 'a')}) == "['" + std::string(76, 'a') + "']");
  CHECK(pretty(dict({{std::string(30, 'k'), std::string(43, 'v')}})) ==
        "{'" + std::string(30, 'k') + "': '" + std::string(43, 'v') + "'}");
  // Widths count code points, not bytes: 37 + 2 * 20 = 77 columns.
  std::string cjk;
  for (int i = 0; i < 20; ++i) cjk += "\u4e2d";
  CHECK(pretty(List{std::string(33, 'a'), cjk}) ==
        "['" + std::string(33, 'a') + "', '" + cjk + "']");
}

TEST_CASE("pretty breaks long containers one element per line", "[object][pretty]") {
  const std::string x30(30, 'x'), y30(30, 'y'), z30(30, 'z');
  CHECK(pretty(List{List{x30, y30}, List{z30}}) ==
        "[['" + x30 + "', '" + y30 + "'],\n ['" + z30 + "']]");
  const std::string x40(40, 'x'), y40(40, 'y');
  CHECK(pretty(dict({{"a", List{x40, y40}}})) == "{'a': ['" + x40 + "',\n  '" + y40 + "']}");
  const std::string a40(40, 'a'), b40(40, 'b');
  CHECK(pretty(Tuple{{Tuple{{a40, b40}}}}) == "(('" + a40 + "',\n  '" + b40 + "'),)");
  CHECK(pretty(ordered_dict({{a40, 1}, {b40, 2}})) ==
        "OrderedDict([('" + a40 + "', 1),\n             ('" + b40 + "', 2)])");
  const std::string x70(70, 'x');
  CHECK(pretty(ordered_dict({{"a", ordered_dict({{"b", x70}})}})) ==
        "OrderedDict([('a',\n              OrderedDict([('b',\n                            '" +
            x70 + "')]))])");
}

TEST_CASE("pretty truncates after 1000 items", "[object][pretty]") {
  List long_list;
  for (int i = 0; i < 1002; ++i) long_list.push_back(i);
  const std::string p = pretty(long_list);
  CHECK(p.substr(0, 8) == "[0,\n 1,\n");
  CHECK(ends_with(p, "\n 998,\n 999,\n ...]"));
  Dict d;
  for (int i = 0; i < 1001; ++i) d.items.emplace_back(i, i);
  const std::string pd = pretty(d);
  CHECK(ends_with(pd, "\n 999: 999,\n ...}"));
  CHECK(repr(long_list).size() > 4000);  // repr does not truncate
}

TEST_CASE("pretty re-indents multi-line tensors", "[object][pretty]") {
  const at::Tensor t1 = at::ones({2});
  const at::Tensor t2 = at::zeros({2, 3});
  const at::Tensor t3 = at::zeros({2, 2});
  CHECK(pretty(t2) == repr(t2));
  CHECK(pretty(Tuple{{t1, t3}}) == "(tensor([1., 1.]),\n tensor([[0., 0.],\n         [0., 0.]]))");
  CHECK(pretty(List{pyrepr::parameter(at::ones({1}).set_requires_grad(true))}) ==
        "[Parameter containing:\n tensor([1.], requires_grad=True)]");
  CHECK(pretty(List{t1, t2, t1}) ==
        "[tensor([1., 1.]),\n tensor([[0., 0., 0.],\n         [0., 0., 0.]]),\n tensor([1., 1.])]");
  CHECK(pretty(Tuple{{t2}}) == "(tensor([[0., 0., 0.],\n         [0., 0., 0.]]),)");
  CHECK(pretty(dict({{"a", t1}, {"b", t2}})) ==
        "{'a': tensor([1., 1.]),\n 'b': tensor([[0., 0., 0.],\n         [0., 0., 0.]])}");
  CHECK(pretty(ordered_dict({{"w", t2}, {"b", t1}})) ==
        "OrderedDict([('w',\n              tensor([[0., 0., 0.],\n                      [0., 0., "
        "0.]])),\n             ('b', tensor([1., 1.]))])");
  // Object(...): a braced List holding one List would copy it (CWG 1467, clang).
  CHECK(pretty(List{Object(List{t2, List{t2}})}) ==
        "[[tensor([[0., 0., 0.],\n          [0., 0., 0.]]),\n  [tensor([[0., 0., 0.],\n           "
        "[0., 0., 0.]])]]]");
}

TEST_CASE("OrderedDict's repr follows the Python release, IPython's display does not",
          "[object][versions]") {
  const Object empty = ordered_dict({});
  const Object one = ordered_dict({{1, 2}});
  const Object nested = ordered_dict({{"a", ordered_dict({})}, {"b", 1}});
  const Object in_list = List{ordered_dict({{"x", ordered_dict({{"y", 2}})}})};
  const Object tuple_key = ordered_dict({{Tuple{{1, 2}}, "v"}});
  const Object dict_value = ordered_dict({{1, dict({{"k", ordered_dict({})}})}});
  const Object with_tensor = ordered_dict({{"w", at::ones({2})}});
  const auto printed = [](const Object& v) {
    std::ostringstream os;
    pyrepr::print_to(os, {v, "x", v}, pyrepr::PrintKw{" | ", "<end>\n"});
    return os.str();
  };

  SECTION("Python 3.11: OrderedDict([(k, v), ...])") {
    const pyrepr::PrintOptionsGuard guard(under_python(3, 11));
    CHECK(repr(empty) == "OrderedDict()");
    CHECK(repr(one) == "OrderedDict([(1, 2)])");
    CHECK(repr(nested) == "OrderedDict([('a', OrderedDict()), ('b', 1)])");
    CHECK(repr(in_list) == "[OrderedDict([('x', OrderedDict([('y', 2)]))])]");
    CHECK(repr(tuple_key) == "OrderedDict([((1, 2), 'v')])");
    CHECK(repr(dict_value) == "OrderedDict([(1, {'k': OrderedDict()})])");
    CHECK(repr(with_tensor) == "OrderedDict([('w', tensor([1., 1.]))])");
    CHECK(str(one) == "OrderedDict([(1, 2)])");
    CHECK(printed(one) == "OrderedDict([(1, 2)]) | x | OrderedDict([(1, 2)])<end>\n");
  }
  for (const int minor : {13, 14}) {
    DYNAMIC_SECTION("Python 3." << minor << ": OrderedDict({k: v, ...})") {
      const pyrepr::PrintOptionsGuard guard(under_python(3, minor));
      CHECK(repr(empty) == "OrderedDict()");
      CHECK(repr(one) == "OrderedDict({1: 2})");
      CHECK(repr(nested) == "OrderedDict({'a': OrderedDict(), 'b': 1})");
      CHECK(repr(in_list) == "[OrderedDict({'x': OrderedDict({'y': 2})})]");
      CHECK(repr(tuple_key) == "OrderedDict({(1, 2): 'v'})");
      CHECK(repr(dict_value) == "OrderedDict({1: {'k': OrderedDict()}})");
      CHECK(repr(with_tensor) == "OrderedDict({'w': tensor([1., 1.])})");
      CHECK(str(one) == "OrderedDict({1: 2})");
      CHECK(printed(one) == "OrderedDict({1: 2}) | x | OrderedDict({1: 2})<end>\n");
    }
  }
  for (const int minor : {11, 13, 14}) {
    DYNAMIC_SECTION("IPython of Python 3." << minor << ": OrderedDict([(k, v), ...])") {
      const pyrepr::PrintOptionsGuard guard(under_python(3, minor));
      CHECK(pretty(empty) == "OrderedDict()");
      CHECK(pretty(one) == "OrderedDict([(1, 2)])");
      CHECK(pretty(nested) == "OrderedDict([('a', OrderedDict()), ('b', 1)])");
      CHECK(pretty(in_list) == "[OrderedDict([('x', OrderedDict([('y', 2)]))])]");
      CHECK(pretty(tuple_key) == "OrderedDict([((1, 2), 'v')])");
      CHECK(pretty(dict_value) == "OrderedDict([(1, {'k': OrderedDict()})])");
      const std::string a40(40, 'a'), b40(40, 'b');
      CHECK(pretty(ordered_dict({{a40, 1}, {b40, 2}})) ==
            "OrderedDict([('" + a40 + "', 1),\n             ('" + b40 + "', 2)])");
    }
  }
}

TEST_CASE("str's repr keeps the code points printable in the Python release's Unicode",
          "[object][versions]") {
  // x; U+0CF3, U+2FFC, U+31EF, U+1F6DC (new in Unicode 15.0/15.1: Python
  // 3.13); U+2427, U+A7CB, U+1FAE9 (Unicode 16.0: Python 3.14); U+4E2D
  // (printable in all); U+0378 (unassigned in all).
  const std::string s = "x\u0cf3\u2ffc\u31ef\U0001f6dc\u2427\ua7cb\U0001fae9\u4e2d\u0378";
  SECTION("Python 3.11 (Unicode 14.0)") {
    const pyrepr::PrintOptionsGuard guard(under_python(3, 11));
    const std::string expected =
        "'x\\u0cf3\\u2ffc\\u31ef\\U0001f6dc\\u2427\\ua7cb\\U0001fae9\u4e2d\\u0378'";
    CHECK(str_repr(s) == expected);
    CHECK(repr(s) == expected);
    CHECK(pretty(List{s}) == "[" + expected + "]");
    CHECK(repr(ordered_dict({{"\u2427", 1}})) == "OrderedDict([('\\u2427', 1)])");
  }
  SECTION("Python 3.13 (Unicode 15.1)") {
    const pyrepr::PrintOptionsGuard guard(under_python(3, 13));
    const std::string expected =
        "'x\u0cf3\u2ffc\u31ef\U0001f6dc\\u2427\\ua7cb\\U0001fae9\u4e2d\\u0378'";
    CHECK(str_repr(s) == expected);
    CHECK(repr(s) == expected);
    CHECK(pretty(List{s}) == "[" + expected + "]");
    CHECK(repr(ordered_dict({{"\u2427", 1}})) == "OrderedDict({'\\u2427': 1})");
    CHECK(pretty(ordered_dict({{"\u2427", 1}})) == "OrderedDict([('\\u2427', 1)])");
  }
  SECTION("Python 3.14 (Unicode 16.0)") {
    const pyrepr::PrintOptionsGuard guard(under_python(3, 14));
    const std::string expected =
        "'x\u0cf3\u2ffc\u31ef\U0001f6dc\u2427\ua7cb\U0001fae9\u4e2d\\u0378'";
    CHECK(str_repr(s) == expected);
    CHECK(repr(s) == expected);
    CHECK(pretty(List{s}) == "[" + expected + "]");
    CHECK(repr(ordered_dict({{"\u2427", 1}})) == "OrderedDict({'\u2427': 1})");
    CHECK(pretty(ordered_dict({{"\u2427", 1}})) == "OrderedDict([('\u2427', 1)])");
  }
}

TEST_CASE("format_to and print_to write what print writes, fmt-style", "[object]") {
  const at::Tensor t = at::arange(3, at::kFloat);
  const pyrepr::Object obj(pyrepr::List{pyrepr::Object("a"), pyrepr::Object(t)});
  // into a string, a fmt buffer and an ostream iterator alike
  std::string s;
  pyrepr::format_to(std::back_inserter(s), obj);
  CHECK(s == "['a', tensor([0., 1., 2.])]");
  fmt::memory_buffer buf;
  pyrepr::format_to(buf, pyrepr::Object("text"));  // a str prints without quotes
  pyrepr::format_to(fmt::appender(buf), t);
  CHECK(fmt::to_string(buf) == "texttensor([0., 1., 2.])");
  std::ostringstream os;
  pyrepr::format_to(std::ostream_iterator<char>(os), pyrepr::Object(int64_t{7}));
  CHECK(os.str() == "7");

  // print_to a C stream: sep and end as Python's print
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  CHECK(pyrepr::print_to(f, {pyrepr::Object("x"), pyrepr::Object(t)}, {"|", "!\n"}));
  std::rewind(f);
  char line[64] = {};
  const size_t n = std::fread(line, 1, sizeof line - 1, f);
  std::fclose(f);
  CHECK(std::string(line, n) == "x|tensor([0., 1., 2.])!\n");
}

// Python 1.13 on Debian 12: x = torch.ones(2, requires_grad=True); z = x + x
// repr(z.grad_fn)                        -> '<AddBackward0 object at 0x7f2baf3b6500>'
// IPython.lib.pretty.pretty(z.grad_fn)   -> '<AddBackward0 at 0x7f2baf3b6500>'
// pretty([z.grad_fn, None])              -> '[<AddBackward0 at 0x7f2baf3b6500>, None]'
TEST_CASE("an object printed by object.__repr__: a grad_fn node", "[object]") {
  const Object fn(pyrepr::Instance{"AddBackward0", 0x7f2baf3b6500});
  CHECK(repr(fn) == "<AddBackward0 object at 0x7f2baf3b6500>");
  CHECK(str(fn) == repr(fn));
  CHECK(pretty(fn) == "<AddBackward0 at 0x7f2baf3b6500>");
  CHECK(pretty(List{fn, None{}}) == "[<AddBackward0 at 0x7f2baf3b6500>, None]");
  CHECK(repr(Tuple{{fn}}) == "(<AddBackward0 object at 0x7f2baf3b6500>,)");

  // A live node: its own name and address; None without one.
  const at::Tensor x = at::ones({2}).set_requires_grad(true);
  const at::Tensor z = x + x;
  const Object node(z.grad_fn());
  REQUIRE(node.is<pyrepr::Instance>());
  CHECK(node.as<pyrepr::Instance>().type_name == "AddBackward0");
  CHECK(node.as<pyrepr::Instance>().address == reinterpret_cast<std::uintptr_t>(z.grad_fn().get()));
  CHECK(repr(Object(x.grad_fn())) == "None");
}

// What IPython 8 (Debian 12) and Python print, measured:
//   rt = torch.max(torch.tensor([[1., 5.], [3., 2.]]), 1)
//   repr(rt), pretty(rt), pretty([rt, rt]); o = OrderedDict(a=1); o['me'] = o
TEST_CASE("torch.return_types and containers that contain themselves", "[object]") {
  const pyrepr::StructSeq max{"torch.return_types.max",
                              {{"values", Object(at::tensor({5.f, 3.f}))},
                               {"indices", Object(at::tensor({int64_t{1}, int64_t{0}}))}}};
  const Object rt(max);
  CHECK(repr(rt) == "torch.return_types.max(\nvalues=tensor([5., 3.]),\nindices=tensor([1, 0]))");
  CHECK(pretty(rt) == repr(rt));
  CHECK(pretty(Object(List{rt, rt})) ==
        "[torch.return_types.max(\n values=tensor([5., 3.]),\n indices=tensor([1, 0])),\n"
        " torch.return_types.max(\n values=tensor([5., 3.]),\n indices=tensor([1, 0]))]");

  using Of = pyrepr::Recursive::Of;
  const pyrepr::PrintOptionsGuard guard(under_python(3, 11));  // OrderedDict([...]) below
  CHECK(repr(Object(List{1, pyrepr::Recursive{Of::List}})) == "[1, [...]]");
  Dict d;
  d.items.emplace_back("d", pyrepr::Recursive{Of::Dict});
  CHECK(repr(Object(d)) == "{'d': {...}}");
  CHECK(pretty(Object(d)) == "{'d': {...}}");
  Dict o;
  o.ordered = true;
  o.items.emplace_back("a", 1);
  o.items.emplace_back("me", pyrepr::Recursive{Of::OrderedDict});
  CHECK(repr(Object(o)) == "OrderedDict([('a', 1), ('me', ...)])");
  CHECK(pretty(Object(o)) == "OrderedDict([('a', 1), ('me', OrderedDict(...))])");
  CHECK(repr(Object(pyrepr::Tuple{{Object(List{pyrepr::Recursive{Of::Tuple}})}})) == "([(...)],)");
}

TEST_CASE("an IntList prints as the list of ints it stands for", "[object]") {
  // Python: repr([7, -2**31, 2**31 - 1, 2**40, -2**63]) and its pretty()
  auto ints = std::make_shared<pyrepr::PackedInts>();
  for (const int64_t v : {int64_t{7}, int64_t{-2147483648LL}, int64_t{2147483647LL}})
    ints->push_back(v);
  CHECK(ints->size() == 3);
  CHECK((*ints)[1] == -2147483648LL);
  ints->push_back(int64_t{1} << 40);  // 64 bits from here on: the values stay
  ints->push_back(INT64_MIN);
  CHECK(ints->size() == 5);
  CHECK((*ints)[0] == 7);
  CHECK((*ints)[3] == (int64_t{1} << 40));
  const pyrepr::Object packed(pyrepr::IntList{ints});
  const std::string want = "[7, -2147483648, 2147483647, 1099511627776, -9223372036854775808]";
  CHECK(pyrepr::repr(packed) == want);
  CHECK(pyrepr::repr(pyrepr::Object(pyrepr::List{pyrepr::Object(pyrepr::IntList{ints})})) ==
        "[" + want + "]");
  CHECK(pyrepr::pretty(packed) == want);
  CHECK(pyrepr::repr(pyrepr::Object(pyrepr::IntList{std::make_shared<pyrepr::PackedInts>()})) ==
        "[]");
}

TEST_CASE("format_chunks hands print's text over in pieces of about the size asked", "[object]") {
  auto ints = std::make_shared<pyrepr::PackedInts>();
  for (int64_t v = 0; v < 100000; ++v) ints->push_back(v * 7919 % 65536);
  pyrepr::List items;
  for (int64_t v = 0; v < 3000; ++v) items.emplace_back(std::to_string(v));
  const pyrepr::Object obj(
      pyrepr::Dict{{{pyrepr::Object("ints"), pyrepr::Object(pyrepr::IntList{ints})},
                    {pyrepr::Object("strs"), pyrepr::Object(items)}}});
  std::string whole;
  size_t pieces = 0;
  size_t largest = 0;
  pyrepr::format_chunks(
      obj,
      [&](std::string_view piece) {
        whole.append(piece);
        ++pieces;
        largest = std::max(largest, piece.size());
      },
      4096);
  CHECK(whole == pyrepr::str(obj));
  CHECK(pieces > whole.size() / 4200);  // a piece ends at the first item boundary past 4096
  CHECK(largest < 4096 + 32);
}
