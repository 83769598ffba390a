// bilstm_crf.ipynb in C++, cell by cell: the last page of PyTorch's "Deep
// Learning for NLP" series, the Bi-LSTM CRF. A bidirectional LSTM gives each
// word an emission score per tag, a transition matrix scores each pair of
// neighbouring tags; training runs the forward algorithm in log space minus
// the gold path's score, decoding runs Viterbi. --vectorized does each time
// step of both as one matrix operation.
//
// Each cell's C++ lies between "// %% In [n]" and "// %% end" markers (the
// walk-through README is generated from them). Notebook variables are
// members, named as in Python; so are the model's methods, without their
// leading underscore.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/generated/variable_factories.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>
#include <torch/optim/sgd.h>
#include <torch/version.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bilstm_crf_fast.hpp"
#include "lesson/chart.hpp"
#include "lesson/param.hpp"
#include "lesson/program.hpp"
#include "lesson/tagger.hpp"
#include "lesson/vocab.hpp"
#include "pyrepr/pyrepr.hpp"

namespace {

using torch::Tensor;
namespace fast = bilstm_crf::fast;

using lesson::prepare_sequence;
using lesson::split;

constexpr int64_t kMaxEpochs = 100000;  // EPOCHS

// %% In [2]
// def argmax(vec): vec is (1, n); the index of its largest entry, as an int.
// Named argmax_item here: a plain argmax(vec) would be ambiguous with
// at::argmax, which C++ finds by argument-dependent lookup (vec is an at::Tensor).
int64_t argmax_item(const Tensor& vec) {
  auto [values, idx] = torch::max(vec, 1);
  return idx.item<int64_t>();
}

// def prepare_sequence(seq, to_ix): lesson::prepare_sequence (lesson/tagger.hpp),
// torch.tensor([to_ix[w] for w in seq], dtype=torch.long)

// def log_sum_exp(vec): max + log(sum(exp(vec - max))), which cannot overflow
Tensor log_sum_exp(const Tensor& vec) {
  const int64_t best = argmax_item(vec);  // Python computes the index before indexing
  Tensor top = vec[0][best];              // vec[0, best]: two selects, as in Python
  Tensor top_row = top.view({1, -1}).expand({1, vec.size(1)});
  return top + torch::log(torch::sum(torch::exp(vec - top_row)));
}

// def log_sum_exp_rows(mat): log_sum_exp of every row of a matrix at once (for VECTORIZED)
Tensor log_sum_exp_rows(const Tensor& mat) {
  Tensor top = std::get<0>(torch::max(mat, 1));
  return top + torch::log(torch::sum(torch::exp(mat - top.view({-1, 1})), 1));
}
// %% end

// The fast path of the default run: the fused autograd nodes of
// bilstm_crf_fast.hpp, one node each for the CRF's loss and the LSTM.
// The fused CRF nodes repeat kernels and autograd formulas that are the same
// in LibTorch 1.13, 2.6 and 2.14 (checked bit for bit in each: --op-by-op and
// parity.bilstm_crf.vectorized_vs_loop). The fused LSTM node repeats 1.13's
// CPU LSTM; 2.x runs nn.LSTM on the CPU through oneDNN (MkldnnRnnLayer), whose
// float operations it does not repeat, so with 2.x nn.LSTM itself runs (one
// call per sentence: cheap; the time goes to the CRF's graph).
constexpr bool kFusedLstmChecked = TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR == 13;

// --op-by-op: the page's graph, one autograd node per operation (slow; the same bits).
bool op_by_op_graph = false;

// %% In [3]
// START_TAG and STOP_TAG (defined in the data cell in Python, a global the
// class reads when it runs): here before the class that uses them.
const std::string START_TAG = "<START>";
const std::string STOP_TAG = "<STOP>";

struct BiLSTM_CRFImpl : torch::nn::Module {
  BiLSTM_CRFImpl(int64_t vocab_size, const lesson::Vocab& tag_to_ix, int64_t embedding_dim,
                 int64_t hidden_dim, bool vectorized = false, bool perceptron = false)
      : embedding_dim(embedding_dim),
        hidden_dim(hidden_dim),
        vocab_size(vocab_size),
        tag_to_ix(tag_to_ix),
        tagset_size(tag_to_ix.size()),
        vectorized(vectorized),
        perceptron(perceptron),
        // 构造顺序决定每个模块取到哪些随机数：成员按声明顺序构造，和 Python 的 __init__ 一样
        // (the order of construction decides the random numbers: members are built
        // in declaration order, that of Python's __init__)
        word_embeds(
            register_module("word_embeds", torch::nn::Embedding(vocab_size, embedding_dim))),
        // 两个方向各 hidden_dim / 2 (hidden_dim / 2 each way)
        lstm(register_module("lstm",
                             torch::nn::LSTM(torch::nn::LSTMOptions(embedding_dim, hidden_dim / 2)
                                                 .num_layers(1)
                                                 .bidirectional(true)))),
        hidden2tag(register_module("hidden2tag", torch::nn::Linear(hidden_dim, tagset_size))),
        // transitions[j, k]：从标签 k 转到标签 j 的分数 (the score of moving from tag k to tag j)
        transitions(register_parameter("transitions", torch::randn({tagset_size, tagset_size}))) {
    // 不能转到 START，也不能从 STOP 转出 (nothing moves to START, nothing leaves STOP):
    // Python's self.transitions.data[...] = -10000 writes around autograd
    torch::NoGradGuard no_grad;
    transitions.select(0, tag_to_ix.at(START_TAG)).fill_(-10000);
    transitions.select(1, tag_to_ix.at(STOP_TAG)).fill_(-10000);
    hidden = init_hidden();
  }

