// What the LibTorch being compiled against has, where releases differ.
// Feature tests on its headers, not version numbers.
#pragma once

// Named tensors (Tensor::names(), refine_names, at::Dimname): removed in 2.14.
#if __has_include(<ATen/core/Dimname.h>)
#define PYREPR_HAS_NAMED_TENSORS 1
#else
#define PYREPR_HAS_NAMED_TENSORS 0
#endif
