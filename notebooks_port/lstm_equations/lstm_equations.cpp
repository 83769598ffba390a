// lstm_equations.ipynb in C++, cell by cell: one LSTM step written out from
// its equations (gates i, f, g, o), run over the first lesson's sentence and
// compared with torch::nn::LSTM in outputs and in gradients.
//
// Each cell is between "// %% In [n]" and "// %% end" markers (the
// walk-through README is generated from them). Notebook variables are
// members, named as in Python.
#include "lstm_equations.hpp"

#include <ATen/ATen.h>
#include <torch/nn/modules/rnn.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lesson/param.hpp"
#include "lesson/program.hpp"
#include "pyrepr/pyrepr.hpp"

namespace lstm_equations {

using torch::Tensor;

// %% In [4]
// 一步 LSTM，按方程写出 (one LSTM step from its equations):
// x is (batch, input), h and c are (batch, hidden).
std::tuple<Tensor, Tensor> lstm_step(const Tensor& x, const Tensor& h, const Tensor& c,
                                     const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                                     const Tensor& b_hh) {
  Tensor gates = x.matmul(w_ih.t()) + b_ih + h.matmul(w_hh.t()) + b_hh;  // (batch, 4 * hidden)
  auto chunks = gates.chunk(4, /*dim=*/1);  // PyTorch 的顺序 (PyTorch's order): i, f, g, o
  Tensor i = torch::sigmoid(chunks[0]);     // 输入门 (input gate)
  Tensor f = torch::sigmoid(chunks[1]);     // 遗忘门 (forget gate)
  Tensor g = torch::tanh(chunks[2]);        // 候选记忆 (cell candidate)
  Tensor o = torch::sigmoid(chunks[3]);     // 输出门 (output gate)
  Tensor c_new = f * c + i * g;             // 新的记忆 (new cell state)
  Tensor h_new = o * torch::tanh(c_new);    // 新的隐藏状态 (new hidden state)
  return {h_new, c_new};
}
// %% end

}  // namespace lstm_equations

namespace {

using lstm_equations::lstm_step;
using torch::Tensor;
using HiddenState = std::tuple<Tensor, Tensor>;  // (h, c), Python's hidden tuple

constexpr int64_t kMaxSize = 1024;     // INPUT_SIZE, HIDDEN_SIZE
constexpr int64_t kMaxSeqLen = 10000;  // SEQ_LEN

class LstmEquations : public lesson::Notebook {
 public:
  LstmEquations() {
    // --dump saves these after each cell that changes them
    variable("inputs", inputs);
    variable("hidden", hidden);
    variable("w_ih", w_ih);
    variable("w_hh", w_hh);
    variable("b_ih", b_ih);
    variable("b_hh", b_hh);
  }

