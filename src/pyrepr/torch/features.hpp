// What the LibTorch being compiled against has, where releases differ.
// Feature tests on its headers, not version numbers.
#pragma once

// Named tensors (Tensor::names(), refine_names, at::Dimname): removed in 2.14.
#if __has_include(<ATen/core/Dimname.h>)
#define PYREPR_HAS_NAMED_TENSORS 1
#else
#define PYREPR_HAS_NAMED_TENSORS 0
#endif

// The version of the LibTorch compiled against (TORCH_VERSION_MAJOR/MINOR),
// for what no header tells apart.
#include <torch/version.h>
#define PYREPR_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) ||         \
   (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

// c10::WarningHandler::process takes one c10::Warning (2.0 and later), not
// (SourceLocation, message, verbatim) as in 1.13, and WarningHandlerGuard is
// in c10::WarningUtils, not in the namespace c10::Warning.
#define PYREPR_WARNING_HANDLER_TAKES_WARNING PYREPR_TORCH_AT_LEAST(2, 0)
