// libFuzzer target: a torch.save file that shrinks after it is loaded.
//
// Input: 4 bytes (little-endian) choose where the file is cut, 1 byte
// whether the cut comes before pyrepr::load (0) or between load and the
// print (any other value), the rest is the file. The file is written to a
// temporary path, loaded (mapped), cut with truncate() as a training job's
// torch.save cuts its checkpoint, then printed. load and every print must
// either succeed or throw pyrepr::LoadError (one line); a vanished page of
// the mapping must never become a signal (mapped_file.hpp).
#include <sys/types.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "pyrepr/core.hpp"
#include "pyrepr/load.hpp"

namespace {

std::string temp_path() {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/fuzz_changing_" + std::to_string(::getpid()) +
         ".pt";
}

void check_message(const pyrepr::LoadError& e) {
  if (std::string(e.what()).find('\n') != std::string::npos) {
    std::fprintf(stderr, "LoadError message with a newline: %s\n", e.what());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  const uint32_t cut_seed = static_cast<uint32_t>(data[0]) | (static_cast<uint32_t>(data[1]) << 8) |
                            (static_cast<uint32_t>(data[2]) << 16) |
                            (static_cast<uint32_t>(data[3]) << 24);
  const bool after_load = data[4] != 0;
  const size_t n = size - 5;
  const auto cut = static_cast<off_t>(cut_seed % (n + 1));

  static const std::string path = temp_path();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (n > 0 && std::fwrite(data + 5, 1, n, f) != n) std::abort();
  std::fclose(f);

  pyrepr::Object obj;
  try {
    if (!after_load && ::truncate(path.c_str(), cut) != 0) std::abort();
    obj = pyrepr::load(path);
    if (after_load && ::truncate(path.c_str(), cut) != 0) std::abort();
  } catch (const pyrepr::LoadError& e) {
    check_message(e);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "load threw something other than LoadError: %s\n", e.what());
    std::abort();
  }
  try {
    (void)pyrepr::str(obj);
    (void)pyrepr::pretty(obj);
  } catch (const pyrepr::LoadError& e) {
    check_message(e);
  } catch (const std::exception&) {  // a value Python refuses to print, as it raises
  }
  return 0;
}
