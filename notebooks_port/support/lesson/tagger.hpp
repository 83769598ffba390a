// What the two tagger lessons (pos_tagger, char_lstm_tagger) share: their
// data's types, two functions of their notebooks, and the training parameters.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lesson/param.hpp"
#include "lesson/vocab.hpp"

namespace lesson {

using Sentence = std::vector<std::string>;
using Tags = std::vector<std::string>;
using TrainingData = std::vector<std::pair<Sentence, Tags>>;  // [(sentence, tags), ...]

// Python's text.split(): "The dog ate the apple" -> ["The", "dog", ...].
std::vector<std::string> split(const std::string& text);

// The notebooks' prepare_sequence(seq, to_ix): the indices of seq's items as
// a LongTensor (a missing item throws as Python raises KeyError).
at::Tensor prepare_sequence(const std::vector<std::string>& seq, const Vocab& to_ix);

// The training parameters of both notebooks' parameters cell, declared once
// here; each notebook declares them after its own:
//   lesson::Epochs EPOCHS{this};      // EPOCHS = 300: --epochs
//   lesson::LearningRate LR{this};    // LR = 0.1: --lr, a finite number >= 0
//   lesson::Tutorial TUTORIAL{this};  // TUTORIAL = False: --tutorial
class Epochs : public Param<int64_t> {
 public:
  explicit Epochs(Notebook* notebook);
};
class LearningRate : public Param<double> {
 public:
  explicit LearningRate(Notebook* notebook);
};
class Tutorial : public Param<bool> {
 public:
  explicit Tutorial(Notebook* notebook);
};

}  // namespace lesson
