// A consumer of pyrepr: the umbrella header, pyrepr::torch, Python's repr.
#include <ATen/ATen.h>

#include <iostream>
#include <pyrepr/pyrepr.hpp>
#include <string>

int main() {
  const at::Tensor t = at::arange(6, at::kFloat).reshape({2, 3}) / 3;
  std::cout << pyrepr::repr(t) << '\n';  // print(torch.arange(6.).reshape(2, 3) / 3)
  std::string text;
  pyrepr::format_to(std::back_inserter(text), pyrepr::Object(pyrepr::List{1, "two", 3.5}));
  pyrepr::print(text);  // print([1, 'two', 3.5])
  return 0;
}
