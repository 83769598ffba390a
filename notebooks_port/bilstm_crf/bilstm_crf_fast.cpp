// bilstm_crf's fused autograd nodes: bilstm_crf_fast.hpp says what they compute
// and why their numbers are the page's graph's, bit for bit.
#include "bilstm_crf_fast.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace bilstm_crf::fast {
namespace {

using torch::Tensor;

constexpr int64_t kRowPad = 16;  // each exp row alone in its own 16-float row

// ATen's sum of n floats in a row (cascade_sum -> row_sum: 4 partial sums, the
// tail into the first): ((((x0 + x4) + x1) + x2) + x3) for n = 5. ATen takes
// this path for a contiguous row of n < 8 floats, and for the columns left
// over in column_sums (n < 16 rows).
float row_sum(const float* x, int64_t n, int64_t stride = 1) {
  float partial[4] = {0.f, 0.f, 0.f, 0.f};
  const int64_t head = (n / 4) * 4;
  for (int64_t i = 0; i < head; ++i) partial[i % 4] = partial[i % 4] + x[i * stride];
  for (int64_t i = head; i < n; ++i) partial[0] = partial[0] + x[i * stride];
  for (int k = 1; k < 4; ++k) partial[0] = partial[0] + partial[k];
  return partial[0];
}

// ATen's column sums of a (rows, cols) matrix, rows < 16 (sum(0, keepdim=True):
// scalar_outer_sum): four columns at a time added row after row, the columns
// left over by row_sum.
void column_sums(const float* x, int64_t rows, int64_t cols, float* out) {
  int64_t c = 0;
  for (; c + 3 < cols; c += 4) {
    for (int64_t k = c; k < c + 4; ++k) {
      float acc = 0.f;
      for (int64_t r = 0; r < rows; ++r) acc = acc + x[r * cols + k];
      out[k] = acc;
    }
  }
  for (; c < cols; ++c) out[c] = row_sum(x + c, rows, cols);
}

// A gradient buffer fed by several nodes: the first gradient is stored, each
// later one added element by element (autograd's InputBuffer).
struct Accumulator {
  std::vector<float> value;
  bool empty = true;
  explicit Accumulator(size_t n) : value(n, 0.f) {}
  // A gradient that is zero but for `count` entries from `at`.
  void add(size_t at, const float* grad, size_t count) {
    if (empty) {
      std::fill(value.begin(), value.end(), 0.f);
      std::copy(grad, grad + count, value.begin() + static_cast<std::ptrdiff_t>(at));
      empty = false;
      return;
    }
    for (size_t i = 0; i < value.size(); ++i) {
      const bool inside = i >= at && i < at + count;
      value[i] = value[i] + (inside ? grad[i - at] : 0.f);
    }
  }
};

// log_sum_exp's backward for one row of T scores v, given the gradient of its
// result: from forward, e = exp(v - max) and s = sum(e) (ATen's row_sum), k =
// the max's index. out = v's gradient; neg: T floats of scratch. Both CRF
// nodes' backward, per tag (loop) or per row (vectorized): the same graph.
void lse_row_backward(const float* e, float s, int64_t k, int64_t T, float grad, float* out,
                      float* neg) {
  const float gs = grad / s;                           // LogBackward0, SumBackward0
  for (int64_t i = 0; i < T; ++i) out[i] = gs * e[i];  // ExpBackward0
  for (int64_t i = 0; i < T; ++i) neg[i] = -out[i];    // SubBackward0 (the max's side)
  const float gm = grad + row_sum(neg, T);             // the max's two gradients
  for (int64_t i = 0; i < T; ++i) out[i] = out[i] + (i == k ? gm : 0.f);  // Select/MaxBackward0
}

// What both CRF nodes keep from forward for backward: each step's exps (e),
// sums (s) and argmaxes (k), the tags and STOP's index; read back as the
// arrays backward walks (L words, T tags).
struct CrfSaved {
  static void save(torch::autograd::AutogradContext* ctx, const Tensor& e_all, const Tensor& s_all,
                   const Tensor& k_all, const Tensor& tags, int64_t stop) {
    ctx->saved_data["e"] = e_all;
    ctx->saved_data["s"] = s_all;
    ctx->saved_data["k"] = k_all;
    ctx->saved_data["tags"] = tags;
    ctx->saved_data["stop"] = stop;
  }