  // 随机的初始 (h, c)：每次调用都抽新的随机数，h 在前
  // (a random initial (h, c): new draws at every call, h first)
  std::tuple<Tensor, Tensor> init_hidden() {
    Tensor h = torch::randn({2, 1, hidden_dim / 2});
    Tensor c = torch::randn({2, 1, hidden_dim / 2});
    return {h, c};
  }

  // _forward_alg: log of the sum of exp(score) over every tag sequence
  Tensor forward_alg(const Tensor& feats) {
    if (vectorized) return forward_alg_vectorized(feats);
    Tensor start = torch::full({1, tagset_size}, -10000.);
    start[0][tag_to_ix.at(START_TAG)] = 0.;  // 只有 START 的对数分数为 0 (only START scores log 1)
    Tensor forward_var = start;
    for (const Tensor& feat : feats.unbind(0)) {  // for feat in feats: 每个词 (each word)
      std::vector<Tensor> alphas_t;
      for (int64_t next_tag = 0; next_tag < tagset_size; ++next_tag) {
        // 发射分数与上一个标签无关，复制成一行 (the emission doesn't depend on the previous tag)
        Tensor emit_score = feat[next_tag].view({1, -1}).expand({1, tagset_size});
        // 第 i 项：从标签 i 转到 next_tag (entry i: moving from tag i to next_tag)
        Tensor trans_score = transitions[next_tag].view({1, -1});
        Tensor next_tag_var = forward_var + trans_score + emit_score;
        alphas_t.push_back(log_sum_exp(next_tag_var).view(1));
      }
      forward_var = torch::cat(alphas_t).view({1, -1});
    }
    Tensor terminal_var = forward_var + transitions[tag_to_ix.at(STOP_TAG)];
    return log_sum_exp(terminal_var);
  }

