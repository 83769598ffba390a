#include "lesson/tagger.hpp"

#include <ATen/ATen.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <sstream>

#include "lesson/program.hpp"

namespace lesson {

namespace {
constexpr int64_t kMaxEpochs = 100000;  // --epochs
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

void add_training_flags(Program& program, Training& training) {
  CLI::App& app = program.app();
  app.add_option("--epochs", training.epochs, "training epochs (default 300)")
      ->check(CLI::Range(int64_t{0}, kMaxEpochs));
  app.add_option("--lr", training.lr, "SGD's learning rate (default 0.1)")
      ->type_name("X")
      ->check(CLI::Number);  // CLI11 would take an empty value as 0
  app.add_flag("--tutorial", training.tutorial,
               "first replay the random draws of the tutorial page's LSTM example "
               "(TUTORIAL = True): the page's numbers");
  program.add_chart_flag("draw the loss curve (each epoch's loss) into FILE.svg");
}

int check_training_flags(const Program& program, const Training& training) {
  if (!std::isfinite(training.lr) || training.lr < 0) {
    return program.error("--lr: expected a finite number >= 0");
  }
  return -1;
}

}  // namespace lesson
