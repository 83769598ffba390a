// bilstm_crf's fused autograd nodes (bilstm_crf_fast.cpp), in a file of their
// own: an edit to the lesson's cells recompiles only bilstm_crf.cpp, and the
// nodes' templates (torch::autograd::Function<T>::apply) are instantiated here only.
//
// The fast path of the default run: the page's forward algorithm and gold
// score, with the very float operations autograd would do, but as one
// autograd node instead of ~40 per (word, tag).
//
// The page builds, per word and per next tag, about 18 tiny tensors and 15
// autograd nodes; in Python and in C++ alike, the time goes to creating and
// running them, not to arithmetic on 5 numbers. CrfNegLogLikelihood computes
// the same loss in plain float loops and writes its own backward, which
// repeats, one by one, the float operations of the nodes it replaces:
//   - forward: v = (forward_var + transitions[j]) + feat[j]; m = v[argmax]
//     (first maximum, as torch.max); e = exp(v - m); s = sum(e); m + log(s).
//     exp and log are LibTorch's own kernels (at::exp_out, at::log_out),
//     called on rows of the same length as the page's, so they return the
//     same bits; a sum of n < 8 floats is ATen's row_sum order:
//     (((x0 + x4) + x1) + x2) + x3 for n = 5.
//   - backward: each node's formula (LogBackward0: grad / s; SumBackward0:
//     expand; ExpBackward0: grad * e; SubBackward0: grad and -grad;
//     ExpandBackward0: sum_to; SelectBackward0: zeros with one slot set), and
//     a tensor that several nodes feed gets their gradients added in the order
//     the engine runs them: by decreasing sequence number, i.e. the reverse of
//     the order the forward pass created them (the gold score's nodes first,
//     then the terminal step, then the last word's tags from the last down).
// The loss, the gradients and so every number of the 300 epochs are those of
// the page's graph bit for bit (--op-by-op runs that graph; the parity tests
// check the printed scores against Python's).
#pragma once

#include <ATen/ATen.h>
#include <torch/csrc/autograd/variable.h>

#include <cstdint>

namespace bilstm_crf::fast {

// The page's loss, _forward_alg(feats) - _score_sentence(feats, tags), as one node:
// feats (L, T), transitions (T, T), tags: the gold tags with START first (L + 1).
at::Tensor crf_neg_log_likelihood(const at::Tensor& feats, const at::Tensor& transitions,
                                  const at::Tensor& tags, int64_t start, int64_t stop);

// The same for VECTORIZED (_forward_alg_vectorized and the vectorized gold score).
at::Tensor crf_neg_log_likelihood_vectorized(const at::Tensor& feats, const at::Tensor& transitions,
                                             const at::Tensor& tags, int64_t start, int64_t stop);

// Whether bilstm() repeats nn.LSTM's kernels call for call at these sizes.
bool bilstm_applies(int64_t embedding, int64_t hidden);

// nn.LSTM(E, H, bidirectional=True) on x (L, 1, E) from h0, c0 (2, 1, H), as one node:
// {out, h_n, c_n}. Then w_ih, w_hh, b_ih, b_hh, and the same _reverse.
torch::autograd::variable_list bilstm(const at::Tensor& x, const at::Tensor& h0,
                                      const at::Tensor& c0, const at::Tensor& w_ih,
                                      const at::Tensor& w_hh, const at::Tensor& b_ih,
                                      const at::Tensor& b_hh, const at::Tensor& w_ih_r,
                                      const at::Tensor& w_hh_r, const at::Tensor& b_ih_r,
                                      const at::Tensor& b_hh_r);

}  // namespace bilstm_crf::fast
