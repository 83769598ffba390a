// char_lstm_tagger.ipynb in C++, cell by cell: the tutorial's exercise, the
// LSTM part-of-speech tagger with character-level features. A character
// LSTM's final hidden state c_w is concatenated with the word embedding x_w
// before the word LSTM; trained with NLLLoss and SGD as pos_tagger is.
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

namespace {

using torch::Tensor;
namespace F = torch::nn::functional;

using lesson::prepare_sequence;
using lesson::split;

constexpr int64_t kMaxDim = 1024;  // the *_DIM parameters

// A Python str iterated: its characters, each a str of length 1 (the words
// here are ASCII).
std::vector<std::string> characters(const std::string& word) {
  std::vector<std::string> chars;
  for (char ch : word) chars.emplace_back(1, ch);
  return chars;
}

// prepare_inputs(sentence) returns (word indices, [character indices of each word]).
using Inputs = std::pair<Tensor, std::vector<Tensor>>;

// %% In [3]
struct CharLSTMTaggerImpl : torch::nn::Module {
  // 成员按声明的顺序构造，和 Python 的 __init__ 顺序相同，初始权重取到相同的随机数
  // (members are built in declaration order, the order of Python's __init__,
  // so the initial weights take the same random numbers)
  CharLSTMTaggerImpl(int64_t word_embedding_dim, int64_t char_embedding_dim,
                     int64_t char_hidden_dim, int64_t hidden_dim, int64_t vocab_size,
                     int64_t charset_size, int64_t tagset_size)
      : word_embeddings(register_module("word_embeddings",
                                        torch::nn::Embedding(vocab_size, word_embedding_dim))),
        // 字符向量是字符 LSTM 的输入 (the character embeddings are the character LSTM's input)
        char_embeddings(register_module("char_embeddings",
                                        torch::nn::Embedding(charset_size, char_embedding_dim))),
        char_lstm(
            register_module("char_lstm", torch::nn::LSTM(char_embedding_dim, char_hidden_dim))),
        // 单词 LSTM 的输入是 x_w 和 c_w 拼接 (the word LSTM's input: x_w and c_w concatenated)
        lstm(register_module("lstm",
                             torch::nn::LSTM(word_embedding_dim + char_hidden_dim, hidden_dim))),
        hidden2tag(register_module("hidden2tag", torch::nn::Linear(hidden_dim, tagset_size))) {}

  Tensor char_representation(const Tensor& chars) {
    // 一个单词的字符下标 -> c_w：字符 LSTM 最后的隐藏状态
    // (one word's character indices -> c_w: the character LSTM's final hidden state)
    Tensor char_embeds = char_embeddings(chars);
    auto [out, h_n_c_n] = char_lstm(char_embeds.view({chars.size(0), 1, -1}));
    Tensor h_n = std::get<0>(h_n_c_n);
    return h_n.view(-1);
  }

  Tensor forward(const Tensor& sentence, const std::vector<Tensor>& sentence_chars) {
    const int64_t len = sentence.size(0);
    Tensor embeds = word_embeddings(sentence);  // 每行一个 x_w (one x_w per row)
    std::vector<Tensor> reps;
    for (const Tensor& chars : sentence_chars) reps.push_back(char_representation(chars));
    Tensor char_reps = torch::stack(reps);
    Tensor lstm_in = torch::cat({embeds, char_reps}, 1);  // [x_w, c_w]
    Tensor lstm_out = std::get<0>(lstm(lstm_in.view({len, 1, -1})));
    Tensor tag_space = hidden2tag(lstm_out.view({len, -1}));
    Tensor tag_scores = F::log_softmax(tag_space, F::LogSoftmaxFuncOptions(1));
    return tag_scores;
  }

  torch::nn::Embedding word_embeddings;
  torch::nn::Embedding char_embeddings;
  torch::nn::LSTM char_lstm;
  torch::nn::LSTM lstm;
  torch::nn::Linear hidden2tag;
};
TORCH_MODULE(CharLSTMTagger);
// %% end

class CharTagger : public lesson::Notebook {
 public:
  // Each epoch's loss, once the cells have run (--chart).
  const std::vector<double>& loss_curve() const { return losses; }

  std::vector<lesson::Cell> cells() override {
    return {
        {[this] { return cell1(); }},     {[this] { return cell2(); }},
        {[] { return lesson::Shown{}; }},  // cell 3 defines CharLSTMTagger (above)
        {[this] { return cell4(); }},     {[this] { return cell5(); }},
        {[this] { return cell6(); }},     {[this] { return cell7(); }},
    };
  }