  // _forward_alg_vectorized: one matrix per word instead of a loop over next_tag
  Tensor forward_alg_vectorized(const Tensor& feats) {
    Tensor start = torch::full({1, tagset_size}, -10000.);
    start[0][tag_to_ix.at(START_TAG)] = 0.;
    Tensor forward_var = start;
    for (const Tensor& feat : feats.unbind(0)) {
      // next_tag_var[j, i] = forward_var[i] + transitions[j, i]：一次算出所有 (j, i)
      // (every (next tag j, previous tag i) at once); the emission is added after
      // the log-sum-exp, as it doesn't depend on i
      Tensor next_tag_var = forward_var + transitions;
      forward_var = (log_sum_exp_rows(next_tag_var) + feat).view({1, -1});
    }
    Tensor terminal_var = forward_var + transitions[tag_to_ix.at(STOP_TAG)];
    return log_sum_exp_rows(terminal_var)[0];
  }

  // _get_lstm_features: the emission scores, (len, tagset_size)
  Tensor get_lstm_features(const Tensor& sentence) {
    hidden = init_hidden();
    const int64_t len = sentence.size(0);
    Tensor embeds = word_embeds(sentence).view({len, 1, -1});
    Tensor lstm_out;
    const bool fused_lstm = kFusedLstmChecked && !op_by_op_graph;
    if (fused_lstm && fast::bilstm_applies(embedding_dim, hidden_dim / 2)) {
      // nn::LSTM 的运算，一个 autograd 节点（fast::bilstm）(nn::LSTM's operations, one node)
      auto p = lstm->named_parameters();
      auto [h0, c0] = hidden;
      auto outs =
          fast::bilstm(embeds, h0, c0, p["weight_ih_l0"], p["weight_hh_l0"], p["bias_ih_l0"],
                       p["bias_hh_l0"], p["weight_ih_l0_reverse"], p["weight_hh_l0_reverse"],
                       p["bias_ih_l0_reverse"], p["bias_hh_l0_reverse"]);
      lstm_out = outs[0];
      hidden = {outs[1], outs[2]};
    } else {
      std::tie(lstm_out, hidden) = lstm(embeds, hidden);
    }
    lstm_out = lstm_out.view({len, hidden_dim});
    return hidden2tag(lstm_out);
  }

  // _score_sentence: the score of the given tags (the gold score)
  Tensor score_sentence(const Tensor& feats, Tensor tags) {
    tags = torch::cat({torch::tensor({tag_to_ix.at(START_TAG)}, torch::kLong), tags});
    const int64_t stop = tag_to_ix.at(STOP_TAG);
    if (vectorized) {
      // 所有转移分数、所有发射分数各取一次 (every transition, every emission, at once)
      using torch::indexing::None;
      using torch::indexing::Slice;
      Tensor trans =
          transitions.index({tags.index({Slice(1, None)}), tags.index({Slice(None, -1)})}).sum();
      Tensor emit = feats.index({torch::arange(feats.size(0)), tags.index({Slice(1, None)})}).sum();
      Tensor both = trans + emit;
      return both + transitions.index({stop, tags[-1]});
    }
    Tensor score = torch::zeros({1});
    std::vector<Tensor> rows = feats.unbind(0);  // enumerate(feats)
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto k = static_cast<int64_t>(i);
      // score + transitions[...] + feat[...]：Python 先做第一个加法，再取 feat[...]
      // (Python adds the transition before it indexes feat: one statement each)
      score = score + transitions.index({tags[k + 1], tags[k]});
      score = score + rows[i].index({tags[k + 1]});
    }
    return score + transitions.index({stop, tags[-1]});
  }

