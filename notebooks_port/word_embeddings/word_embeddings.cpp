// word_embeddings.ipynb in C++, cell by cell: the third page of PyTorch's
// "Deep Learning for NLP" series. nn.Embedding as a lookup table, an N-gram
// language model (Embedding -> Linear 128 -> relu -> Linear -> log_softmax)
// trained with NLLLoss and SGD on Sonnet 2, the CBOW data, and a worked
// solution of the page's CBOW exercise (--cbow).
//
// The vocabulary is Python's `set(words)` in its iteration order, which
// depends on PYTHONHASHSEED: pyrepr::python_set_order reproduces it for the
// seed --python-hash-seed gives (default 0, what the notebooks run with).
//
// Each cell's C++ lies between "// %% In [n]" and "// %% end" markers (the
// walk-through README is generated from them). Notebook variables are
// members, named as in Python.
#include <ATen/ATen.h>
#include <torch/nn/functional/activation.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/loss.h>
#include <torch/nn/pimpl.h>
#include <torch/optim/sgd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lesson/chart.hpp"
#include "lesson/param.hpp"
#include "lesson/program.hpp"
#include "lesson/tagger.hpp"
#include "lesson/vocab.hpp"
#include "pyrepr/pyrepr.hpp"
#include "pyrepr/python_hash.hpp"

namespace {

using torch::Tensor;
namespace F = torch::nn::functional;
using Words = std::vector<std::string>;
// [(context, target), ...]: a list of tuples (list of str, str)
using Examples = std::vector<std::pair<Words, std::string>>;

constexpr int64_t kMaxEpochs = 100000;  // EPOCHS

// The first `n` items of a list: Python's items[:n].
template <class T>
std::vector<T> head(const std::vector<T>& items, size_t n) {
  return {items.begin(), items.begin() + static_cast<std::ptrdiff_t>(std::min(n, items.size()))};
}

// words[from:to][::-1] + ...: the words at [from, to) nearest-first, i.e. from to - 1 down to from.
void append_reversed(Words& out, const Words& words, size_t from, size_t to) {
  for (size_t k = to; k > from; --k) out.push_back(words[k - 1]);
}

// %% In [5]
// nn.Module 的子类：C++ 里是 torch::nn::Module 的子类，TORCH_MODULE 生成按引用共享的
// NGramLanguageModeler (an nn.Module subclass; TORCH_MODULE makes the shared holder)
struct NGramLanguageModelerImpl : torch::nn::Module {
  NGramLanguageModelerImpl(int64_t vocab_size, int64_t embedding_dim, int64_t context_size)
      // 按声明的顺序构造，和 Python 一样，所以初始权重用的是同样的随机数
      // (built in declaration order, as in Python: the same random numbers)
      : embeddings(register_module("embeddings", torch::nn::Embedding(vocab_size, embedding_dim))),
        linear1(register_module("linear1", torch::nn::Linear(context_size * embedding_dim, 128))),
        linear2(register_module("linear2", torch::nn::Linear(128, vocab_size))) {}

  Tensor forward(const Tensor& inputs) {
    Tensor joined = embeddings(inputs).view({1, -1});  // 1 × (context_size · embedding_dim)
    Tensor hidden = F::relu(linear1(joined));
    return F::log_softmax(linear2(hidden), F::LogSoftmaxFuncOptions(1));
  }

  torch::nn::Embedding embeddings;
  torch::nn::Linear linear1;
  torch::nn::Linear linear2;
};
TORCH_MODULE(NGramLanguageModeler);
// %% end

// %% In [9]
struct CBOWModelImpl : torch::nn::Module {
  CBOWModelImpl(int64_t vocab_size, int64_t embedding_dim)
      : embeddings(register_module("embeddings", torch::nn::Embedding(vocab_size, embedding_dim))),
        linear(register_module("linear", torch::nn::Linear(embedding_dim, vocab_size))) {}