  explicit CrfSaved(torch::autograd::AutogradContext* ctx)
      : e_all(ctx->saved_data["e"].toTensor()),
        s_all(ctx->saved_data["s"].toTensor()),
        k_all(ctx->saved_data["k"].toTensor()),
        tags(ctx->saved_data["tags"].toTensor()),
        stop(ctx->saved_data["stop"].toInt()),
        L(e_all.size(0) - 1),
        T(e_all.size(1)),
        E(e_all.data_ptr<float>()),
        S(s_all.data_ptr<float>()),
        K(k_all.data_ptr<int64_t>()),
        y(tags.data_ptr<int64_t>()),
        TT(static_cast<size_t>(T * T)) {}

  const Tensor e_all, s_all, k_all, tags;  // kept alive while the pointers are used
  const int64_t stop, L, T;
  const float* E;
  const float* S;
  const int64_t* K;
  const int64_t* y;
  const size_t TT;
};

struct CrfNegLogLikelihood : torch::autograd::Function<CrfNegLogLikelihood> {
  // feats (L, T), transitions (T, T), tags: the gold tags with START first (L + 1).
  static Tensor forward(torch::autograd::AutogradContext* ctx, const Tensor& feats,
                        const Tensor& transitions, const Tensor& tags, int64_t start,
                        int64_t stop) {
    const Tensor f = feats.contiguous(), p = transitions.contiguous();
    const int64_t L = f.size(0), T = f.size(1);
    const float* F = f.data_ptr<float>();
    const float* P = p.data_ptr<float>();
    const int64_t* y = tags.data_ptr<int64_t>();

    // Per step (L words, then the terminal step) and next tag: e, s, argmax.
    Tensor e_all = at::empty({L + 1, T, T});
    Tensor s_all = at::empty({L + 1, T});
    Tensor k_all = at::empty({L + 1, T}, at::kLong);
    float* e_data = e_all.data_ptr<float>();
    float* s_data = s_all.data_ptr<float>();
    int64_t* k_data = k_all.data_ptr<int64_t>();

    Tensor d_rows = at::empty({T, kRowPad}), e_rows = at::empty({T, kRowPad});
    Tensor s_cell = at::empty({1}), l_cell = at::empty({1});
    float* d = d_rows.data_ptr<float>();
    const float* ex = e_rows.data_ptr<float>();
    std::vector<float> fv(T, -10000.f), m(T), next(T);
    fv[start] = 0.f;
    auto step = [&](int64_t t, int64_t rows, auto&& score) {
      for (int64_t j = 0; j < rows; ++j) {
        float* v = d + j * kRowPad;
        for (int64_t i = 0; i < T; ++i) v[i] = score(j, i);
        int64_t best = 0;
        for (int64_t i = 1; i < T; ++i) {
          if (v[i] > v[best]) best = i;
        }
        m[j] = v[best];
        for (int64_t i = 0; i < T; ++i) v[i] = v[i] - m[j];
        k_data[t * T + j] = best;
      }
      // exp on `rows` rows of T floats: the kernel runs row by row, as on the page's (1, T)
      Tensor e_out = e_rows.narrow(0, 0, rows).narrow(1, 0, T);
      at::exp_out(e_out, d_rows.narrow(0, 0, rows).narrow(1, 0, T));
      for (int64_t j = 0; j < rows; ++j) {
        float* e = e_data + (t * T + j) * T;
        std::copy(ex + j * kRowPad, ex + j * kRowPad + T, e);
        const float s = row_sum(e, T);
        s_data[t * T + j] = s;
        s_cell.data_ptr<float>()[0] = s;
        at::log_out(l_cell, s_cell);  // log of one float, as the page's 0-dim log
        next[j] = m[j] + l_cell.data_ptr<float>()[0];
      }
    };
    for (int64_t t = 0; t < L; ++t) {
      step(t, T, [&](int64_t j, int64_t i) { return (fv[i] + P[j * T + i]) + F[t * T + j]; });
      fv = next;
    }
    step(L, 1, [&](int64_t, int64_t i) { return fv[i] + P[stop * T + i]; });  // terminal_var
    const float alpha = next[0];

    float gold = 0.f;  // torch.zeros(1), then one addition per term, in the page's order
    for (int64_t i = 0; i < L; ++i) {
      gold = gold + P[y[i + 1] * T + y[i]];
      gold = gold + F[i * T + y[i + 1]];
    }
    gold = gold + P[stop * T + y[L]];

    CrfSaved::save(ctx, e_all, s_all, k_all, tags, stop);
    return at::full({1}, alpha - gold);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const CrfSaved saved(ctx);
    const int64_t stop = saved.stop, L = saved.L, T = saved.T;
    const float *E = saved.E, *S = saved.S;
    const int64_t *K = saved.K, *y = saved.y;
    const size_t TT = saved.TT;

    // loss = forward_score - gold_score (SubBackward0): g and -g
    const float g = grad_outputs[0].contiguous().data_ptr<float>()[0];
    const float minus_g = -g;

    // transitions' gradient: the gold score's selects first (STOP's, then the
    // last word's down to the first), then the forward algorithm's.
    Accumulator grad_p(TT);
    grad_p.add(static_cast<size_t>(stop * T + y[L]), &minus_g, 1);
    for (int64_t i = L - 1; i >= 0; --i)
      grad_p.add(static_cast<size_t>(y[i + 1] * T + y[i]), &minus_g, 1);

    // log_sum_exp's backward for step t, tag j, given the gradient of its result.
    std::vector<float> gv(T), neg(T);
    auto lse_backward = [&](int64_t t, int64_t j, float grad) {
      lse_row_backward(E + (t * T + j) * T, S[t * T + j], K[t * T + j], T, grad, gv.data(),
                       neg.data());
    };

    // Terminal step: gradient g into alpha.
    lse_backward(L, 0, g);
    grad_p.add(static_cast<size_t>(stop * T), gv.data(), static_cast<size_t>(T));
    std::vector<float> grad_fv = gv;  // forward_var's gradient after the last word

    std::vector<float> grad_f(static_cast<size_t>(L * T), 0.f);
    for (int64_t t = L - 1; t >= 0; --t) {
      Accumulator grad_prev(static_cast<size_t>(T));  // forward_var of the step before
      Accumulator grad_row(static_cast<size_t>(T));   // feats[t] (its unbind output)
      for (int64_t j = T - 1; j >= 0; --j) {
        lse_backward(t, j, grad_fv[j]);
        const float emit = row_sum(gv.data(), T);  // ExpandBackward0 of feat[j]
        grad_row.add(static_cast<size_t>(j), &emit, 1);
        grad_p.add(static_cast<size_t>(j * T), gv.data(), static_cast<size_t>(T));
        grad_prev.add(0, gv.data(), static_cast<size_t>(T));
      }
      std::copy(grad_row.value.begin(), grad_row.value.end(), grad_f.begin() + t * T);
      grad_fv = grad_prev.value;
    }

    // feats' gradient: the gold score's (one -g per word) plus the forward algorithm's.
    Tensor grad_feats = at::empty({L, T});
    float* GF = grad_feats.data_ptr<float>();
    for (int64_t t = 0; t < L; ++t) {
      for (int64_t j = 0; j < T; ++j) {
        const float gold = j == y[t + 1] ? minus_g : 0.f;
        GF[t * T + j] = gold + grad_f[static_cast<size_t>(t * T + j)];
      }
    }
    Tensor grad_trans = at::empty({T, T});
    std::copy(grad_p.value.begin(), grad_p.value.end(), grad_trans.data_ptr<float>());
    return {grad_feats, grad_trans, Tensor(), Tensor(), Tensor()};
  }
};

// The same for VECTORIZED: _forward_alg_vectorized (log_sum_exp_rows on a
// (T, T) matrix per word) and the vectorized gold score, as one node. Its
// backward repeats the nodes of that graph: MaxBackward0 puts a row's gradient
// on its maximum, and forward_var's gradient is the column sums of the
// matrix's (AddBackward0 broadcasts forward_var over the rows).
struct CrfNegLogLikelihoodVectorized : torch::autograd::Function<CrfNegLogLikelihoodVectorized> {
  static Tensor forward(torch::autograd::AutogradContext* ctx, const Tensor& feats,
                        const Tensor& transitions, const Tensor& tags, int64_t start,
                        int64_t stop) {
    const Tensor f = feats.contiguous(), p = transitions.contiguous();
    const int64_t L = f.size(0), T = f.size(1);
    const float* F = f.data_ptr<float>();
    const float* P = p.data_ptr<float>();
    const int64_t* y = tags.data_ptr<int64_t>();

    Tensor e_all = at::empty({L + 1, T, T});  // exp(next_tag_var - its row maximum)
    Tensor s_all = at::empty({L + 1, T});     // their row sums
    Tensor k_all = at::empty({L + 1, T}, at::kLong);
    float* e_data = e_all.data_ptr<float>();
    float* s_data = s_all.data_ptr<float>();
    int64_t* k_data = k_all.data_ptr<int64_t>();
    Tensor d = at::empty({T, T}), s_rows = at::empty({T}), l_rows = at::empty({T});
    float* dd = d.data_ptr<float>();
    std::vector<float> fv(T, -10000.f), top(T);
    fv[start] = 0.f;
    // log_sum_exp_rows on `rows` rows of next_tag_var = score(j, i)
    auto lse_rows = [&](int64_t t, int64_t rows, auto&& score) {
      for (int64_t j = 0; j < rows; ++j) {
        float* v = dd + j * T;
        for (int64_t i = 0; i < T; ++i) v[i] = score(j, i);
        int64_t best = 0;
        for (int64_t i = 1; i < T; ++i) {
          if (v[i] > v[best]) best = i;
        }
        top[j] = v[best];
        k_data[t * T + j] = best;
        for (int64_t i = 0; i < T; ++i) v[i] = v[i] - top[j];
      }
      Tensor e = e_all[t].narrow(0, 0, rows);  // contiguous (rows, T), as Python's
      at::exp_out(e, d.narrow(0, 0, rows));
      float* s = s_rows.data_ptr<float>();
      for (int64_t j = 0; j < rows; ++j) {
        s[j] = row_sum(e_data + (t * T + j) * T, T);
        s_data[t * T + j] = s[j];
      }
      Tensor l = l_rows.narrow(0, 0, rows);
      at::log_out(l, s_rows.narrow(0, 0, rows));
    };
    const float* l = l_rows.data_ptr<float>();
    for (int64_t t = 0; t < L; ++t) {
      lse_rows(t, T, [&](int64_t j, int64_t i) { return fv[i] + P[j * T + i]; });
      for (int64_t j = 0; j < T; ++j) fv[j] = (top[j] + l[j]) + F[t * T + j];
    }
    lse_rows(L, 1, [&](int64_t, int64_t i) { return fv[i] + P[stop * T + i]; });
    const float alpha = top[0] + l[0];

    // trans + emit + transitions[STOP, tags[-1]]: the two sums are ATen's own
    Tensor trans = at::empty({L}), emit = at::empty({L});
    for (int64_t i = 0; i < L; ++i) {
      trans.data_ptr<float>()[i] = P[y[i + 1] * T + y[i]];
      emit.data_ptr<float>()[i] = F[i * T + y[i + 1]];
    }
    const float both = at::sum(trans).item<float>() + at::sum(emit).item<float>();
    const float gold = both + P[stop * T + y[L]];

    CrfSaved::save(ctx, e_all, s_all, k_all, tags, stop);
    return at::full({}, alpha - gold);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const CrfSaved saved(ctx);
    const int64_t stop = saved.stop, L = saved.L, T = saved.T;
    const float *E = saved.E, *S = saved.S;
    const int64_t *K = saved.K, *y = saved.y;
    const size_t TT = saved.TT;

    const float g = grad_outputs[0].contiguous().data_ptr<float>()[0];
    const float minus_g = -g;

    // transitions: transitions[STOP, tags[-1]]'s select, then the index's
    // index_put (sums of -g: exact), then the forward algorithm's.
    Accumulator grad_p(TT);
    grad_p.add(static_cast<size_t>(stop * T + y[L]), &minus_g, 1);
    std::vector<float> gold(TT, 0.f);
    for (int64_t i = 0; i < L; ++i) {
      float& cell = gold[static_cast<size_t>(y[i + 1] * T + y[i])];
      cell = cell + minus_g;
    }
    grad_p.add(0, gold.data(), TT);

    // log_sum_exp_rows' backward for `rows` rows of step t; gv: next_tag_var's gradient.
    std::vector<float> gv(TT), neg(static_cast<size_t>(T));
    auto lse_rows_backward = [&](int64_t t, int64_t rows, const float* grad) {
      for (int64_t j = 0; j < rows; ++j) {
        lse_row_backward(E + (t * T + j) * T, S[t * T + j], K[t * T + j], T, grad[j],
                         gv.data() + j * T, neg.data());
      }
    };

    const float one[1] = {g};  // [0]'s SelectBackward0
    lse_rows_backward(L, 1, one);
    grad_p.add(static_cast<size_t>(stop * T), gv.data(), static_cast<size_t>(T));
    std::vector<float> grad_fv(gv.begin(), gv.begin() + T);

    Tensor grad_feats = at::empty({L, T});
    float* GF = grad_feats.data_ptr<float>();
    for (int64_t t = L - 1; t >= 0; --t) {
      for (int64_t j = 0; j < T; ++j) {  // + feat: feats[t]'s gradient, plus the gold's
        GF[t * T + j] = (j == y[t + 1] ? minus_g : 0.f) + grad_fv[j];
      }
      lse_rows_backward(t, T, grad_fv.data());
      grad_p.add(0, gv.data(), TT);
      column_sums(gv.data(), T, T, grad_fv.data());
    }
    Tensor grad_trans = at::empty({T, T});
    std::copy(grad_p.value.begin(), grad_p.value.end(), grad_trans.data_ptr<float>());
    return {grad_feats, grad_trans, Tensor(), Tensor(), Tensor()};
  }
};

// The bidirectional LSTM of the default run, as one autograd node too. In
// LibTorch 1.13 (aten/src/ATen/native/RNN.cpp, CPU) nn.LSTM runs each
// direction as: input_w = addmm(b_ih, x, w_ih.t()); per word,
//   gates = addmm(b_hh, h, w_hh.t()).add_(input_w[t]); i, f, g, o = unsafe_chunk(4)
//   i.sigmoid_(); f.sigmoid_(); g.tanh_(); o.sigmoid_();
//   c = (f * c).add_(i * g); h = o * c.tanh()
// then stacks each direction's h and concatenates the two: 308 autograd nodes
// for an 11-word sentence. BiLstm::forward makes the same calls (addmm,
// sigmoid_, tanh_, tanh on the same shapes, so the same kernels; the
// products and sums are single float operations); backward calls what each
// node's backward calls (mm with the same operands and layouts,
// sigmoid_backward, tanh_backward) and adds the gradients of w_hh and b_hh
// over the words in the engine's order: the reverse direction first, each
// direction from its last word back.
struct BiLstm : torch::autograd::Function<BiLstm> {
  // Whether forward/backward below repeat nn.LSTM's kernels call for call: the
  // activations run on rows of `hidden` floats as in nn.LSTM, and the matrix
  // products take the layouts autograd's mm_mat1_backward / mm_mat2_backward
  // see (a (1, 1) or (L, 1) operand would look column-major to them).
  static bool applies(int64_t embedding, int64_t hidden) { return embedding > 1 && hidden > 1; }

