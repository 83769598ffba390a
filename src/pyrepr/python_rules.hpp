// Internal (pyrepr::load): rules of Python's own that the pickle interpreter
// follows: which bytes its utf-8 codec accepts, when two dict keys are the
// same key, and the latin-1 codec (_codecs.encode in a pickle).
#pragma once

#include <cstddef>
#include <string>

#include "pyrepr/pickle_value.hpp"

namespace pyrepr::detail {

// UTF-8 as Python's 'utf-8' codec accepts it: with 'surrogatepass' (pickled
// str) encoded surrogates are allowed, with 'strict' (GLOBAL names) not.
bool valid_utf8(const unsigned char* s, size_t n, bool surrogatepass);

// Canonical text of a dict key: equal Python keys (1 == 1.0 == True) give
// equal texts; unhashable keys (list, dict) are refused as Python does.
// Keys nested deeper than max_depth are refused.
std::string dict_key(const Node* k, int depth, int max_depth);

// str.encode('latin-1') of UTF-8 text: its code points (all < 256) as bytes;
// fails as Python does for any other code point.
std::string latin1_encode(const std::string& s);

}  // namespace pyrepr::detail
