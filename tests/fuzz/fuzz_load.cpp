// libFuzzer target: arbitrary bytes as a torch.save file.
//
// pyrepr::load_bytes must either return a value or throw pyrepr::LoadError
// (its documented contract: every failure to read is a LoadError); the value
// is then printed as print() and IPython would print it. Anything else (a
// crash, a sanitizer report, another exception escaping load_bytes, a leak,
// a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "pyrepr/core.hpp"
#include "pyrepr/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  pyrepr::Object obj;
  try {
    obj = pyrepr::load_bytes(bytes);
  } catch (const pyrepr::LoadError& e) {
    // The message is one line.
    if (std::string(e.what()).find('\n') != std::string::npos) {
      std::fprintf(stderr, "LoadError message with a newline: %s\n", e.what());
      std::abort();
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "load_bytes threw something other than LoadError: %s\n", e.what());
    std::abort();
  }
  // What ptcat and a notebook cell print. Printing may refuse a value (as
  // Python raises for it) with an exception; it must not crash.
  try {
    const std::string printed = pyrepr::str(obj);
    const std::string shown = pyrepr::pretty(obj);
    if (pyrepr::repr(obj).empty()) std::abort();  // every Python repr has a character
    (void)printed;
    (void)shown;
  } catch (const std::exception&) {
  }
  return 0;
}