  // x (L, 1, E); h0, c0 (2, 1, H); then w_ih, w_hh, b_ih, b_hh, and the same _reverse.
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx,
                                                const Tensor& x, const Tensor& h0, const Tensor& c0,
                                                const Tensor& w_ih, const Tensor& w_hh,
                                                const Tensor& b_ih, const Tensor& b_hh,
                                                const Tensor& w_ih_r, const Tensor& w_hh_r,
                                                const Tensor& b_ih_r, const Tensor& b_hh_r) {
    const int64_t L = x.size(0), E = x.size(2), H = h0.size(2), G = 4 * H;
    const Tensor x2 = x.reshape({L, E});
    const Tensor w[2][4] = {{w_ih, w_hh, b_ih, b_hh}, {w_ih_r, w_hh_r, b_ih_r, b_hh_r}};
    // Saved per direction and step: the activated gates i, f, g, o; c before;
    // tanh(c) after; h before.
    Tensor acts = at::empty({2, L, G}), c_before = at::empty({2, L, H});
    Tensor tanh_c = at::empty({2, L, H}), h_before = at::empty({2, L, H});
    float *A = acts.data_ptr<float>(), *CB = c_before.data_ptr<float>();
    float *TC = tanh_c.data_ptr<float>(), *HB = h_before.data_ptr<float>();
    Tensor out = at::empty({L, 1, 2 * H});
    Tensor h_n = at::empty({2, 1, H}), c_n = at::empty({2, 1, H});
    float* out_data = out.data_ptr<float>();
    // One step's tensors, reused: h, the gates before and after their
    // activation (each a row of H, as nn.LSTM's unsafe_chunk(4, 1) makes), c, tanh(c).
    Tensor h = at::empty({1, H}), gates = at::empty({1, G}), act = at::empty({1, G});
    Tensor cy = at::empty({1, H}), tc = at::empty({1, H});
    std::vector<Tensor> gate = gates.unsafe_chunk(4, 1), out_gate = act.unsafe_chunk(4, 1);
    float *hd = h.data_ptr<float>(), *gd = gates.data_ptr<float>(), *ad = act.data_ptr<float>();
    float *cyd = cy.data_ptr<float>(), *tcd = tc.data_ptr<float>();
    std::vector<float> c(H);
    for (int64_t d = 0; d < 2; ++d) {
      const Tensor input_w = at::addmm(w[d][2], x2, w[d][0].t());
      const float* xw = input_w.data_ptr<float>();
      const Tensor w_hh_t = w[d][1].t();
      std::copy_n(h0[d].contiguous().data_ptr<float>(), H, hd);  // hx.unbind(0)
      std::copy_n(c0[d].contiguous().data_ptr<float>(), H, c.data());
      for (int64_t s = 0; s < L; ++s) {
        const int64_t t = d == 0 ? s : L - 1 - s;
        std::copy_n(hd, H, HB + (d * L + s) * H);
        std::copy_n(c.data(), H, CB + (d * L + s) * H);
        at::addmm_out(gates, w[d][3], h, w_hh_t);
        for (int64_t k = 0; k < G; ++k) gd[k] = gd[k] + xw[t * G + k];  // .add_(input_w[t])
        at::sigmoid_out(out_gate[0], gate[0]);
        at::sigmoid_out(out_gate[1], gate[1]);
        at::tanh_out(out_gate[2], gate[2]);
        at::sigmoid_out(out_gate[3], gate[3]);
        const float *i = ad, *f = ad + H, *g = ad + 2 * H, *o = ad + 3 * H;
        for (int64_t k = 0; k < H; ++k) cyd[k] = (f[k] * c[k]) + (i[k] * g[k]);
        at::tanh_out(tc, cy);
        for (int64_t k = 0; k < H; ++k) hd[k] = o[k] * tcd[k];
        std::copy_n(ad, G, A + (d * L + s) * G);
        std::copy_n(tcd, H, TC + (d * L + s) * H);
        std::copy_n(hd, H, out_data + (t * 2 + d) * H);
        std::copy_n(cyd, H, c.data());
      }
      std::copy_n(hd, H, h_n.data_ptr<float>() + d * H);
      std::copy_n(c.data(), H, c_n.data_ptr<float>() + d * H);
    }
    ctx->save_for_backward({x2, w_ih, w_hh, w_ih_r, w_hh_r, acts, c_before, tanh_c, h_before});
    ctx->mark_non_differentiable({h_n, c_n});
    return {out, h_n, c_n};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const Tensor& x2 = saved[0];
    const Tensor w_ih[2] = {saved[1], saved[3]}, w_hh[2] = {saved[2], saved[4]};
    const float* A = saved[5].data_ptr<float>();
    const float* CB = saved[6].data_ptr<float>();
    const float* TC = saved[7].data_ptr<float>();
    const float* HB = saved[8].data_ptr<float>();
    const int64_t L = saved[5].size(1), G = saved[5].size(2), H = G / 4, E = x2.size(1);
    const Tensor grad_out = grad_outputs[0].contiguous();
    const float* go = grad_out.data_ptr<float>();

    // One step's tensors, reused (the layouts the original nodes see).
    Tensor act = at::empty({1, G}), tc = at::empty({1, H}), h_prev = at::empty({1, H});
    Tensor grad_act = at::empty({1, G}), grad_tc = at::empty({1, H}), grad_c = at::empty({1, H});
    Tensor grad_gates = at::empty({1, G}), grad_w = at::empty({G, H}),
           grad_h_prev = at::empty({1, H});
    std::vector<Tensor> a = act.unsafe_chunk(4, 1), ga = grad_act.unsafe_chunk(4, 1),
                        gg = grad_gates.unsafe_chunk(4, 1);
    const Tensor grad_gates_t = grad_gates.t();
    float *ad = act.data_ptr<float>(), *tcd = tc.data_ptr<float>(), *hp = h_prev.data_ptr<float>();
    float *gad = grad_act.data_ptr<float>(), *gtc = grad_tc.data_ptr<float>();
    const float *gc = grad_c.data_ptr<float>(), *ggd = grad_gates.data_ptr<float>();
    const float *gw = grad_w.data_ptr<float>(), *ghp = grad_h_prev.data_ptr<float>();
    std::vector<float> grad_h(H), grad_h_next(H), grad_c_next(H), grad_c_sum(H);
    std::vector<float> grad_c_before(H), sum_w_hh(G * H), sum_b_hh(G);

    Tensor grads[2][4];  // w_ih, w_hh, b_ih, b_hh per direction
    Tensor grad_x[2];
    for (int64_t d = 1; d >= 0; --d) {  // the reverse direction's nodes are the later ones
      Tensor grad_input_w = at::empty({L, G});
      float* giw = grad_input_w.data_ptr<float>();
      for (int64_t s = L - 1; s >= 0; --s) {
        const int64_t t = d == 0 ? s : L - 1 - s;
        const bool last = s == L - 1;
        std::copy_n(A + (d * L + s) * G, G, ad);
        std::copy_n(TC + (d * L + s) * H, H, tcd);
        std::copy_n(HB + (d * L + s) * H, H, hp);
        const float* cb = CB + (d * L + s) * H;
        const float *i = ad, *f = ad + H, *g = ad + 2 * H, *o = ad + 3 * H;
        // h's gradient: the output's (StackBackward0), plus the next step's (addmm's mat1)
        for (int64_t k = 0; k < H; ++k) {
          const float from_out = go[(t * 2 + d) * H + k];
          grad_h[k] = last ? from_out : from_out + grad_h_next[k];
        }
        // h = o * tanh(c): MulBackward0 (grad * other, grad * self)
        float* grad_o = gad + 3 * H;
        for (int64_t k = 0; k < H; ++k) {
          grad_o[k] = grad_h[k] * tcd[k];
          gtc[k] = grad_h[k] * o[k];
        }
        at::tanh_backward_out(grad_c, grad_tc, tc);  // TanhBackward0
        for (int64_t k = 0; k < H; ++k) {            // + the next step's f * c
          grad_c_sum[k] = last ? gc[k] : grad_c_next[k] + gc[k];
        }
        // c = (f * c_before).add_(i * g): AddBackward0, then two MulBackward0
        float *grad_i = gad, *grad_f = gad + H, *grad_g = gad + 2 * H;
        for (int64_t k = 0; k < H; ++k) {
          grad_i[k] = grad_c_sum[k] * g[k];
          grad_g[k] = grad_c_sum[k] * i[k];
          grad_f[k] = grad_c_sum[k] * cb[k];
          grad_c_before[k] = grad_c_sum[k] * f[k];
        }
        // SigmoidBackward0 / TanhBackward0 of each gate; UnsafeSplitBackward0 is the cat
        at::sigmoid_backward_out(gg[0], ga[0], a[0]);
        at::sigmoid_backward_out(gg[1], ga[1], a[1]);
        at::tanh_backward_out(gg[2], ga[2], a[2]);
        at::sigmoid_backward_out(gg[3], ga[3], a[3]);
        // gates = addmm(b_hh, h, w_hh.t()).add_(input_w[t]): AddBackward0, AddmmBackward0
        std::copy_n(ggd, G, giw + t * G);
        at::mm_out(grad_w, grad_gates_t, h_prev);  // mm_mat2_backward, then TBackward0
        for (int64_t k = 0; k < G * H; ++k) sum_w_hh[k] = last ? gw[k] : sum_w_hh[k] + gw[k];
        for (int64_t k = 0; k < G; ++k) sum_b_hh[k] = last ? ggd[k] : sum_b_hh[k] + ggd[k];
        if (s > 0) {                                     // h0 and c0 need no gradient
          at::mm_out(grad_h_prev, grad_gates, w_hh[d]);  // mm_mat1_backward
          std::copy_n(ghp, H, grad_h_next.data());
          grad_c_next = grad_c_before;
        }
      }
      // input_w = addmm(b_ih, x, w_ih.t()): AddmmBackward0
      grads[d][0] = at::mm(grad_input_w.t(), x2);
      grads[d][1] = at::empty({G, H});
      std::copy(sum_w_hh.begin(), sum_w_hh.end(), grads[d][1].data_ptr<float>());
      grads[d][2] = at::sum(grad_input_w, {0}, true).view({G});
      grads[d][3] = at::empty({G});
      std::copy(sum_b_hh.begin(), sum_b_hh.end(), grads[d][3].data_ptr<float>());
      grad_x[d] = at::mm(grad_input_w, w_ih[d]);
    }
    Tensor gx = (grad_x[1] + grad_x[0]).view({L, 1, E});
    return {gx,          Tensor(),    Tensor(),    grads[0][0], grads[0][1], grads[0][2],
            grads[0][3], grads[1][0], grads[1][1], grads[1][2], grads[1][3]};
  }
};

}  // namespace

Tensor crf_neg_log_likelihood(const Tensor& feats, const Tensor& transitions, const Tensor& tags,
                              int64_t start, int64_t stop) {
  return CrfNegLogLikelihood::apply(feats, transitions, tags, start, stop);
}

Tensor crf_neg_log_likelihood_vectorized(const Tensor& feats, const Tensor& transitions,
                                         const Tensor& tags, int64_t start, int64_t stop) {
  return CrfNegLogLikelihoodVectorized::apply(feats, transitions, tags, start, stop);
}

bool bilstm_applies(int64_t embedding, int64_t hidden) {
  return BiLstm::applies(embedding, hidden);
}

torch::autograd::variable_list bilstm(const Tensor& x, const Tensor& h0, const Tensor& c0,
                                      const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                                      const Tensor& b_hh, const Tensor& w_ih_r,
                                      const Tensor& w_hh_r, const Tensor& b_ih_r,
                                      const Tensor& b_hh_r) {
  return BiLstm::apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_ih_r, w_hh_r, b_ih_r, b_hh_r);
}

}  // namespace bilstm_crf::fast
