// lstm_variants.ipynb in C++, cell by cell: how batch_first, two layers,
// bidirectional, proj_size and packed variable-length sentences change the
// shapes of out, h_n and c_n (torch::nn::LSTMOptions, torch::nn::utils::rnn).
//
// Each cell is a member function between "// %% In [n]" and "// %% end"
// markers (the walk-through README is generated from them). Notebook
// variables are members, named as in Python.
#include <ATen/ATen.h>
#include <ATen/TensorIndexing.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/utils/rnn.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "lesson/param.hpp"
#include "lesson/program.hpp"
#include "pyrepr/pyrepr.hpp"

namespace {

using at::indexing::None;
using at::indexing::Slice;
using torch::Tensor;
using torch::nn::LSTMOptions;
using torch::nn::utils::rnn::PackedSequence;
namespace rnn = torch::nn::utils::rnn;           // Python's torch.nn.utils.rnn
using HiddenState = std::tuple<Tensor, Tensor>;  // (h_n, c_n)

constexpr int64_t kMaxSize = 1024;    // INPUT_SIZE, HIDDEN_SIZE, PROJ_SIZE, BATCH_SIZE
constexpr int64_t kMaxSeqLen = 1000;  // SEQ_LEN

class LstmVariants : public lesson::Notebook {
 public:
  LstmVariants() {
    // --dump saves these after each cell that changes them
    variable("x", x);
    variable("out", out);
    variable("h_n", h_n);
    variable("c_n", c_n);
    variable("out_bf", out_bf);
    variable("out2", out2);
    variable("h_n2", h_n2);
    variable("out_bi", out_bi);
    variable("h_n_bi", h_n_bi);
    variable("out_p", out_p);
    variable("c_n_p", c_n_p);
    variable("seqs", seqs);
    variable("padded", padded);
    variable("out_pad", out_pad);
    variable("h_n_pk", h_n_pk);
  }

  // After Program::parse: -1 to go on, or one error line and 2 (PROJ_SIZE
  // must be below HIDDEN_SIZE; Python: ValueError("proj_size has to be
  // smaller than hidden_size")).
  int check_sizes(const lesson::Program& program) const {
    if (PROJ_SIZE < HIDDEN_SIZE) return -1;
    return program.error("--proj-size " + std::to_string(PROJ_SIZE) +
                         ": has to be smaller than --hidden-size " + std::to_string(HIDDEN_SIZE));
  }

  std::vector<lesson::Cell> cells() override {
    return {
        {[this] { return cell1(); }}, {[this] { return cell2(); }}, {[this] { return cell3(); }},
        {[this] { return cell4(); }}, {[this] { return cell5(); }}, {[this] { return cell6(); }},
        {[this] { return cell7(); }}, {[this] { return cell8(); }},
    };
  }

 private:
  lesson::Shown cell1() {
    // %% In [1]
    // import torch, torch.nn, torch.nn.utils.rnn: #include <ATen/ATen.h>,
    // <torch/nn/modules/rnn.h> and <torch/nn/utils/rnn.h> (top of file)
    // SEED, INPUT_SIZE, ...: declared once, as members (the flags --seed, --input-size, ...)
    torch::manual_seed(SEED);
    return {};
    // %% end
  }

  lesson::Shown cell2() {
    // %% In [2]
    lstm = torch::nn::LSTM(INPUT_SIZE, HIDDEN_SIZE);
    x = torch::randn({SEQ_LEN, BATCH_SIZE, INPUT_SIZE});  // (L, N, H_in)
    HiddenState state;
    std::tie(out, state) = lstm->forward(x);  // 不给初始状态就是全零 (no initial state: zeros)
    std::tie(h_n, c_n) = state;
    print("x:  ", pyrepr::size_of(x));
    print("out:", pyrepr::size_of(out));  // (L, N, H_out): 每一步的 h (h at every step)
    print("h_n:", pyrepr::size_of(h_n));  // (num_layers * num_directions, N, H_out)
    print("c_n:", pyrepr::size_of(c_n));  // (num_layers * num_directions, N, H_cell)
    print("out[-1] equals h_n[0]:", torch::equal(out[-1], h_n[0]));
    return pyrepr::Object(h_n);  // Out[2]
    // %% end
  }

