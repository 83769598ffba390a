// lstm_basics.ipynb in C++, cell by cell: PyTorch's LSTM fed one word at a
// time (stepwise) and the whole sentence at once (batched).
//
// Each cell is a member function between "// %% In [n]" and "// %% end"
// markers (the walk-through README is generated from them). Notebook
// variables are members, named as in Python.
#include <ATen/ATen.h>
#include <torch/nn/modules/rnn.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lesson/program.hpp"
#include "lesson/state_dict.hpp"
#include "pyrepr/pyrepr.hpp"

namespace {

using torch::Tensor;
using HiddenState = std::tuple<Tensor, Tensor>;  // (h, c), Python's hidden tuple

constexpr int64_t kMaxSize = 1024;     // --input-size, --hidden-size
constexpr int64_t kMaxSeqLen = 10000;  // --seq-len

// The notebook's parameters cell.
struct Parameters {
  uint64_t seed = 1;
  int64_t input_size = 3;
  int64_t hidden_size = 3;
  int64_t seq_len = 5;
  std::string weights;  // "" = None
};

class LstmBasics : public lesson::Notebook {
 public:
  LstmBasics(const Parameters& p, lesson::StateDict weights)
      : SEED(p.seed),
        INPUT_SIZE(p.input_size),
        HIDDEN_SIZE(p.hidden_size),
        SEQ_LEN(p.seq_len),
        WEIGHTS(std::move(weights)) {}

  std::vector<lesson::Cell> cells() override {
    return {
        {[this] { return cell1(); }}, {[this] { return cell2(); }}, {[this] { return cell3(); }},
        {[this] { return cell4(); }}, {[this] { return cell5(); }}, {[this] { return cell6(); }},
    };
  }

 private:
  lesson::Shown cell1() {
    // %% In [1]
    // import torch, torch.nn: #include <ATen/ATen.h> and <torch/nn/modules/rnn.h> (top of file)
    // SEED, INPUT_SIZE, ...: the flags --seed, --input-size, ... (see lesson_main)
    torch::manual_seed(SEED);
    return {};
    // %% end
  }

  lesson::Shown cell2() {
    // %% In [2]
    // pytorch中的LSTM接受三维数据，如上图所示 (PyTorch's LSTM takes 3-D data)
    // 第一维是序列本身，第二维是mini-batch，第三维是单个词向量的维度
    // (dim 1: the sequence, dim 2: the mini-batch, dim 3: the size of one word vector)
    lstm01 = torch::nn::LSTM(INPUT_SIZE, HIDDEN_SIZE);  // 输入三维数据，输出三维数据
    if (!WEIGHTS.empty()) lesson::load_state_dict(*lstm01, WEIGHTS);  // 代替随机的初始权重
    inputs01.clear();
    for (int64_t k = 0; k < SEQ_LEN; ++k) {
      inputs01.push_back(torch::randn({1, INPUT_SIZE}));  // 模拟五个单词的句子
    }
    return pyrepr::Object(inputs01);  // Out[2]: the cell's last expression
    // %% end
  }

  lesson::Shown cell3() {
    // %% In [3]
    // 初始化隐藏层即 a[0], h[0]   LSTM有两条线贯穿始终 (the initial hidden state: two lines)
    // Python builds the tuple left to right; draw in separate statements to
    // keep that order (std::make_tuple's arguments may be evaluated right to left).
    Tensor h0 = torch::randn({1, 1, HIDDEN_SIZE});
    Tensor c0 = torch::randn({1, 1, HIDDEN_SIZE});
    hidden01 = {h0, c0};
    return pyrepr::Object(hidden01);  // Out[3]
    // %% end
  }

  lesson::Shown cell4() {
    // %% In [4]
    for (size_t step = 0; step < inputs01.size(); ++step) {
      const Tensor& i = inputs01[step];
      std::tie(out01, hidden01) = lstm01->forward(i.view({1, 1, -1}), hidden01);
      print(out01);
      print();
      print(hidden01);
      print("---------------------------------");
    }
    return {};
    // %% end
  }

  lesson::Shown cell5() {
    // %% In [5]
    lstm02 = torch::nn::LSTM(INPUT_SIZE, HIDDEN_SIZE);  // 输入三维数据，输出三维数据
    if (!WEIGHTS.empty()) lesson::load_state_dict(*lstm02, WEIGHTS);  // 代替随机的初始权重
    std::vector<Tensor> words;  // Python's list inputs02 (C++ needs a second name)
    for (int64_t k = 0; k < SEQ_LEN; ++k) {
      words.push_back(torch::randn({1, INPUT_SIZE}));  // 模拟五个单词的句子
    }
    print(words);
    print("------------------------------------");
    Tensor h0 = torch::randn({1, 1, HIDDEN_SIZE});
    Tensor c0 = torch::randn({1, 1, HIDDEN_SIZE});
    hidden02 = {h0, c0};
    print(hidden02);
    print("------------------------------------");
    // 修改序列长度维度为 5 (the sequence-length dimension becomes 5)
    inputs02 = torch::cat(words).view({static_cast<int64_t>(words.size()), 1, -1});
    Tensor h1 = torch::randn({1, 1, HIDDEN_SIZE});
    Tensor c1 = torch::randn({1, 1, HIDDEN_SIZE});
    hidden02 = {h1, c1};
    std::tie(out02, hidden02) = lstm02->forward(inputs02, hidden02);
    print(out02);
    print();
    print(hidden02);
    return {};
    // %% end
  }

