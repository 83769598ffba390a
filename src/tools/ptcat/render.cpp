#include "render.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "keys.hpp"
#include "pyrepr/dtype.hpp"

namespace ptcat {

namespace {
constexpr size_t kInMemory = size_t{4} << 20;
}  // namespace

void Spool::write(std::string_view s) {
  if (!file_ && !no_file_ && memory_.size() + s.size() > kInMemory) to_file();
  if (!file_) {
    memory_.append(s);
    return;
  }
  if (std::fwrite(s.data(), 1, s.size(), file_.get()) != s.size())
    throw std::runtime_error(std::string("cannot write a temporary file: ") + std::strerror(errno));
}

bool Spool::write_to(std::FILE* out) {
  if (!file_) return std::fwrite(memory_.data(), 1, memory_.size(), out) == memory_.size();
  if (std::fflush(file_.get()) != 0 || std::fseek(file_.get(), 0, SEEK_SET) != 0)
    throw std::runtime_error(std::string("cannot read a temporary file: ") + std::strerror(errno));
  std::vector<char> block(size_t{1} << 16);
  size_t n = 0;
  while ((n = std::fread(block.data(), 1, block.size(), file_.get())) > 0)
    if (std::fwrite(block.data(), 1, n, out) != n) return false;
  if (std::ferror(file_.get()))
    throw std::runtime_error(std::string("cannot read a temporary file: ") + std::strerror(errno));
  return true;
}

void Spool::to_file() {
  file_.reset(std::tmpfile());  // deleted when closed
  no_file_ = !file_;
  if (no_file_) return;
  write(memory_);
  std::string().swap(memory_);
}

void require_grad(pyrepr::Object& obj) {
  auto& v = obj.value();
  if (auto* t = std::get_if<pyrepr::TensorValue>(&v)) {
    // Python's Tensor.requires_grad_ checks the dtype itself, with this message.
    const pyrepr::DType* d = t->tensor->dtype;
    if (!d || !(pyrepr::is_floating_point(*d) || pyrepr::is_complex(*d)))
      throw std::runtime_error("only Tensors of floating point dtype can require gradients");
    auto copy = std::make_shared<pyrepr::TensorData>(*t->tensor);
    copy->requires_grad = true;
    t->tensor = std::move(copy);
  } else if (auto* l = std::get_if<pyrepr::List>(&v)) {
    for (auto& x : *l) require_grad(x);
  } else if (auto* tu = std::get_if<pyrepr::Tuple>(&v)) {
    for (auto& x : tu->items) require_grad(x);
  } else if (auto* seq = std::get_if<pyrepr::StructSeq>(&v)) {  // a tuple too
    for (auto& field : seq->fields) require_grad(field.second);
  } else if (auto* d = std::get_if<pyrepr::Dict>(&v)) {
    for (auto& [k, x] : d->items) {
      require_grad(k);
      require_grad(x);
    }
  }
}

void render(Spool& out, const pyrepr::Object& obj, const std::vector<std::string>& globs) {
  auto sink = [&out](std::string_view text) { out.write(text); };
  if (globs.empty()) {
    pyrepr::format_chunks(obj, sink);
  } else {
    pyrepr::Dict selected;
    const std::vector<Entry> entries = walk(obj, globs);
    for (const Entry* e : outermost_selected(entries))
      selected.items.emplace_back(pyrepr::Object(e->key), *e->value);
    pyrepr::format_chunks(pyrepr::Object(std::move(selected)), sink);
  }
  out.write("\n");
}

}  // namespace ptcat
