// ptcat diff A B: two loaded files compared value by value, by key path
// (keys.hpp), A as the actual and B as the expected values, by the rules of
// torch.testing.assert_close(A_value, B_value): tensors must have the same
// dtype and shape, and their values must be close, |a - b| <= atol + rtol *
// |b| (nan never close), with assert_close's default rtol and atol for the
// dtype unless both are given, in the arithmetic of the release whose
// rules apply (closeness.hpp). Other values (ints, strings, ...) must have
// the same repr. As in assert_close, any two mappings (dict, OrderedDict) or
// two sequences (list, tuple) compare by their items; a mapping against a
// sequence, or a container against anything else, differ in type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "closeness.hpp"
#include "pyrepr/object.hpp"

namespace ptcat {

struct DiffOptions {
  std::optional<double> rtol, atol;  // both or neither
  std::vector<std::string> globs;    // --key
  unsigned threads = 1;
  AssertCloseRules rules = assert_close_rules(pyrepr::built_in_rules().torch);
};

struct DiffEntry {
  enum class Status {
    Equal,         // equal, or close within tolerance
    NotClose,      // tensors: some values are not close
    OnlyActual,    // the key is only in A
    OnlyExpected,  // only in B
    DType,         // tensors of different dtypes
    Shape,         // tensors of different shapes
    Type,          // values of different types
    Value,         // other values with different reprs
    NotCompared,   // a tensor ptcat can't compare (why in `detail`)
  };
  std::string key;
  Status status = Status::Equal;
  std::string actual, expected;        // DType, Shape, Type, Value: what each side has
  std::string detail;                  // NotCompared: why
  std::optional<Closeness> closeness;  // tensors whose values were compared
};

// The entries in A's order, then those only in B. Values inside a container
// only one side has are not listed apart.
std::vector<DiffEntry> diff(const pyrepr::Object& a, const pyrepr::Object& b,
                            const DiffOptions& options);

// "equal", "not_close", "only_actual", ... (the JSON schema's names).
const char* status_name(DiffEntry::Status s);

}  // namespace ptcat