  lesson::Shown cell6() {
    // %% In [6]
    Tensor h0 = torch::randn({1, 1, HIDDEN_SIZE});
    Tensor c0 = torch::randn({1, 1, HIDDEN_SIZE});

    // 逐个单词 (stepwise: one word at a time)
    HiddenState hidden = {h0, c0};
    std::vector<Tensor> outs;
    for (const Tensor& word : inputs02.unbind(0)) {
      Tensor out;
      std::tie(out, hidden) = lstm02->forward(word.view({1, 1, -1}), hidden);
      outs.push_back(out);
    }
    Tensor out_step = torch::cat(outs);
    auto [h_step, c_step] = hidden;

    // 整句一起 (batched: the whole sentence at once)
    auto [out_batch, h_n_c_n] = lstm02->forward(inputs02, HiddenState{h0, c0});
    auto [h_n, c_n] = h_n_c_n;

    // 最大绝对误差 (largest absolute difference); .item() is a Python float
    print("max |out_step - out_batch|:", (out_step - out_batch).abs().max().item<double>());
    print("max |h_step - h_n|:", (h_step - h_n).abs().max().item<double>());
    print("max |c_step - c_n|:", (c_step - c_n).abs().max().item<double>());
    // 输出的最后一行就是 h_n (the last row of out is h_n)
    print("out_batch[-1] equals h_n:", torch::equal(out_batch[-1], h_n[0]));
    return {};
    // %% end
  }

  // Parameters (the first code cell).
  const uint64_t SEED;
  const int64_t INPUT_SIZE;
  const int64_t HIDDEN_SIZE;
  const int64_t SEQ_LEN;
  const lesson::StateDict WEIGHTS;  // --weights (empty = None)

  // The notebook's variables.
  torch::nn::LSTM lstm01{nullptr};
  std::vector<Tensor> inputs01;
  HiddenState hidden01;
  Tensor out01;
  torch::nn::LSTM lstm02{nullptr};
  Tensor inputs02;
  HiddenState hidden02;
  Tensor out02;
};

}  // namespace

int lesson_main(int argc, char** argv, const char* scenario) {
  // Which cells each program shows; the others still run, so the random
  // numbers are those of the whole notebook.
  const std::string which = scenario;
  std::vector<int> shown;
  std::string what = "the whole notebook lstm_basics.ipynb";
  if (which == "stepwise") {
    shown = {1, 2, 3, 4};
    what = "cells 1-4 of lstm_basics.ipynb: the words fed one at a time";
  } else if (which == "batched") {
    shown = {1, 5, 6};
    what = "cells 5-6 of lstm_basics.ipynb: the words fed together, and both ways agree";
  }

  Parameters p;
  lesson::Program program(
      which == "demo" ? "demo_lstm_basics" : "lstm_basics_" + which,
      "PyTorch's LSTM, stepwise and batched, printed as Jupyter shows it (" + what + ").", p.seed);
  CLI::App& app = program.app();
  app.add_option("--input-size", p.input_size, "size of a word vector (default 3)")
      ->check(CLI::Range(int64_t{1}, kMaxSize));
  app.add_option("--hidden-size", p.hidden_size, "size of the hidden state (default 3)")
      ->check(CLI::Range(int64_t{1}, kMaxSize));
  app.add_option("--seq-len", p.seq_len, "words in the sentence (default 5)")
      ->check(CLI::Range(int64_t{1}, kMaxSeqLen));
  app.add_option("--weights", p.weights,
                 "an LSTM state_dict saved by Python (torch.save(lstm.state_dict(), FILE)), "
                 "used instead of the random initial weights")
      ->type_name("FILE.pt");
  if (int rc = program.parse(argc, argv); rc >= 0) return rc;

  lesson::StateDict weights;
  if (!p.weights.empty()) {
    try {
      // Read and checked before any cell runs (the LSTM made here for the
      // check draws random numbers before cell 1 seeds the generator).
      weights = lesson::read_state_dict(p.weights);
      torch::nn::LSTM check(p.input_size, p.hidden_size);
      lesson::load_state_dict(*check, weights);
    } catch (const std::exception& e) {
      return program.error("--weights " + p.weights + ": " + e.what());
    }
  }
  LstmBasics notebook(p, std::move(weights));
  return program.run(notebook, shown);
}
