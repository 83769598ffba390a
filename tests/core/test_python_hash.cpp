// pyrepr::python_hash_secret, python_str_hash and python_set_order against
// values printed by Debian 12's /usr/bin/python3 (3.11.2);
// tests/differential/run_python_hash.py checks thousands more against the live
// Python. The commands are given above each value.
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>
#include "catch.hpp"

#include "pyrepr/python_hash.hpp"

using pyrepr::python_hash_secret;
using pyrepr::python_set_order;
using pyrepr::python_str_hash;

TEST_CASE("python_hash: python_hash_secret is _Py_HashSecret under PYTHONHASHSEED=N",
          "[python_hash]") {
  // for N in 0 1 4294967295; do PYTHONHASHSEED=$N python3 -c "import ctypes;
  //   print(list((ctypes.c_ubyte*24).in_dll(ctypes.pythonapi, '_Py_HashSecret')))"; done
  CHECK(python_hash_secret(0) == std::array<uint8_t, 24>{});
  CHECK(python_hash_secret(1) == std::array<uint8_t, 24>{41,  35,  190, 132, 225, 108, 214, 174,
                                                         82,  144, 73,  241, 241, 187, 233, 235,
                                                         179, 166, 219, 60,  135, 12,  62,  153});
  CHECK(python_hash_secret(4294967295u) ==
        std::array<uint8_t, 24>{35,  43,  46,  133, 76, 190, 133, 141, 82, 152, 113, 152,
                                251, 119, 137, 119, 47, 180, 142, 115, 88, 26,  240, 204});
}

TEST_CASE("python_hash: python_str_hash is hash(str) for each PEP 393 kind", "[python_hash]") {
  // PYTHONHASHSEED=N python3 -c "print(hash('a'), hash('When'), hash('é'), hash('中文'),
  //   hash('😀'), hash(''), hash('abcdefgh'))"   for N = 0, 12345
  CHECK(python_str_hash("a", 0) == 4644417185603328019);
  CHECK(python_str_hash("When", 0) == 2784395940654300510);
  CHECK(python_str_hash("\xc3\xa9", 0) == 6047309291227476195);                 // 'é': latin-1
  CHECK(python_str_hash("\xe4\xb8\xad\xe6\x96\x87", 0) == 501833946989431548);  // UCS-2
  CHECK(python_str_hash("\xf0\x9f\x98\x80", 0) == -3536540696076613844);        // UCS-4
  CHECK(python_str_hash("", 0) == 0);
  CHECK(python_str_hash("abcdefgh", 0) == 4574395652268504554);  // one whole 8-byte block
  CHECK(python_str_hash("a", 12345) == -8961251314296359281);
  CHECK(python_str_hash("When", 12345) == -5571499668105409958);
  CHECK(python_str_hash("\xc3\xa9", 12345) == 6247654839523334371);
  CHECK(python_str_hash("\xe4\xb8\xad\xe6\x96\x87", 12345) == 6949226425477596656);
  CHECK(python_str_hash("\xf0\x9f\x98\x80", 12345) == 4293605015213982892);
  CHECK(python_str_hash("", 12345) == 0);
  CHECK(python_str_hash("abcdefgh", 12345) == 1658905534166424097);

  CHECK_THROWS_AS(python_str_hash("\xff", 0), std::invalid_argument);
  CHECK_THROWS_AS(python_str_hash("\xc3", 0), std::invalid_argument);              // truncated
  CHECK_THROWS_AS(python_str_hash("\xc0\xaf", 0), std::invalid_argument);          // overlong
  CHECK_THROWS_AS(python_str_hash("\xed\xa0\x80", 0), std::invalid_argument);      // surrogate
  CHECK_THROWS_AS(python_str_hash("\xf4\x90\x80\x80", 0), std::invalid_argument);  // > U+10FFFF
}

TEST_CASE("python_hash: python_set_order is list(set(words))", "[python_hash]") {
  const std::vector<std::string> words = {"the",  "quick", "brown", "fox", "jumps",
                                          "over", "the",   "lazy",  "dog"};
  // PYTHONHASHSEED=0 python3 -c "print(list(set(['the', 'quick', 'brown', 'fox', 'jumps',
  //   'over', 'the', 'lazy', 'dog'])))"
  CHECK(python_set_order(words, 0) ==
        std::vector<std::string>{"brown", "fox", "the", "over", "quick", "jumps", "lazy", "dog"});
  // The same with PYTHONHASHSEED=12345
  CHECK(python_set_order(words, 12345) ==
        std::vector<std::string>{"jumps", "over", "dog", "the", "fox", "quick", "brown", "lazy"});
  CHECK(python_set_order({}, 0).empty());
  CHECK_THROWS_AS(python_set_order({"ok", "\x80"}, 0), std::invalid_argument);
}
