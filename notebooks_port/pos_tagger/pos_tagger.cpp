// pos_tagger.ipynb in C++, cell by cell: the tutorial's LSTM part-of-speech
// tagger (Embedding -> LSTM -> Linear -> log_softmax), trained with NLLLoss
// and SGD on two sentences.
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
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>
#include <torch/optim/sgd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
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

namespace {

using torch::Tensor;
namespace F = torch::nn::functional;

using lesson::prepare_sequence;
using lesson::split;

constexpr int64_t kMaxDim = 1024;  // EMBEDDING_DIM, HIDDEN_DIM

// %% In [3]
// nn.Module 的子类在 C++ 里是 torch::nn::Module 的子类 LSTMTaggerImpl，
// TORCH_MODULE 生成持有它的 LSTMTagger（像 Python 对象一样按引用共享）
// (an nn.Module subclass; TORCH_MODULE makes the holder LSTMTagger, shared by reference)
struct LSTMTaggerImpl : torch::nn::Module {
  LSTMTaggerImpl(int64_t embedding_dim, int64_t hidden_dim, int64_t vocab_size, int64_t tagset_size)
      : hidden_dim(hidden_dim),
        // 成员按声明的顺序构造，和 Python 一样：先词向量，再 LSTM，最后线性层
        // (members are built in declaration order, as in Python: the initial
        // weights take the same random numbers)
        word_embeddings(
            register_module("word_embeddings", torch::nn::Embedding(vocab_size, embedding_dim))),
        // LSTM 以词向量为输入，输出维度为 hidden_dim 的隐藏状态
        // (the LSTM takes word embeddings as inputs, and outputs hidden states of size hidden_dim)
        lstm(register_module("lstm", torch::nn::LSTM(embedding_dim, hidden_dim))),
        // 线性层把隐藏状态映射到标签空间 (the linear layer maps hidden states to tag space)
        hidden2tag(register_module("hidden2tag", torch::nn::Linear(hidden_dim, tagset_size))) {}

  Tensor forward(const Tensor& sentence) {
    const int64_t len = sentence.size(0);
    Tensor embeds = word_embeddings(sentence);
    Tensor lstm_out = std::get<0>(lstm(embeds.view({len, 1, -1})));
    Tensor tag_space = hidden2tag(lstm_out.view({len, -1}));
    Tensor tag_scores = F::log_softmax(tag_space, F::LogSoftmaxFuncOptions(1));
    return tag_scores;
  }

  int64_t hidden_dim;
  torch::nn::Embedding word_embeddings;
  torch::nn::LSTM lstm;
  torch::nn::Linear hidden2tag;
};
TORCH_MODULE(LSTMTagger);
// %% end

class PosTagger : public lesson::Notebook {
 public:
  // Each epoch's loss, once the cells have run (--chart).
  const std::vector<double>& loss_curve() const { return losses; }

  std::vector<lesson::Cell> cells() override {
    return {
        {[this] { return cell1(); }},     {[this] { return cell2(); }},
        {[] { return lesson::Shown{}; }},  // cell 3 defines LSTMTagger (above)
        {[this] { return cell4(); }},     {[this] { return cell5(); }},
        {[this] { return cell6(); }},     {[this] { return cell7(); }},
    };
  }

 private:
  lesson::Shown cell1() {
    // %% In [1]
    // import torch, ...: the #include lines at the top of the file
    // SEED, EMBEDDING_DIM, ...: declared once, as members (the flags --seed, --embedding-dim, ...)
    torch::manual_seed(SEED);
    // 官方教程页面上，词性标注之前先运行了 LSTM 的例子，它用掉了一些随机数；
    // TUTORIAL = True 重放这些随机数，得到页面上的数字
    // (on the official tutorial page the LSTM example runs before the tagger and draws
    // random numbers first; TUTORIAL = True replays those draws, to get the page's numbers)
    if (TUTORIAL) {
      torch::nn::LSTM lstm(3, 3);
      std::vector<Tensor> inputs;
      for (int k = 0; k < 5; ++k) inputs.push_back(torch::randn({1, 3}));
      // one statement per draw, in Python's order (a tuple's elements, left to right)
      Tensor h0 = torch::randn({1, 1, 3});
      Tensor c0 = torch::randn({1, 1, 3});
      Tensor h1 = torch::randn({1, 1, 3});
      Tensor c1 = torch::randn({1, 1, 3});
    }
    return {};
    // %% end
  }

  lesson::Shown cell2() {
    // %% In [2]
    // def prepare_sequence(seq, to_ix): lesson::prepare_sequence (lesson/tagger.hpp),
    // shared with char_lstm_tagger: torch.tensor([to_ix[w] for w in seq], dtype=torch.long)

    training_data = {
        // 标签：DET 限定词，NN 名词，V 动词 (tags: DET determiner, NN noun, V verb)
        {split("The dog ate the apple"), {"DET", "NN", "V", "DET", "NN"}},
        {split("Everybody read that book"), {"NN", "V", "DET", "NN"}},
    };
    // 每个训练样本中的每个单词；新单词得到下一个下标
    // (each word of each sentence; a new word gets the next index)
    for (const auto& [sent, tags] : training_data) {
      for (const std::string& word : sent) {
        if (!word_to_ix.contains(word)) word_to_ix.add(word);  // word_to_ix[word] = len(word_to_ix)
      }
    }
    print(word_to_ix.object());
    tag_to_ix = lesson::Vocab{"DET", "NN", "V"};  // {"DET": 0, "NN": 1, "V": 2}
    return {};
    // %% end
  }

