// Internal (pyrepr::load): how the reader fails. Every failure is one
// LoadError with a one-line message; text from the file is shown escaped.
#pragma once

#include <string>

namespace pyrepr::detail {

// Throws LoadError(msg).
[[noreturn]] void fail(const std::string& msg);

// The first line of an exception's message (c10::Error has a backtrace).
std::string first_line(const std::string& s);

// Text from the file, shown in a message: printable ASCII kept, every other
// byte escaped, at most 80 characters.
std::string printable(const std::string& s);

}  // namespace pyrepr::detail
