// deep_learning_blocks.ipynb in C++, cell by cell: the second page of
// PyTorch's "Deep Learning for NLP" series. An affine map, ReLU, softmax,
// then a bag-of-words classifier (Linear + log_softmax) trained with NLLLoss
// and SGD to tell Spanish from English.
//
// Each cell's C++ lies between "// %% In [n]" and "// %% end" markers (the
// walk-through README is generated from them). Notebook variables are
// members, named as in Python.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/functional/activation.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/loss.h>
#include <torch/nn/pimpl.h>
#include <torch/optim/sgd.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "lesson/chart.hpp"
#include "lesson/param.hpp"
#include "lesson/program.hpp"
#include "lesson/vocab.hpp"
#include "pyrepr/pyrepr.hpp"

namespace {

using torch::Tensor;
using torch::indexing::Slice;
namespace F = torch::nn::functional;

// Python's "me gusta comer".split().
std::vector<std::string> split(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// A sentence and its label: one item of data / test_data.
struct Example {
  std::vector<std::string> words;
  std::string label;
};

// %% In [6]
// nn.Module 的子类在 C++ 里是 torch::nn::Module 的子类 BagOfWordsImpl，
// TORCH_MODULE 生成持有它的 BagOfWords（像 Python 对象一样按引用共享）
// (an nn.Module subclass; TORCH_MODULE makes the holder BagOfWords, shared by reference)
struct BagOfWordsImpl : torch::nn::Module {
  BagOfWordsImpl(int64_t num_labels, int64_t vocab_size)
      : linear(register_module("linear", torch::nn::Linear(vocab_size, num_labels))) {}

  Tensor forward(const Tensor& counts) {
    return F::log_softmax(linear(counts), F::LogSoftmaxFuncOptions(1));
  }

  torch::nn::Linear linear;  // A: (2, V), b: (2)
};
TORCH_MODULE(BagOfWords);

Tensor bow_vector(const std::vector<std::string>& words, const lesson::Vocab& word_to_ix) {
  Tensor counts = torch::zeros({word_to_ix.size()});
  for (const std::string& word : words) counts[word_to_ix.at(word)] += 1;
  return counts.view({1, -1});  // 一行 (one row: a batch of one)
}

Tensor target_of(const std::string& label, const lesson::Vocab& label_to_ix) {
  return torch::tensor({label_to_ix.at(label)}, torch::kLong);
}
// %% end

class DeepLearningBlocks : public lesson::Notebook {
 public:
  // Each epoch's summed loss, once the cells have run (--chart).
  const std::vector<double>& loss_curve() const { return losses; }

  std::vector<lesson::Cell> cells() override {
    return {
        {[this] { return cell1(); }},  {[this] { return cell2(); }},
        {[this] { return cell3(); }},  {[this] { return cell4(); }},
        {[this] { return cell5(); }},  {[] { return lesson::Shown{}; }},  // cell 6: above
        {[this] { return cell7(); }},  {[this] { return cell8(); }},
        {[this] { return cell9(); }},  {[this] { return cell10(); }},
        {[this] { return cell11(); }},
    };
  }

 private:
  lesson::Shown cell1() {
    // %% In [1]
    // import torch, ...: the #include lines at the top of the file
    // SEED: declared once, as a member (the flag --seed)
    torch::manual_seed(SEED);
    return {};
    // %% end
  }

  lesson::Shown cell2() {
    // %% In [2]
    affine = torch::nn::Linear(5, 3);  // 从 R^5 到 R^3 (from R^5 to R^3)
    samples = torch::randn({2, 5});    // 两个样本，每行一个 (two samples, one per row)
    print(affine(samples));            // 两行输出 (two rows out)
    return {};
    // %% end
  }

  lesson::Shown cell3() {
    // %% In [3]
    square = torch::randn({2, 2});
    print(square);
    print(F::relu(square));  // 负数变成 0 (negatives become 0)
    return {};
    // %% end
  }

  lesson::Shown cell4() {
    // %% In [4]
    scores = torch::randn({5});
    print(scores);
    print(F::softmax(scores, F::SoftmaxFuncOptions(0)));
    print(F::softmax(scores, F::SoftmaxFuncOptions(0)).sum());  // 总和为 1 (sums to 1)
    print(F::log_softmax(scores, F::LogSoftmaxFuncOptions(0)));
    return {};
    // %% end
  }

  lesson::Shown cell5() {
    // %% In [5]
    data = {{split("me gusta comer en la cafeteria"), "SPANISH"},
            {split("Give it to me"), "ENGLISH"},
            {split("No creo que sea una buena idea"), "SPANISH"},
            {split("No it is not a good idea to get lost at sea"), "ENGLISH"}};
    test_data = {{split("Yo creo que si"), "SPANISH"},  //
                 {split("it is lost on me"), "ENGLISH"}};

    // 单词 -> 编号，按第一次出现的顺序 (word -> index, in order of first appearance)
    word_to_ix = {};
    for (const auto* examples : {&data, &test_data}) {  // data + test_data
      for (const Example& example : *examples) {
        for (const std::string& word : example.words) word_to_ix.add(word);
      }
    }
    print(word_to_ix.object());

    VOCAB_SIZE = word_to_ix.size();
    NUM_LABELS = 2;
    return {};
    // %% end
  }

  lesson::Shown cell7() {
    // %% In [7]
    model = BagOfWords(NUM_LABELS, VOCAB_SIZE);
    for (const Tensor& param : model->parameters()) {  // 先是 A，然后是 b (A first, then b)
      print(pyrepr::parameter(param));                 // Parameter containing: ...
    }
    return {};
    // %% end
  }

  lesson::Shown cell8() {
    // %% In [8]
    // 未训练的模型给第一个训练句子的对数概率 (the untrained model on the first training sentence)
    torch::NoGradGuard no_grad;  // with torch.no_grad():
    const std::vector<std::string>& words = data[0].words;
    print(model(bow_vector(words, word_to_ix)));
    return {};
    // %% end
  }

  lesson::Shown cell9() {
    // %% In [9]
    label_to_ix = {"SPANISH", "ENGLISH"};  // {"SPANISH": 0, "ENGLISH": 1}

    {
      torch::NoGradGuard no_grad;  // with torch.no_grad():
      for (const auto& [words, label] : test_data) {
        print(model(bow_vector(words, word_to_ix)));
      }
    }

    print(model->parameters()[0].index({Slice(), word_to_ix.at("creo")}));
    return {};
    // %% end
  }

  lesson::Shown cell10() {
    // %% In [10]
    loss_function = torch::nn::NLLLoss();
    torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.1));

    losses = {};  // 每一轮四个句子的损失之和：损失曲线 (each epoch's summed loss: the loss curve)
    for (int epoch = 0; epoch < 100; ++epoch) {
      double epoch_loss = 0.0;  // a Python float
      for (const auto& [words, label] : data) {
        model->zero_grad();
        Tensor log_probs = model(bow_vector(words, word_to_ix));
        Tensor loss = loss_function(log_probs, target_of(label, label_to_ix));
        loss.backward();
        optimizer.step();
        epoch_loss += loss.item<double>();
      }
      losses.push_back(epoch_loss);
    }
    return {};
    // %% end
  }