  // _viterbi_decode: the best tag sequence and its score
  std::pair<Tensor, std::vector<int64_t>> viterbi_decode(const Tensor& feats) {
    if (vectorized) return viterbi_decode_vectorized(feats);
    std::vector<std::vector<int64_t>> backpointers;
    Tensor start = torch::full({1, tagset_size}, -10000.);
    start[0][tag_to_ix.at(START_TAG)] = 0;
    Tensor forward_var = start;  // 上一步的 Viterbi 变量 (the previous step's Viterbi variables)
    for (const Tensor& feat : feats.unbind(0)) {
      std::vector<int64_t> bptrs_t;
      std::vector<Tensor> viterbivars_t;
      for (int64_t next_tag = 0; next_tag < tagset_size; ++next_tag) {
        // 发射分数不影响选哪个上一个标签，最后再加
        // (the emission doesn't change which previous tag is best: added afterwards)
        Tensor next_tag_var = forward_var + transitions[next_tag];
        const int64_t best_tag_id = argmax_item(next_tag_var);
        bptrs_t.push_back(best_tag_id);
        viterbivars_t.push_back(next_tag_var[0][best_tag_id].view(1));
      }
      forward_var = (torch::cat(viterbivars_t) + feat).view({1, -1});
      backpointers.push_back(bptrs_t);
    }
    Tensor terminal_var = forward_var + transitions[tag_to_ix.at(STOP_TAG)];
    int64_t best_tag_id = argmax_item(terminal_var);
    Tensor path_score = terminal_var[0][best_tag_id];
    return {path_score, follow_back_pointers(backpointers, best_tag_id)};
  }

  std::pair<Tensor, std::vector<int64_t>> viterbi_decode_vectorized(const Tensor& feats) {
    Tensor vvars = torch::full({tagset_size}, -10000.);
    vvars[tag_to_ix.at(START_TAG)] = 0;
    std::vector<Tensor> backpointers;
    for (const Tensor& feat : feats.unbind(0)) {
      // 每个下一个标签 j 的最佳上一个标签：一次 max (every next tag's best previous tag: one max)
      auto [best, best_prev] = torch::max(vvars + transitions, 1);
      backpointers.push_back(best_prev);
      vvars = best + feat;
    }
    Tensor terminal_var = vvars + transitions[tag_to_ix.at(STOP_TAG)];
    auto [path_score, best_tag] = torch::max(terminal_var, 0);
    // torch.stack(backpointers).tolist(): one row of ints per word
    Tensor stacked = torch::stack(backpointers).contiguous();
    std::vector<std::vector<int64_t>> rows;
    const int64_t* data = stacked.data_ptr<int64_t>();
    for (int64_t i = 0; i < stacked.size(0); ++i) {
      rows.emplace_back(data + i * tagset_size, data + (i + 1) * tagset_size);
    }
    return {path_score, follow_back_pointers(rows, best_tag.item<int64_t>())};
  }

  // 沿着回溯指针从后往前走，去掉 START，再反转 (follow the back pointers from the end,
  // drop START, reverse)
  std::vector<int64_t> follow_back_pointers(const std::vector<std::vector<int64_t>>& backpointers,
                                            int64_t best_tag_id) const {
    std::vector<int64_t> best_path{best_tag_id};
    for (auto it = backpointers.rbegin(); it != backpointers.rend(); ++it) {
      best_tag_id = (*it)[best_tag_id];
      best_path.push_back(best_tag_id);
    }
    const int64_t start_tag = best_path.back();
    best_path.pop_back();
    // assert start_tag == self.tag_to_ix[START_TAG]：一定回到 START (the path starts at START)
    if (start_tag != tag_to_ix.at(START_TAG)) throw std::logic_error("AssertionError");
    std::reverse(best_path.begin(), best_path.end());
    return best_path;
  }