  lesson::Shown cell4() {
    // %% In [4]
    model = LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, word_to_ix.size(), tag_to_ix.size());
    loss_function = torch::nn::NLLLoss();
    optimizer =
        std::make_unique<torch::optim::SGD>(model->parameters(), torch::optim::SGDOptions(LR));

    // 训练前的得分：第 i 行第 j 列是单词 i 属于标签 j 的得分
    // (the scores before training: element i, j is the score of tag j for word i)
    {
      torch::NoGradGuard no_grad;  // with torch.no_grad():
      Tensor inputs = prepare_sequence(training_data[0].first, word_to_ix);
      tag_scores = model(inputs);
      print(tag_scores);
    }
    return {};
    // %% end
  }

  lesson::Shown cell5() {
    // %% In [5]
    losses = {};  // 每一轮的损失：损失曲线 (each epoch's loss: the loss curve)
    for (int64_t epoch = 0; epoch < EPOCHS; ++epoch) {
      double epoch_loss = 0.0;  // a Python float
      for (const auto& [sentence, tags] : training_data) {
        // 第 1 步：PyTorch 会累加梯度，每个样本之前先清零
        // (Step 1: PyTorch accumulates gradients; clear them out before each instance)
        model->zero_grad();

        // 第 2 步：把输入变成单词下标的张量 (Step 2: turn the inputs into tensors of word indices)
        Tensor sentence_in = prepare_sequence(sentence, word_to_ix);
        Tensor targets = prepare_sequence(tags, tag_to_ix);

        // 第 3 步：前向传播 (Step 3: the forward pass)
        tag_scores = model(sentence_in);

        // 第 4 步：计算损失和梯度，optimizer.step() 更新参数
        // (Step 4: the loss, the gradients, and the update by optimizer.step())
        Tensor loss = loss_function(tag_scores, targets);
        loss.backward();
        optimizer->step();
        epoch_loss += loss.item<double>();
      }
      losses.push_back(epoch_loss);
      if (epoch % 50 == 0 || epoch == EPOCHS - 1) {
        print("epoch", epoch, "loss", epoch_loss);
      }
    }
    return {};
    // %% end
  }

  lesson::Shown cell6() {
    // %% In [6]
    // 训练后的得分 (the scores after training)
    {
      torch::NoGradGuard no_grad;  // with torch.no_grad():
      Tensor inputs = prepare_sequence(training_data[0].first, word_to_ix);
      tag_scores = model(inputs);

      // 句子是 "the dog ate the apple"。第 i 行第 j 列是单词 i 属于标签 j 的得分
      // (the sentence is "the dog ate the apple"; i, j is the score of tag j for word i)
      print(tag_scores);
    }
    return {};
    // %% end
  }

  lesson::Shown cell7() {
    // %% In [7]
    // 每一行最大值的下标：0 1 2 0 1 就是 DET NN V DET NN
    // (the index of each row's maximum: 0 1 2 0 1 is DET NN V DET NN)
    print(tag_scores.argmax(1));

    std::map<int64_t, std::string> ix_to_tag;
    for (const auto& [tag, ix] : tag_to_ix.items()) ix_to_tag[ix] = tag;
    torch::NoGradGuard no_grad;  // with torch.no_grad():
    for (const auto& [sentence, tags] : training_data) {
      Tensor predicted = model(prepare_sequence(sentence, word_to_ix)).argmax(1);
      std::vector<std::pair<std::string, std::string>> tagged;  // [(word, tag), ...]
      for (size_t k = 0; k < sentence.size(); ++k) {
        tagged.emplace_back(sentence[k], ix_to_tag.at(predicted[k].item<int64_t>()));
      }
      print(tagged);
    }
    return {};
    // %% end
  }

  // Parameters (the first code cell); EPOCHS, LR and TUTORIAL are the
  // taggers' (lesson/tagger.hpp).
  lesson::Seed SEED{this, 1};
  lesson::Param<int64_t> EMBEDDING_DIM{this, "EMBEDDING_DIM", 6, "size of a word embedding",
                                       CLI::Range(int64_t{1}, kMaxDim)};
  lesson::Param<int64_t> HIDDEN_DIM{this, "HIDDEN_DIM", 6, "size of the LSTM's hidden state",
                                    CLI::Range(int64_t{1}, kMaxDim)};
  lesson::Epochs EPOCHS{this};
  lesson::LearningRate LR{this};
  lesson::Tutorial TUTORIAL{this};

  // The notebook's variables.
  lesson::TrainingData training_data;
  lesson::Vocab word_to_ix;
  lesson::Vocab tag_to_ix;
  LSTMTagger model{nullptr};
  torch::nn::NLLLoss loss_function{nullptr};
  std::unique_ptr<torch::optim::SGD> optimizer;
  Tensor tag_scores;
  std::vector<double> losses;
};

}  // namespace

int lesson_main(int argc, char** argv, const char* /*scenario*/) {
  lesson::Program program("demo_pos_tagger",
                          "The tutorial's LSTM part-of-speech tagger, trained as pos_tagger.ipynb "
                          "trains it, printed as Jupyter shows it.");
  PosTagger notebook;
  program.add_chart_flag("draw the loss curve (each epoch's loss) into FILE.svg");
  if (int rc = program.parse(argc, argv, notebook); rc >= 0) return rc;
  if (int rc = program.run(notebook); rc != 0) return rc;
  return program.write_chart(
      lesson::loss_curve(notebook.loss_curve(), "pos_tagger: the training loss"));
}