  lesson::Shown cell11() {
    // %% In [11]
    {
      torch::NoGradGuard no_grad;  // with torch.no_grad():
      for (const auto& [words, label] : test_data) {
        print(model(bow_vector(words, word_to_ix)));
      }
    }

    print(model->parameters()[0].index({Slice(), word_to_ix.at("creo")}));
    return {};
    // %% end
  }

  // Parameters (the first code cell).
  lesson::Seed SEED{this, 1};

  // The notebook's variables.
  torch::nn::Linear affine{nullptr};
  Tensor samples, square, scores;
  std::vector<Example> data, test_data;
  lesson::Vocab word_to_ix, label_to_ix;
  int64_t VOCAB_SIZE = 0;
  int64_t NUM_LABELS = 0;
  BagOfWords model{nullptr};
  torch::nn::NLLLoss loss_function{nullptr};
  std::vector<double> losses;
};

}  // namespace

int lesson_main(int argc, char** argv, const char* /*scenario*/) {
  lesson::Program program("demo_deep_learning_blocks",
                          "Affine maps, non-linearities, softmax and a bag-of-words classifier "
                          "trained with SGD (the NLP series' second page), printed as its Python "
                          "prints it.");
  DeepLearningBlocks notebook;
  program.add_chart_flag(
      "draw the bag-of-words classifier's loss curve (each epoch's loss) into "
      "FILE.svg");
  if (int rc = program.parse(argc, argv, notebook); rc >= 0) return rc;
  if (int rc = program.run(notebook); rc != 0) return rc;
  return program.write_chart(
      lesson::loss_curve(notebook.loss_curve(), "deep_learning_blocks: the classifier's loss"));
}
