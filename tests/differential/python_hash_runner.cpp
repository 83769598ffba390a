// Differential test of pyrepr::python_str_hash and pyrepr::python_set_order:
// reads the cases of run_python_hash.py on stdin, one a line, and prints
// pyrepr's answer to each, one a line, for the driver to compare with the
// answers of Python run with PYTHONHASHSEED=N. Strings are 'x' + the hex of
// their UTF-8.
//   hash N xHEX          -> hash(s) under PYTHONHASHSEED=N, in decimal
//   set N xHEX xHEX ...  -> list(set(words)), as the same tokens
// Exits 2 on a line it cannot read.
#include <cstdint>
#include <exception>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "pyrepr/python_hash.hpp"

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  throw std::runtime_error("bad hex digit");
}

std::string decode(const std::string& token) {
  if (token.empty() || token[0] != 'x' || token.size() % 2 != 1) {
    throw std::runtime_error("bad string token '" + token + "'");
  }
  std::string s;
  for (size_t i = 1; i < token.size(); i += 2) {
    s.push_back(static_cast<char>(hex_digit(token[i]) * 16 + hex_digit(token[i + 1])));
  }
  return s;
}

std::string encode(const std::string& s) {
  static const char* const kDigits = "0123456789abcdef";
  std::string token = "x";
  for (unsigned char c : s) {
    token.push_back(kDigits[c >> 4]);
    token.push_back(kDigits[c & 15]);
  }
  return token;
}

uint32_t parse_seed(const std::string& text) {
  size_t used = 0;
  const unsigned long long n = std::stoull(text, &used);
  if (used != text.size() || n > 4294967295ULL) throw std::runtime_error("bad seed " + text);
  return static_cast<uint32_t>(n);
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  long line_no = 0;
  std::string out;
  while (std::getline(std::cin, line)) {
    ++line_no;
    try {
      std::istringstream fields(line);
      std::string kind;
      std::string seed_text;
      fields >> kind >> seed_text;
      const uint32_t seed = parse_seed(seed_text);
      std::vector<std::string> strings;
      for (std::string token; fields >> token;) strings.push_back(decode(token));
      if (kind == "hash" && strings.size() == 1) {
        out += std::to_string(pyrepr::python_str_hash(strings[0], seed));
      } else if (kind == "set") {
        const std::vector<std::string> order = pyrepr::python_set_order(strings, seed);
        for (size_t i = 0; i < order.size(); ++i) {
          if (i) out += ' ';
          out += encode(order[i]);
        }
      } else {
        throw std::runtime_error("not a case");
      }
      out += '\n';
    } catch (const std::exception& e) {
      std::cerr << "python_hash_runner: line " << line_no << ": " << e.what() << "\n";
      return 2;
    }
  }
  std::cout << out;
  return 0;
}