  Tensor forward(const Tensor& inputs) {
    Tensor summed = embeddings(inputs).sum(0).view({1, -1});  // Σ q_w: 1 × embedding_dim
    return F::log_softmax(linear(summed), F::LogSoftmaxFuncOptions(1));
  }

  torch::nn::Embedding embeddings;
  torch::nn::Linear linear;
};
TORCH_MODULE(CBOWModel);
// %% end

class WordEmbeddings : public lesson::Notebook {
 public:
  WordEmbeddings() { variable("lookup_tensor", lookup_tensor); }

  // Each epoch's loss of the N-gram model, once the cells have run (--chart).
  const std::vector<double>& loss_curve() const { return losses; }

  std::vector<lesson::Cell> cells() override {
    return {
        {[this] { return cell1(); }},
        {[this] { return cell2(); }},
        {[this] { return cell3(); }},
        {[this] { return cell4(); }},
        {[] { return lesson::Shown{}; }},  // cell 5 defines NGramLanguageModeler (above)
        {[this] { return cell6(); }},
        {[this] { return cell7(); }},
        {[this] { return cell8(); }},
        {[] { return lesson::Shown{}; }},  // cell 9 defines CBOWModel (above)
        {[this] { return cell10(); }},
        {[this] { return cell11(); }},
        {[this] { return cell12(); }},
    };
  }

 private:
  lesson::Shown cell1() {
    // %% In [1]
    // import torch, ...: the #include lines at the top of the file
    // SEED, EPOCHS, CBOW: declared once, as members (the flags --seed, --epochs, --cbow)
    torch::manual_seed(SEED);
    return {};
    // %% end
  }

  lesson::Shown cell2() {
    // %% In [2]
    word_to_ix = lesson::Vocab{"hello", "world"};  // {"hello": 0, "world": 1}
    embeds = torch::nn::Embedding(2, 5);  // 词表 2 个词，每个词 5 维 (2 words, 5 dimensions each)
    lookup_tensor = torch::tensor({word_to_ix.at("hello")}, torch::kLong);
    hello_embed = embeds(lookup_tensor);  // 第 0 行 (row 0)
    print(hello_embed);
    return {};
    // %% end
  }

  lesson::Shown cell3() {
    // %% In [3]
    CONTEXT_SIZE = 2;
    EMBEDDING_DIM = 10;
    // 莎士比亚第 2 首十四行诗 (Shakespeare's Sonnet 2); lesson::split is Python's str.split()
    test_sentence = lesson::split(
        "When forty winters shall besiege thy brow,\n"
        "And dig deep trenches in thy beauty's field,\n"
        "Thy youth's proud livery so gazed on now,\n"
        "Will be a totter'd weed of small worth held:\n"
        "Then being asked, where all thy beauty lies,\n"
        "Where all the treasure of thy lusty days;\n"
        "To say, within thine own deep sunken eyes,\n"
        "Were an all-eating shame, and thriftless praise.\n"
        "How much more praise deserv'd thy beauty's use,\n"
        "If thou couldst answer 'This fair child of mine\n"
        "Shall sum my count, and make my old excuse,'\n"
        "Proving his beauty by succession thine!\n"
        "This were to be new made when thou art old,\n"
        "And see thy blood warm when thou feel'st it cold.");

    // (上下文, 目标)：上下文是目标之前的 CONTEXT_SIZE 个词，最近的在前
    // ((context, target): the CONTEXT_SIZE words before the target, nearest first)
    ngrams = {};
    for (size_t i = CONTEXT_SIZE; i < test_sentence.size(); ++i) {
      Words context;
      append_reversed(context, test_sentence, i - CONTEXT_SIZE, i);
      ngrams.emplace_back(context, test_sentence[i]);
    }
    print(head(ngrams, 3));  // a list of tuples ([str, str], str)
    return {};
    // %% end
  }

