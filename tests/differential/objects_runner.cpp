// Differential test of the Object model: every case of a file written by
// gen_objects.py, (value, repr, str, text/plain, print output), is loaded
// with pyrepr::load and its repr/str/pretty/print_to are compared, byte for
// byte, with Python's.
//   objects_runner CASES.pt...
// Prints each mismatch (case index, the value, both strings) and a summary
// line; exits 1 on any mismatch, 2 if a file cannot be read.
#include <exception>
#include <iostream>
#include <sstream>
#include <string>

#include "pyrepr/load.hpp"
#include "pyrepr/object.hpp"

namespace {

// As in gen_objects.py: print(value, 'x', value, sep=PRINT_SEP, end=PRINT_END).
const char* const kPrintSep = " | ";
const char* const kPrintEnd = "<end>\n";
constexpr int kMaxReported = 40;

struct Counts {
  long cases = 0;
  long mismatches = 0;
};

void check(Counts& counts, const std::string& file, size_t index, const char* what,
           const std::string& value_repr, const std::string& expected, const std::string& got) {
  if (expected == got) return;
  if (++counts.mismatches > kMaxReported) return;
  std::cout << "MISMATCH " << file << " case " << index << " " << what << "\n"
            << "  value (Python repr): " << value_repr << "\n"
            << "--- Python " << what << " (repr of the string): " << pyrepr::str_repr(expected)
            << "\n--- pyrepr " << what << " (repr of the string): " << pyrepr::str_repr(got)
            << "\n--- Python:\n"
            << expected << "\n--- pyrepr:\n"
            << got << "\n";
}

const std::string& field(const std::vector<pyrepr::Object>& items, size_t i) {
  if (!items[i].is<std::string>()) throw std::runtime_error("expected strings are not str");
  return items[i].as<std::string>();
}

void run_file(const std::string& path, Counts& counts) {
  const pyrepr::Object root = pyrepr::load(path);
  if (!root.is<pyrepr::List>()) throw std::runtime_error("not a list of cases");
  const auto& cases = root.as<pyrepr::List>();
  for (size_t i = 0; i < cases.size(); ++i) {
    if (!cases[i].is<pyrepr::Tuple>() || cases[i].as<pyrepr::Tuple>().items.size() != 5) {
      throw std::runtime_error("case " + std::to_string(i) + " is not a 5-tuple");
    }
    const auto& items = cases[i].as<pyrepr::Tuple>().items;
    const pyrepr::Object& value = items[0];
    const std::string& py_repr = field(items, 1);
    ++counts.cases;
    check(counts, path, i, "repr", py_repr, py_repr, pyrepr::repr(value));
    check(counts, path, i, "str", py_repr, field(items, 2), pyrepr::str(value));
    check(counts, path, i, "pretty", py_repr, field(items, 3), pyrepr::pretty(value));
    std::ostringstream printed;
    pyrepr::print_to(printed, {value, "x", value}, pyrepr::PrintKw{kPrintSep, kPrintEnd});
    check(counts, path, i, "print", py_repr, field(items, 4), printed.str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: objects_runner CASES.pt...\n";
    return 2;
  }
  Counts counts;
  for (int a = 1; a < argc; ++a) {
    try {
      run_file(argv[a], counts);
    } catch (const std::exception& e) {
      std::cerr << "objects_runner: " << argv[a] << ": " << e.what() << "\n";
      return 2;
    }
  }
  if (counts.mismatches > kMaxReported) {
    std::cout << "(only the first " << kMaxReported << " mismatches are shown)\n";
  }
  std::cout << "objects_runner: " << counts.cases << " cases, " << counts.mismatches
            << " mismatches\n";
  return counts.mismatches ? 1 : 0;
}
