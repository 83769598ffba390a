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

#include "lesson/param.hpp"
#include "lesson/program.hpp"
#include "lesson/state_dict.hpp"
#include "pyrepr/pyrepr.hpp"

namespace {

using torch::Tensor;
using HiddenState = std::tuple<Tensor, Tensor>;  // (h, c), Python's hidden tuple

constexpr int64_t kMaxSize = 1024;     // INPUT_SIZE, HIDDEN_SIZE
constexpr int64_t kMaxSeqLen = 10000;  // SEQ_LEN

class LstmBasics : public lesson::Notebook {
 public:
  // --weights: reads WEIGHTS into `weights` and checks it against an LSTM of
  // the notebook's sizes, before any cell runs (the LSTM made here for the
  // check draws random numbers before cell 1 seeds the generator). After
  // Program::parse: -1 to go on, or one error line and 2.
  int read_weights(const lesson::Program& program) {
    if (WEIGHTS->empty()) return -1;
    try {
      weights = lesson::read_state_dict(WEIGHTS);
      torch::nn::LSTM check(INPUT_SIZE, HIDDEN_SIZE);
      lesson::load_state_dict(*check, weights);
    } catch (const std::exception& e) {
      return program.error("--weights " + *WEIGHTS + ": " + e.what());
    }
    return -1;
  }

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
    // SEED, INPUT_SIZE, ...: declared once, as members (the flags --seed, --input-size, ...)
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
    if (!WEIGHTS->empty()) lesson::load_state_dict(*lstm01, weights);  // 代替随机的初始权重
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
    if (!WEIGHTS->empty()) lesson::load_state_dict(*lstm02, weights);  // 代替随机的初始权重
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
  lesson::Seed SEED{this, 1};
  lesson::Param<int64_t> INPUT_SIZE{this, "INPUT_SIZE", 3, "size of a word vector",
                                    CLI::Range(int64_t{1}, kMaxSize)};
  lesson::Param<int64_t> HIDDEN_SIZE{this, "HIDDEN_SIZE", 3, "size of the hidden state",
                                     CLI::Range(int64_t{1}, kMaxSize)};
  lesson::Param<int64_t> SEQ_LEN{this, "SEQ_LEN", 5, "words in the sentence",
                                 CLI::Range(int64_t{1}, kMaxSeqLen)};
  lesson::Param<std::string> WEIGHTS{
      this,
      "WEIGHTS",
      "",
      "an LSTM state_dict saved by Python (torch.save(lstm.state_dict(), FILE)), used instead "
      "of the random initial weights",
      lesson::TypeName{"FILE.pt"},
      lesson::NoneIfEmpty{}};
  lesson::StateDict weights;  // torch.load(WEIGHTS): read_weights() reads it once

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

  lesson::Program program(
      which == "demo" ? "demo_lstm_basics" : "lstm_basics_" + which,
      "PyTorch's LSTM, stepwise and batched, printed as Jupyter shows it (" + what + ").");
  LstmBasics notebook;
  if (int rc = program.parse(argc, argv, notebook); rc >= 0) return rc;
  if (int rc = notebook.read_weights(program); rc >= 0) return rc;
  return program.run(notebook, shown);
}