  lesson::Shown cell4() {
    // %% In [4]
    // set(test_sentence) 的迭代顺序：CPython 的 str 哈希（SipHash-1-3，密钥来自
    // PYTHONHASHSEED）和 set 的哈希表，由 pyrepr 重现
    // (set(test_sentence)'s iteration order: CPython's str hash, SipHash-1-3 keyed by
    // PYTHONHASHSEED, and the set's table, as pyrepr reproduces them; --python-hash-seed N)
    vocab = pyrepr::python_set_order(test_sentence, python_hash_seed());
    word_to_ix = lesson::Vocab{};
    for (const std::string& word : vocab) word_to_ix.add(word);  // enumerate(vocab)
    return {};
    // %% end
  }

  lesson::Shown cell6() {
    // %% In [6]
    losses = {};
    loss_function = torch::nn::NLLLoss();
    model = NGramLanguageModeler(static_cast<int64_t>(vocab.size()), EMBEDDING_DIM, CONTEXT_SIZE);
    optimizer =
        std::make_unique<torch::optim::SGD>(model->parameters(), torch::optim::SGDOptions(0.001));

    for (int64_t epoch = 0; epoch < EPOCHS; ++epoch) {
      double total_loss = 0;  // a Python float: a double
      for (const auto& [context, target] : ngrams) {
        // 1. 上下文的词变成下标张量 (the context words as a tensor of indices)
        Tensor context_idxs = lesson::prepare_sequence(context, word_to_ix);
        // 2. 梯度会累加，先清零 (gradients accumulate: clear them first)
        model->zero_grad();
        // 3. 前向：下一个词的对数概率 (forward: the log-probabilities of the next word)
        Tensor log_probs = model(context_idxs);
        // 4. 损失：目标词的负对数概率 (the loss: the target word's negative log-probability)
        Tensor loss =
            loss_function(log_probs, torch::tensor({word_to_ix.at(target)}, torch::kLong));
        // 5. 反向传播，更新参数 (backpropagate, update the parameters)
        loss.backward();
        optimizer->step();
        total_loss += loss.item<double>();  // loss.item(): float32 widened to a Python float
      }
      losses.push_back(total_loss);
    }
    print(losses);  // Python 的 float 列表，最短的 repr (Python floats, shortest repr)
    return {};
    // %% end
  }

  lesson::Shown cell7() {
    // %% In [7]
    // 选出一行：grad_fn=<SelectBackward0> (selecting a row: grad_fn=<SelectBackward0>)
    print(model->embeddings->weight[word_to_ix.at("beauty")]);
    return {};
    // %% end
  }

  lesson::Shown cell8() {
    // %% In [8]
    CONTEXT_SIZE = 2;  // 左右各 2 个词 (2 words to the left, 2 to the right)
    raw_text = lesson::split(
        "We are about to study the idea of a computational process.\n"
        "Computational processes are abstract beings that inhabit computers.\n"
        "As they evolve, processes manipulate other abstract things called data.\n"
        "The evolution of a process is directed by a pattern of rules\n"
        "called a program. People create programs to direct processes. In effect,\n"
        "we conjure the spirits of the computer with our spells.");

    vocab = pyrepr::python_set_order(raw_text, python_hash_seed());  // set(raw_text)
    vocab_size = static_cast<int64_t>(vocab.size());
    word_to_ix = lesson::Vocab{};
    for (const std::string& word : vocab) word_to_ix.add(word);

    data = {};
    for (size_t i = CONTEXT_SIZE; i + CONTEXT_SIZE < raw_text.size(); ++i) {
      Words context;
      append_reversed(context, raw_text, i - CONTEXT_SIZE, i);  // raw_text[i-2:i][::-1]
      for (size_t k = i + 1; k <= i + CONTEXT_SIZE; ++k) context.push_back(raw_text[k]);
      data.emplace_back(context, raw_text[i]);
    }
    print(head(data, 5));
    return {};
    // %% end
  }

  lesson::Shown cell10() {
    // %% In [10]
    // def: a function object, defined when the cell runs, as in Python
    make_context_vector = [](const Words& context, const lesson::Vocab& word_to_ix) {
      std::vector<int64_t> idxs;
      for (const std::string& w : context) idxs.push_back(word_to_ix.at(w));
      return torch::tensor(idxs, torch::kLong);
    };

    // 例子 (an example); the ';' at the end: nothing shown
    make_context_vector(data[0].first, word_to_ix);
    return {};
    // %% end
  }