  lesson::Shown cell3() {
    // %% In [3]
    auto lstm_bf = torch::nn::LSTM(LSTMOptions(INPUT_SIZE, HIDDEN_SIZE).batch_first(true));
    {  // load_state_dict(lstm.state_dict()): 和 lstm 相同的权重 (the same weights as lstm)
      torch::NoGradGuard no_grad;
      auto weights = lstm->named_parameters();
      for (auto& item : lstm_bf->named_parameters()) item.value().copy_(weights[item.key()]);
    }
    Tensor x_bf = x.transpose(0, 1);  // (N, L, H_in)
    HiddenState state_bf;
    std::tie(out_bf, state_bf) = lstm_bf->forward(x_bf);
    auto [h_n_bf, c_n_bf] = state_bf;
    print("x_bf:  ", pyrepr::size_of(x_bf));
    print("out_bf:", pyrepr::size_of(out_bf));  // (N, L, H_out)
    print("h_n_bf:", pyrepr::size_of(h_n_bf));  // 不受 batch_first 影响 (not affected)
    print("c_n_bf:", pyrepr::size_of(c_n_bf));
    print("max |out_bf - out.transpose(0, 1)|:",
          (out_bf - out.transpose(0, 1)).abs().max().item<double>());
    print("max |h_n_bf - h_n|:", (h_n_bf - h_n).abs().max().item<double>());
    return {};
    // %% end
  }

  lesson::Shown cell4() {
    // %% In [4]
    auto lstm2 = torch::nn::LSTM(LSTMOptions(INPUT_SIZE, HIDDEN_SIZE).num_layers(2));
    HiddenState state2;
    std::tie(out2, state2) = lstm2->forward(x);
    Tensor c_n2;
    std::tie(h_n2, c_n2) = state2;
    print("out2:", pyrepr::size_of(out2));  // 只有最上面一层的输出 (the top layer's only)
    print("h_n2:", pyrepr::size_of(h_n2));  // 每层一个 (one per layer)
    print("c_n2:", pyrepr::size_of(c_n2));
    print("out2[-1] equals h_n2[1]:", torch::equal(out2[-1], h_n2[1]));
    for (const auto& item : lstm2->named_parameters()) {
      print(item.key(), pyrepr::size_of(item.value()));
    }
    return {};
    // %% end
  }

  lesson::Shown cell5() {
    // %% In [5]
    auto lstm_bi = torch::nn::LSTM(LSTMOptions(INPUT_SIZE, HIDDEN_SIZE).bidirectional(true));
    HiddenState state_bi;
    std::tie(out_bi, state_bi) = lstm_bi->forward(x);
    Tensor c_n_bi;
    std::tie(h_n_bi, c_n_bi) = state_bi;
    print("out_bi:", pyrepr::size_of(out_bi));  // (L, N, 2 * H_out): 前向和反向拼在一起
    print("h_n_bi:",
          pyrepr::size_of(h_n_bi));  // h_n_bi[0] 前向 (forward), [1] 反向 (backward)
    print("c_n_bi:", pyrepr::size_of(c_n_bi));
    // 前向在最后一步结束，反向在第一步结束 (forward ends at the last step, backward at the first)
    print("out_bi[-1, :, :HIDDEN_SIZE] equals h_n_bi[0]:",
          torch::equal(out_bi.index({-1, Slice(), Slice(None, *HIDDEN_SIZE)}), h_n_bi[0]));
    print("out_bi[0, :, HIDDEN_SIZE:] equals h_n_bi[1]:",
          torch::equal(out_bi.index({0, Slice(), Slice(*HIDDEN_SIZE, None)}), h_n_bi[1]));
    return {};
    // %% end
  }

  lesson::Shown cell6() {
    // %% In [6]
    auto lstm_proj = torch::nn::LSTM(LSTMOptions(INPUT_SIZE, HIDDEN_SIZE).proj_size(PROJ_SIZE));
    HiddenState state_p;
    std::tie(out_p, state_p) = lstm_proj->forward(x);
    Tensor h_n_p;
    std::tie(h_n_p, c_n_p) = state_p;
    print("out_p:",
          pyrepr::size_of(out_p));            // (L, N, PROJ_SIZE): h 被投影 (h is projected)
    print("h_n_p:", pyrepr::size_of(h_n_p));  // (1, N, PROJ_SIZE)
    print("c_n_p:",
          pyrepr::size_of(c_n_p));  // (1, N, HIDDEN_SIZE): c 不投影 (not projected)
    for (const auto& item : lstm_proj->named_parameters()) {
      print(item.key(), pyrepr::size_of(item.value()));
    }
    return {};
    // %% end
  }

  lesson::Shown cell7() {
    // %% In [7]
    // Python: "I ran".split(), ...
    const std::vector<std::vector<std::string>> sentences = {
        {"I", "ran"}, {"The", "dog", "ate", "the", "apple"}, {"Everybody", "read", "that", "book"}};
    lengths.clear();
    for (const auto& s : sentences) lengths.push_back(static_cast<int64_t>(s.size()));
    seqs.clear();
    for (int64_t n : lengths) seqs.push_back(torch::randn({n, INPUT_SIZE}));  // 每个单词一个词向量
    padded = rnn::pad_sequence(seqs);  // (longest L, 3, H_in)，短句后面补零 (zeros after)
    packed = rnn::pack_padded_sequence(padded, torch::tensor(lengths), /*batch_first=*/false,
                                       /*enforce_sorted=*/false);
    print("lengths:", lengths);
    print("padded:", pyrepr::size_of(padded));
    print("packed.data:",
          pyrepr::size_of(packed->data()));               // (all words, H_in): 没有补的零
    print("packed.batch_sizes:", packed->batch_sizes());  // 每一步有几个句子
    print("packed.sorted_indices:", packed->sorted_indices());  // 从长到短 (longest first)
    return {};
    // %% end
  }

