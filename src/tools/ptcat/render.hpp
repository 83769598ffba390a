// ptcat: one file's output, kept until it is whole (Spool), and the print
// mode: print(torch.load(FILE)), or with --key the dict of what the globs
// select.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pyrepr/object.hpp"

namespace ptcat {

// One file's text, kept until it is whole, so that it is written whole or
// not at all: in memory up to 4 MB, then in a temporary file (in memory
// after all when none can be made), so that a list of millions of values
// costs no memory for its text.
class Spool {
 public:
  void write(std::string_view s);
  // Writes the text to `out`; false if it could not be written.
  bool write_to(std::FILE* out);

 private:
  struct Close {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  void to_file();
  std::string memory_;
  std::unique_ptr<std::FILE, Close> file_;
  bool no_file_ = false;  // none could be made
};

// Python's requires_grad_() on every tensor in the value (the message of
// Python's error for the tensors that can't).
void require_grad(pyrepr::Object& obj);

// What print() writes: of the whole value, or with globs of the dict
// {key: value} of the outermost values they select, in file order.
void render(Spool& out, const pyrepr::Object& obj, const std::vector<std::string>& globs);

}  // namespace ptcat