  lesson::Shown cell11() {
    // %% In [11]
    if (CBOW) {
      cbow_losses = {};
      cbow_model = CBOWModel(vocab_size, EMBEDDING_DIM);
      cbow_optimizer = std::make_unique<torch::optim::SGD>(cbow_model->parameters(),
                                                           torch::optim::SGDOptions(0.05));
      for (int epoch = 0; epoch < 20; ++epoch) {
        double total_loss = 0;
        for (const auto& [context, target] : data) {
          cbow_model->zero_grad();
          Tensor log_probs = cbow_model(make_context_vector(context, word_to_ix));
          Tensor loss =
              loss_function(log_probs, torch::tensor({word_to_ix.at(target)}, torch::kLong));
          loss.backward();
          cbow_optimizer->step();
          total_loss += loss.item<double>();
        }
        cbow_losses.push_back(total_loss);
      }
      print(cbow_losses);
    }
    return {};
    // %% end
  }

  lesson::Shown cell12() {
    // %% In [12]
    if (CBOW) {
      std::map<int64_t, std::string> ix_to_word;
      for (const auto& [word, ix] : word_to_ix.items()) ix_to_word[ix] = word;
      torch::NoGradGuard no_grad;  // with torch.no_grad():
      auto predict = [&](const Words& context) {
        return ix_to_word.at(
            cbow_model(make_context_vector(context, word_to_ix)).argmax(1).item<int64_t>());
      };
      const auto& [context, target] = data[0];
      std::string predicted = predict(context);
      print(context, "->", predicted);
      int64_t right = 0;
      for (const auto& [c, t] : data) right += predict(c) == t ? 1 : 0;
      print("correct:", right, "of", static_cast<int64_t>(data.size()));
    }
    return {};
    // %% end
  }

  // Parameters (the first code cell).
  lesson::Seed SEED{this, 1};
  lesson::Param<int64_t> EPOCHS{this, "EPOCHS", 10, "training epochs of the N-gram model",
                                CLI::Range(int64_t{0}, kMaxEpochs)};
  lesson::Param<bool> CBOW{
      this, "CBOW", false,
      "also train the CBOW exercise's solution and show what it predicts (CBOW = True)"};

  // The notebook's variables.
  int64_t CONTEXT_SIZE = 0;
  int64_t EMBEDDING_DIM = 0;
  lesson::Vocab word_to_ix;
  torch::nn::Embedding embeds{nullptr};
  Tensor lookup_tensor, hello_embed;
  Words test_sentence;
  Examples ngrams;
  Words vocab;  // set(...) in its iteration order
  NGramLanguageModeler model{nullptr};
  torch::nn::NLLLoss loss_function{nullptr};
  std::unique_ptr<torch::optim::SGD> optimizer;
  std::vector<double> losses;
  Words raw_text;
  int64_t vocab_size = 0;
  Examples data;
  std::function<Tensor(const Words&, const lesson::Vocab&)> make_context_vector;
  CBOWModel cbow_model{nullptr};
  std::unique_ptr<torch::optim::SGD> cbow_optimizer;
  std::vector<double> cbow_losses;
};

}  // namespace

int lesson_main(int argc, char** argv, const char* /*scenario*/) {
  lesson::Program program("demo_word_embeddings",
                          "Word embeddings: nn.Embedding, an N-gram language model on Sonnet 2 and "
                          "the CBOW data, printed as PyTorch's page prints them.");
  WordEmbeddings notebook;
  program.add_chart_flag("draw the N-gram model's loss curve (each epoch's loss) into FILE.svg");
  if (int rc = program.parse(argc, argv, notebook); rc >= 0) return rc;
  if (int rc = program.run(notebook); rc != 0) return rc;
  return program.write_chart(
      lesson::loss_curve(notebook.loss_curve(), "word_embeddings: the N-gram model's loss"));
}