 private:
  lesson::Shown cell1() {
    // %% In [1]
    // import torch, ...: the #include lines at the top of the file
    // SEED, WORD_EMBEDDING_DIM, ...: declared once, as members (the flags --seed,
    // --word-embedding-dim, ...)
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
    // shared with pos_tagger: torch.tensor([to_ix[w] for w in seq], dtype=torch.long)

    training_data = {
        // 标签：DET 限定词，NN 名词，V 动词 (tags: DET determiner, NN noun, V verb)
        {split("The dog ate the apple"), {"DET", "NN", "V", "DET", "NN"}},
        {split("Everybody read that book"), {"NN", "V", "DET", "NN"}},
    };
    for (const auto& [sent, tags] : training_data) {
      for (const std::string& word : sent) {
        word_to_ix.add(word);  // 新单词得到下一个下标 (a new word gets the next index)
        for (const std::string& ch : characters(word)) {
          char_to_ix.add(ch);  // 新字符得到下一个下标 (a new character gets the next index)
        }
      }
    }
    print(word_to_ix.object());
    print(char_to_ix.object());
    tag_to_ix = lesson::Vocab{"DET", "NN", "V"};  // {"DET": 0, "NN": 1, "V": 2}

    prepare_inputs = [this](const std::vector<std::string>& sentence) {
      // 单词的下标，和每个单词的字符下标 (the word indices, and each word's character indices)
      std::vector<Tensor> chars;
      for (const std::string& word : sentence) {
        chars.push_back(prepare_sequence(characters(word), char_to_ix));
      }
      return Inputs{prepare_sequence(sentence, word_to_ix), chars};
    };
    return {};
    // %% end
  }

  lesson::Shown cell4() {
    // %% In [4]
    model = CharLSTMTagger(WORD_EMBEDDING_DIM, CHAR_EMBEDDING_DIM, CHAR_HIDDEN_DIM, HIDDEN_DIM,
                           word_to_ix.size(), char_to_ix.size(), tag_to_ix.size());
    loss_function = torch::nn::NLLLoss();
    optimizer =
        std::make_unique<torch::optim::SGD>(model->parameters(), torch::optim::SGDOptions(LR));

    // 单词 LSTM 的输入维度 = 词向量 + 字符表示 (the word LSTM's input size = word embedding + c_w)
    print("word LSTM input size:", model->lstm->options.input_size());

    {
      torch::NoGradGuard no_grad;  // with torch.no_grad():
      auto [sentence_in, chars_in] = prepare_inputs(training_data[0].first);
      Tensor c_w = model->char_representation(chars_in[1]);
      print("c_w of 'dog':", c_w);
      tag_scores = model(sentence_in, chars_in);
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
        model->zero_grad();  // 梯度清零 (clear the gradients)

        auto [sentence_in, chars_in] = prepare_inputs(sentence);
        Tensor targets = prepare_sequence(tags, tag_to_ix);

        tag_scores = model(sentence_in, chars_in);

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
    {
      torch::NoGradGuard no_grad;  // with torch.no_grad():
      auto [sentence_in, chars_in] = prepare_inputs(training_data[0].first);
      tag_scores = model(sentence_in, chars_in);
      print(tag_scores);
    }
    return {};
    // %% end
  }

  lesson::Shown cell7() {
    // %% In [7]
    print(tag_scores.argmax(1));

    std::map<int64_t, std::string> ix_to_tag;
    for (const auto& [tag, ix] : tag_to_ix.items()) ix_to_tag[ix] = tag;
    torch::NoGradGuard no_grad;  // with torch.no_grad():
    for (const auto& [sentence, tags] : training_data) {
      auto [sentence_in, chars_in] = prepare_inputs(sentence);  // model(*prepare_inputs(...))
      Tensor predicted = model(sentence_in, chars_in).argmax(1);
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
  lesson::Param<int64_t> WORD_EMBEDDING_DIM{this, "WORD_EMBEDDING_DIM", 6,
                                            "size of a word embedding x_w",
                                            CLI::Range(int64_t{1}, kMaxDim)};
  lesson::Param<int64_t> CHAR_EMBEDDING_DIM{this, "CHAR_EMBEDDING_DIM", 3,
                                            "size of a character embedding",
                                            CLI::Range(int64_t{1}, kMaxDim)};
  lesson::Param<int64_t> CHAR_HIDDEN_DIM{this, "CHAR_HIDDEN_DIM", 3,
                                         "size of c_w, the character LSTM's hidden state",
                                         CLI::Range(int64_t{1}, kMaxDim)};
  lesson::Param<int64_t> HIDDEN_DIM{this, "HIDDEN_DIM", 6, "size of the word LSTM's hidden state",
                                    CLI::Range(int64_t{1}, kMaxDim)};
  lesson::Epochs EPOCHS{this};
  lesson::LearningRate LR{this};
  lesson::Tutorial TUTORIAL{this};

  // The notebook's variables.
  std::function<Inputs(const std::vector<std::string>&)> prepare_inputs;
  lesson::TrainingData training_data;
  lesson::Vocab word_to_ix;
  lesson::Vocab char_to_ix;
  lesson::Vocab tag_to_ix;
  CharLSTMTagger model{nullptr};
  torch::nn::NLLLoss loss_function{nullptr};
  std::unique_ptr<torch::optim::SGD> optimizer;
  Tensor tag_scores;
  std::vector<double> losses;
};

}  // namespace

int lesson_main(int argc, char** argv, const char* /*scenario*/) {
  lesson::Program program(
      "demo_char_lstm_tagger",
      "The tutorial's exercise: the LSTM part-of-speech tagger with character-level features, "
      "trained as char_lstm_tagger.ipynb trains it, printed as Jupyter shows it.");
  CharTagger notebook;
  program.add_chart_flag("draw the loss curve (each epoch's loss) into FILE.svg");
  if (int rc = program.parse(argc, argv, notebook); rc >= 0) return rc;
  if (int rc = program.run(notebook); rc != 0) return rc;
  return program.write_chart(
      lesson::loss_curve(notebook.loss_curve(), "char_lstm_tagger: the training loss"));
}
