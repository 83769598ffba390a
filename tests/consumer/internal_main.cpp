// Must not compile: pyrepr's internal headers (src/pyrepr/{core,load,torch}/)
// are neither installed nor on a consumer's include path. test_consumer.py
// builds this and expects the compiler to say the header is not found.
#include "pyrepr/load/unpickler.hpp"

int main() { return 0; }
