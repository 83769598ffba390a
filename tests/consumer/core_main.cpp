// A consumer of pyrepr's core alone: pyrepr::pyrepr, no LibTorch. Prints the
// torch.save file it is given as print(torch.load(FILE)) does.
#include <exception>
#include <iostream>
#include <pyrepr/core.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer_core FILE.pt\n";
    return 2;
  }
  try {
    pyrepr::print(pyrepr::load(argv[1]));
  } catch (const std::exception& e) {
    std::cerr << "consumer_core: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
