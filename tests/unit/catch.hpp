// Catch2 2.x (Debian 12) or 3.x (Debian 13 and later), one spelling for the
// tests: Catch2 3 split the single header and renamed the string matchers.
#pragma once

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>

#include <string>
namespace Catch {
inline Matchers::StringContainsMatcher Contains(const std::string& s) {
  return Matchers::ContainsSubstring(s);
}
inline Matchers::StartsWithMatcher StartsWith(const std::string& s) {
  return Matchers::StartsWith(s);
}
}  // namespace Catch
#else
#include <catch2/catch.hpp>
#endif