  std::vector<lesson::Cell> cells() override {
    return {
        {[this] { return cell1(); }}, {[this] { return cell2(); }},
        {[this] { return cell3(); }}, {[] { return lesson::Shown{}; }},
        {[this] { return cell5(); }}, {[this] { return cell6(); }},
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
    // 和第一课一样的抽取顺序，所以是同样的权重、句子和初始状态
    // (drawn in the first lesson's order: the same weights, sentence and initial state)
    lstm = torch::nn::LSTM(INPUT_SIZE, HIDDEN_SIZE);
    inputs.clear();
    for (int64_t k = 0; k < SEQ_LEN; ++k) inputs.push_back(torch::randn({1, INPUT_SIZE}));
    Tensor h0 = torch::randn({1, 1, HIDDEN_SIZE});  // 分开抽取，和 Python 的顺序一样
    Tensor c0 = torch::randn({1, 1, HIDDEN_SIZE});  // (separate draws, in Python's order)
    hidden = {h0, c0};
    for (const auto& item : lstm->named_parameters()) {
      print(item.key(), pyrepr::size_of(item.value()));
    }
    return {};
    // %% end
  }

  lesson::Shown cell3() {
    // %% In [3]
    // 四个门的权重上下叠在一起，顺序是 i, f, g, o (the four gates' weights are stacked, in the
    // order i, f, g, o)
    auto W = lstm->named_parameters()["weight_ih_l0"].chunk(4);
    Tensor W_ii = W[0], W_if = W[1], W_ig = W[2], W_io = W[3];
    print(pyrepr::size_of(W_ii));
    return pyrepr::Object(W_ii);  // Out[3]
    // %% end
  }

  lesson::Shown cell5() {
    // %% In [5]
    // 方程用参数的副本，这样两边的梯度分开累积 (the equations use copies of the parameters: each
    // side gets its own gradients)
    auto params = lstm->named_parameters();
    w_ih = params["weight_ih_l0"].detach().clone().requires_grad_();
    w_hh = params["weight_hh_l0"].detach().clone().requires_grad_();
    b_ih = params["bias_ih_l0"].detach().clone().requires_grad_();
    b_hh = params["bias_hh_l0"].detach().clone().requires_grad_();

    // 用方程逐个单词计算 (the equations, one word at a time)
    Tensor h =
        std::get<0>(hidden)[0];  // (1, HIDDEN_SIZE): 去掉层的维度 (without the layer dimension)
    Tensor c = std::get<1>(hidden)[0];
    std::vector<Tensor> outs;
    for (const Tensor& x : inputs) {
      std::tie(h, c) = lstm_step(x, h, c, w_ih, w_hh, b_ih, b_hh);
      outs.push_back(h);
    }
    out_eq = torch::stack(
        outs);  // (SEQ_LEN, 1, HIDDEN_SIZE)，和 nn.LSTM 的 out 一样 (like nn.LSTM's out)
    Tensor h_eq = h, c_eq = c;

    // nn.LSTM，整句一起 (nn.LSTM, the whole sentence at once)
    HiddenState state;
    std::tie(out_nn, state) = lstm->forward(torch::cat(inputs).view({SEQ_LEN, 1, -1}), hidden);
    auto [h_nn, c_nn] = state;
    print(out_eq);
    print(out_nn);
    print("max |out_eq - out_nn|:", (out_eq - out_nn).abs().max().item<double>());
    print("max |h_eq - h_n|:", (h_eq - h_nn[0]).abs().max().item<double>());
    print("max |c_eq - c_n|:", (c_eq - c_nn[0]).abs().max().item<double>());
    return {};
    // %% end
  }

  lesson::Shown cell6() {
    // %% In [6]
    // 同一个标量损失，分别对两边求反向传播 (the same scalar loss, backward through each side)
    Tensor loss_eq = out_eq.pow(2).sum();
    Tensor loss_nn = out_nn.pow(2).sum();
    loss_eq.backward();
    loss_nn.backward();
    print("loss:", loss_eq.item<double>(), loss_nn.item<double>());
    double largest = 0.0;
    auto params = lstm->named_parameters();
    const std::vector<std::pair<std::string, Tensor>> copies = {
        {"weight_ih_l0", w_ih}, {"weight_hh_l0", w_hh}, {"bias_ih_l0", b_ih}, {"bias_hh_l0", b_hh}};
    for (const auto& [name, w] : copies) {
      double diff = (w.grad() - params[name].grad()).abs().max().item<double>();
      print("max |grad diff| " + name + ":", diff);
      largest = std::max(largest, diff);
    }
    print("all below 1e-6:", largest < 1e-6);
    return pyrepr::Object(params["weight_ih_l0"].grad());  // Out[6]
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

  // The notebook's variables.
  torch::nn::LSTM lstm{nullptr};
  std::vector<Tensor> inputs;
  HiddenState hidden;
  Tensor w_ih, w_hh, b_ih, b_hh;
  Tensor out_eq, out_nn;
};

}  // namespace

int lesson_main(int argc, char** argv, const char* /*scenario*/) {
  lesson::Program program(
      "demo_lstm_equations",
      "One LSTM step from its equations (gates i, f, g, o), compared with torch::nn::LSTM in "
      "outputs and gradients; printed as Jupyter shows lstm_equations.ipynb.");
  LstmEquations notebook;
  if (int rc = program.parse(argc, argv, notebook); rc >= 0) return rc;
  return program.run(notebook);
}
