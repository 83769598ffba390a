#include "lesson/state_dict.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "pyrepr/load.hpp"
#include "pyrepr/pyrepr.hpp"
#include "pyrepr/torch_adapter.hpp"

namespace lesson {
namespace {

std::string quoted_list(const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& key : keys) out += (out.empty() ? "'" : ", '") + key + "'";
  return out;
}

std::string shape(const at::Tensor& t) {
  std::string out = "[";
  for (int64_t d = 0; d < t.dim(); ++d) out += (d ? ", " : "") + std::to_string(t.size(d));
  return out + "]";
}

}  // namespace

StateDict read_state_dict(const std::string& path) {
  pyrepr::Object obj;
  try {
    obj = pyrepr::load(path);
  } catch (const std::exception& e) {
    throw std::invalid_argument(e.what());
  }
  if (!obj.is<pyrepr::Dict>()) {
    throw std::invalid_argument("not a state_dict (a dict of tensors), but " +
                                std::string(obj.is<pyrepr::List>() ? "a list" : "another object"));
  }
  StateDict state;
  for (const auto& [key_obj, value] : obj.as<pyrepr::Dict>().items) {
    const std::string key =
        key_obj.is<std::string>() ? key_obj.as<std::string>() : pyrepr::repr(key_obj);
    if (!value.is<pyrepr::TensorValue>())
      throw std::invalid_argument("'" + key + "' is not a tensor");
    const pyrepr::TensorData& data = *value.as<pyrepr::TensorValue>().tensor;
    namespace dtypes = pyrepr::dtypes;
    const bool floating = data.dtype == &dtypes::float32 || data.dtype == &dtypes::float64 ||
                          data.dtype == &dtypes::float16 || data.dtype == &dtypes::bfloat16;
    if (data.layout != pyrepr::Layout::Strided || data.qscheme != pyrepr::QScheme::None ||
        !floating) {
      throw std::invalid_argument("'" + key + "' is not a dense floating-point tensor");
    }
    state.emplace_back(key, pyrepr::to_torch(data));
  }
  return state;
}

void load_state_dict(torch::nn::Module& module, const StateDict& state) {
  std::vector<std::string> order;  // the module's state_dict(), in its order
  std::map<std::string, at::Tensor> targets;
  for (const auto& item : module.named_parameters()) {
    order.push_back(item.key());
    targets[item.key()] = item.value();
  }
  for (const auto& item : module.named_buffers()) {
    order.push_back(item.key());
    targets[item.key()] = item.value();
  }
  std::map<std::string, const at::Tensor*> given;
  for (const auto& [key, tensor] : state) given[key] = &tensor;

  std::vector<std::string> missing, unexpected, errors;
  for (const std::string& key : order) {
    if (!given.count(key)) missing.push_back(key);
  }
  for (const auto& [key, tensor] : state) {
    if (!targets.count(key)) unexpected.push_back(key);
  }
  if (!missing.empty()) errors.push_back("missing key(s) in state_dict: " + quoted_list(missing));
  if (!unexpected.empty()) {
    errors.push_back("unexpected key(s) in state_dict: " + quoted_list(unexpected));
  }
  for (const auto& [key, tensor] : state) {
    auto target = targets.find(key);
    if (target != targets.end() && !tensor.sizes().equals(target->second.sizes())) {
      errors.push_back("size mismatch for " + key + ": copying a param with shape " +
                       shape(tensor) + " from checkpoint, the shape in current model is " +
                       shape(target->second));
    }
  }
  if (!errors.empty()) {
    std::string line;
    for (const std::string& error : errors) line += (line.empty() ? "" : "; ") + error;
    throw std::invalid_argument(line);
  }
  torch::NoGradGuard no_grad;
  for (const auto& [key, tensor] : state) targets.at(key).copy_(tensor);
}

}  // namespace lesson
