// What the two tagger lessons (pos_tagger, char_lstm_tagger) share: their
// data's types, two functions of their notebooks, and the training flags.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lesson/vocab.hpp"

namespace lesson {

class Program;

using Sentence = std::vector<std::string>;
using Tags = std::vector<std::string>;
using TrainingData = std::vector<std::pair<Sentence, Tags>>;  // [(sentence, tags), ...]

// Python's text.split(): "The dog ate the apple" -> ["The", "dog", ...].
std::vector<std::string> split(const std::string& text);

// The notebooks' prepare_sequence(seq, to_ix): the indices of seq's items as
// a LongTensor (a missing item throws as Python raises KeyError).
at::Tensor prepare_sequence(const std::vector<std::string>& seq, const Vocab& to_ix);

// The training parameters of both notebooks' parameters cell, and the flags
// that set them: --epochs, --lr, --tutorial, and --chart (the loss curve).
struct Training {
  int64_t epochs = 300;
  double lr = 0.1;
  bool tutorial = false;  // TUTORIAL
};
void add_training_flags(Program& program, Training& training);
// After Program::parse(): -1 to go on, or one error line and 2 (--lr must be
// a finite number >= 0).
int check_training_flags(const Program& program, const Training& training);

}  // namespace lesson
