// Internal (pyrepr::torch): the core's dtypes (include/pyrepr/dtype.hpp) and the
// at::ScalarType of the LibTorch compiled against, both ways.
#pragma once

#include <c10/core/ScalarType.h>

#include <optional>
#include <string>

#include "pyrepr/dtype.hpp"

namespace pyrepr::detail {

// The ScalarType named `c10_name` if the LibTorch compiled against has it.
std::optional<at::ScalarType> built_scalar_type(const std::string& c10_name);

// The ScalarType of a dtype; one error line when this build's LibTorch does
// not have it (1.13 has no float8 or uint16).
at::ScalarType scalar_type_of(const DType& d);

// The dtype of a ScalarType (dtypes::float32 for at::kFloat); one error line
// for a ScalarType the table does not have.
const DType& dtype_of(at::ScalarType st);

}  // namespace pyrepr::detail