  Tensor neg_log_likelihood(const Tensor& sentence, const Tensor& tags) {
    Tensor feats = get_lstm_features(sentence);
    if (perceptron) {
      // 练习：最佳路径的分数代替所有路径的 log-sum-exp（结构化感知机）
      // (the exercise: the best path's score instead of the log-sum-exp of all paths)
      Tensor forward_score = viterbi_decode(feats).first;
      Tensor gold_score = score_sentence(feats, tags);
      return forward_score - gold_score;
    }
    if (!op_by_op_graph && tagset_size < 8) {
      // 同样的浮点运算，一个 autograd 节点（见上面的 fast 命名空间）
      // (the same float operations as one autograd node: see namespace fast above)
      Tensor gold_tags = torch::cat({torch::tensor({tag_to_ix.at(START_TAG)}, torch::kLong), tags});
      const int64_t start = tag_to_ix.at(START_TAG), stop = tag_to_ix.at(STOP_TAG);
      if (vectorized) {
        return fast::crf_neg_log_likelihood_vectorized(feats, transitions, gold_tags, start, stop);
      }
      return fast::crf_neg_log_likelihood(feats, transitions, gold_tags, start, stop);
    }
    Tensor forward_score = forward_alg(feats);
    Tensor gold_score = score_sentence(feats, tags);
    return forward_score - gold_score;
  }

  // forward: 解码 (decoding)
  std::pair<Tensor, std::vector<int64_t>> forward(const Tensor& sentence) {
    Tensor lstm_feats = get_lstm_features(sentence);
    return viterbi_decode(lstm_feats);
  }

  int64_t embedding_dim;
  int64_t hidden_dim;
  int64_t vocab_size;
  lesson::Vocab tag_to_ix;
  int64_t tagset_size;
  bool vectorized;
  bool perceptron;
  torch::nn::Embedding word_embeds;
  torch::nn::LSTM lstm;
  torch::nn::Linear hidden2tag;
  Tensor transitions;
  std::tuple<Tensor, Tensor> hidden;
};
TORCH_MODULE(BiLSTM_CRF);
// %% end

class BilstmCrf : public lesson::Notebook {
 public:
  // Each epoch's loss, once the cells have run (--chart).
  const std::vector<double>& loss_curve() const { return losses; }

  std::vector<lesson::Cell> cells() override {
    return {
        {[this] { return cell1(); }},
        {[] { return lesson::Shown{}; }},  // cell 2 defines the helper functions (above)
        {[] { return lesson::Shown{}; }},  // cell 3 defines BiLSTM_CRF (above)
        {[this] { return cell4(); }},
        {[this] { return cell5(); }},
        {[this] { return cell6(); }},
        {[this] { return cell7(); }},
    };
  }

 private:
  lesson::Shown cell1() {
    // %% In [1]
    // import torch, ...: the #include lines at the top of the file
    // SEED, EPOCHS, VECTORIZED, PERCEPTRON: declared once, as members (the flags --seed,
    // --epochs, --vectorized, --perceptron)
    torch::manual_seed(SEED);
    return {};
    // %% end
  }

  lesson::Shown cell4() {
    // %% In [4]
    // START_TAG, STOP_TAG: file-scope constants (cell 3), before the class that reads them
    EMBEDDING_DIM = 5;
    HIDDEN_DIM = 4;

    training_data = {
        {split("the wall street journal reported today that apple corporation made money"),
         split("B I I I O O O B I O O")},
        {split("georgia tech is a university in georgia"), split("B I O O O O B")},
    };

    for (const auto& [sentence, tags] : training_data) {
      for (const std::string& word : sentence) {
        if (!word_to_ix.contains(word)) word_to_ix.add(word);  // word_to_ix[word] = len(word_to_ix)
      }
    }

    tag_to_ix = lesson::Vocab{"B", "I", "O", START_TAG, STOP_TAG};  // {"B": 0, ..., STOP_TAG: 4}
    return {};
    // %% end
  }

  lesson::Shown cell5() {
    // %% In [5]
    model =
        BiLSTM_CRF(word_to_ix.size(), tag_to_ix, EMBEDDING_DIM, HIDDEN_DIM, VECTORIZED, PERCEPTRON);
    optimizer = std::make_unique<torch::optim::SGD>(
        model->parameters(), torch::optim::SGDOptions(0.01).weight_decay(1e-4));

    {
      torch::NoGradGuard no_grad;  // with torch.no_grad():
      precheck_sent = prepare_sequence(training_data[0].first, word_to_ix);
      precheck_tags = prepare_sequence(training_data[0].second, tag_to_ix);
      print(model(precheck_sent));  // (score, path): a tuple of a tensor and a list
    }
    return {};
    // %% end
  }

