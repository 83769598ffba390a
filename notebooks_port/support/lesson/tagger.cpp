#include "lesson/tagger.hpp"

#include <ATen/ATen.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <sstream>
#include <string>

namespace lesson {

namespace {

constexpr int64_t kMaxEpochs = 100000;  // --epochs

// --lr: a finite number >= 0 (CLI::Number has refused what is not a number).
const CLI::Validator kFiniteNonNegative(
    [](std::string& text) {
      double value = 0;
      if (CLI::detail::lexical_cast(text, value) && std::isfinite(value) && value >= 0) {
        return std::string();
      }
      return std::string("expected a finite number >= 0");
    },
    "");

}  // namespace

std::vector<std::string> split(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

at::Tensor prepare_sequence(const std::vector<std::string>& seq, const Vocab& to_ix) {
  std::vector<int64_t> idxs;
  idxs.reserve(seq.size());
  for (const std::string& w : seq) idxs.push_back(to_ix.at(w));
  return at::tensor(idxs, at::kLong);
}

Epochs::Epochs(Notebook* notebook)
    : Param<int64_t>(notebook, "EPOCHS", 300, "training epochs",
                     CLI::Range(int64_t{0}, kMaxEpochs)) {}

LearningRate::LearningRate(Notebook* notebook)
    : Param<double>(notebook, "LR", 0.1, "SGD's learning rate", TypeName{"X"},
                    CLI::Number,  // CLI11 would take an empty value as 0
                    kFiniteNonNegative) {}

Tutorial::Tutorial(Notebook* notebook)
    : Param<bool>(notebook, "TUTORIAL", false,
                  "first replay the random draws of the tutorial page's LSTM example "
                  "(TUTORIAL = True): the page's numbers") {}

}  // namespace lesson