  lesson::Shown cell8() {
    // %% In [8]
    auto [out_packed, state_pk] = lstm->forward_with_packed_input(*packed);
    Tensor c_n_pk;
    std::tie(h_n_pk, c_n_pk) = state_pk;
    Tensor out_lengths;
    std::tie(out_pad, out_lengths) =
        rnn::pad_packed_sequence(out_packed);  // 解包 (unpack): 原来的顺序
    print("out_packed.data:", pyrepr::size_of(out_packed.data()));
    print("out_pad:", pyrepr::size_of(out_pad));  // (longest L, 3, H_out)
    print("h_n_pk:", pyrepr::size_of(h_n_pk));  // 每个句子真正的最后一步 (real last step)
    print("c_n_pk:", pyrepr::size_of(c_n_pk));
    print("out_lengths:", out_lengths);
    std::vector<Tensor> last;
    const auto count = static_cast<int64_t>(lengths.size());  // Python: enumerate(lengths)
    for (int64_t b = 0; b < count; ++b) last.push_back(out_pad[lengths[b] - 1][b]);
    print("h_n_pk[0] equals each sentence's last output:",
          torch::equal(h_n_pk[0], torch::stack(last)));
    bool zero = true;
    for (int64_t b = 0; b < count; ++b) {
      zero = zero && out_pad.index({Slice(lengths[b], None), b}).eq(0).all().item<bool>();
    }
    print("padding stays zero:", zero);
    // 每个句子单独送入 LSTM 得到一样的结果 (each sentence fed alone gives the same outputs)
    double largest = 0;
    for (int64_t b = 0; b < count; ++b) {
      const int64_t n = lengths[b];
      Tensor alone = std::get<0>(lstm->forward(seqs[b].view({n, 1, -1}))).index({Slice(), 0});
      Tensor in_batch = out_pad.index({Slice(None, n), b});
      largest = std::max(largest, (in_batch - alone).abs().max().item<double>());
    }
    print("max |packed - alone|:", largest);
    return pyrepr::Object(out_pad.index({Slice(), 0}));  // Out[8]: "I ran": 两步之后是补的零
    // %% end
  }

  // Parameters (the first code cell).
  lesson::Seed SEED{this, 1};
  lesson::Param<int64_t> INPUT_SIZE{this, "INPUT_SIZE", 3, "size of a word vector, H_in",
                                    CLI::Range(int64_t{1}, kMaxSize)};
  lesson::Param<int64_t> HIDDEN_SIZE{this, "HIDDEN_SIZE", 4, "size of the hidden state, H_cell",
                                     CLI::Range(int64_t{2}, kMaxSize)};
  lesson::Param<int64_t> PROJ_SIZE{this, "PROJ_SIZE", 2,
                                   "projection size in the proj_size section, below --hidden-size",
                                   CLI::Range(int64_t{1}, kMaxSize)};
  lesson::Param<int64_t> SEQ_LEN{this, "SEQ_LEN", 5, "words in a sentence, L",
                                 CLI::Range(int64_t{1}, kMaxSeqLen)};
  lesson::Param<int64_t> BATCH_SIZE{this, "BATCH_SIZE", 2, "sentences in a batch, N",
                                    CLI::Range(int64_t{1}, kMaxSize)};

  // The notebook's variables (those --dump saves are registered in the constructor).
  torch::nn::LSTM lstm{nullptr};
  Tensor x, out, h_n, c_n;
  Tensor out_bf;
  Tensor out2, h_n2;
  Tensor out_bi, h_n_bi;
  Tensor out_p, c_n_p;
  std::vector<int64_t> lengths;
  std::vector<Tensor> seqs;
  Tensor padded;
  std::optional<PackedSequence> packed;  // (a PackedSequence has no empty state)
  Tensor out_pad, h_n_pk;
};

}  // namespace

int lesson_main(int argc, char** argv, const char* /*scenario*/) {
  lesson::Program program(
      "demo_lstm_variants",
      "LSTM variants (batch_first, two layers, bidirectional, proj_size, packed sentences) and "
      "the shapes of out, h_n, c_n; printed as Jupyter shows lstm_variants.ipynb.");
  LstmVariants notebook;
  if (int rc = program.parse(argc, argv, notebook); rc >= 0) return rc;
  if (int rc = notebook.check_sizes(program); rc >= 0) return rc;
  return program.run(notebook);
}