  lesson::Shown cell6() {
    // %% In [6]
    losses = {};  // 每一轮的损失：损失曲线 (each epoch's loss: the loss curve)
    for (int64_t epoch = 0; epoch < EPOCHS; ++epoch) {
      double epoch_loss = 0.0;  // a Python float
      for (const auto& [sentence, tags] : training_data) {
        // 第 1 步：PyTorch 会累加梯度，先清零 (Step 1: PyTorch accumulates gradients; clear them)
        model->zero_grad();

        // 第 2 步：单词和标签变成下标的张量 (Step 2: words and tags become tensors of indices)
        Tensor sentence_in = prepare_sequence(sentence, word_to_ix);
        Tensor targets = prepare_sequence(tags, tag_to_ix);

        // 第 3 步：损失 = 前向算法 - 金标准分数 (Step 3: loss = forward algorithm - gold score)
        Tensor loss = model->neg_log_likelihood(sentence_in, targets);

        // 第 4 步：梯度，然后更新参数 (Step 4: the gradients, then the update)
        loss.backward();
        optimizer->step();
        epoch_loss += loss.item<double>();
      }
      losses.push_back(epoch_loss);
    }
    return {};
    // %% end
  }

  lesson::Shown cell7() {
    // %% In [7]
    torch::NoGradGuard no_grad;  // with torch.no_grad():
    precheck_sent = prepare_sequence(training_data[0].first, word_to_ix);
    print(model(precheck_sent));
    return {};
    // %% end
  }

  // Parameters (the first code cell).
  lesson::Seed SEED{this, 1};
  lesson::Param<int64_t> EPOCHS{this, "EPOCHS", 300, "training epochs",
                                CLI::Range(int64_t{0}, kMaxEpochs)};
  lesson::Param<bool> VECTORIZED{this, "VECTORIZED", false,
                                 "the forward algorithm and Viterbi as one matrix operation per "
                                 "time step (VECTORIZED = True)"};
  lesson::Param<bool> PERCEPTRON{this, "PERCEPTRON", false,
                                 "train with the structured perceptron loss, the best Viterbi "
                                 "path's score minus the gold path's (PERCEPTRON = True: the "
                                 "page's exercise)"};

  // The notebook's variables.
  int64_t EMBEDDING_DIM = 0;
  int64_t HIDDEN_DIM = 0;
  lesson::TrainingData training_data;
  lesson::Vocab word_to_ix;
  lesson::Vocab tag_to_ix;
  BiLSTM_CRF model{nullptr};
  std::unique_ptr<torch::optim::SGD> optimizer;
  Tensor precheck_sent, precheck_tags;
  std::vector<double> losses;
};

}  // namespace

int lesson_main(int argc, char** argv, const char* /*scenario*/) {
  lesson::Program program("demo_bilstm_crf",
                          "The Bi-LSTM CRF of PyTorch's NLP series, trained as bilstm_crf.ipynb "
                          "trains it, printed as its Python prints it.");
  BilstmCrf notebook;
  program.add_flags([](CLI::App& app) {
    app.add_flag("--op-by-op", op_by_op_graph,
                 "train through the page's autograd graph, one node per operation, instead of "
                 "the fused forward algorithm (slower; the same numbers, bit for bit)");
  });
  program.add_chart_flag("draw the loss curve (each epoch's loss) into FILE.svg");
  if (int rc = program.parse(argc, argv, notebook); rc >= 0) return rc;
  if (int rc = program.run(notebook); rc != 0) return rc;
  return program.write_chart(
      lesson::loss_curve(notebook.loss_curve(), "bilstm_crf: the training loss"));
}
