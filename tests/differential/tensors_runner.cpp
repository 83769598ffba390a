// Differential test: every case of a file written by gen_tensors.py is
// printed with pyrepr and compared, byte for byte, with Python's repr: as the
// at::Tensor the case becomes (pyrepr::torch, with the case's op applied),
// and, for the cases printed as loaded, also as the core reads it from the
// file (TensorData, no LibTorch). A case of a dtype this LibTorch lacks is
// checked through the core only.
//   tensors_runner [--torch-version X.Y] [--python-version X.Y] CASES.pt...
// The flags choose the rules (versions.hpp): cases that another release's
// Python wrote are checked under that release's rules.
// Prints each mismatch (case name, both strings) and a summary line;
// exits 1 on any mismatch.
#include <ATen/ATen.h>

#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "pyrepr/load.hpp"
#include "pyrepr/options.hpp"
#include "pyrepr/tensor_repr.hpp"
#include "pyrepr/torch/features.hpp"
#include "pyrepr/torch_adapter.hpp"
#include "pyrepr/versions.hpp"
#include "rule_flags.hpp"

namespace {

const pyrepr::Object* find(const pyrepr::Dict& d, const std::string& key) {
  for (const auto& [k, v] : d.items) {
    if (k.is<std::string>() && k.as<std::string>() == key) return &v;
  }
  return nullptr;
}

const pyrepr::Object& get(const pyrepr::Dict& d, const std::string& key) {
  const auto* v = find(d, key);
  if (!v) throw std::runtime_error("case without '" + key + "'");
  return *v;
}

// set_printoptions(**options), on top of the default profile.
pyrepr::PrintArgs print_args(const pyrepr::Dict& options) {
  pyrepr::PrintArgs args;
  for (const auto& [k, v] : options.items) {
    const auto& key = k.as<std::string>();
    if (key == "profile") args.profile(v.as<std::string>());
    if (key == "precision") args.precision(static_cast<int>(v.as<int64_t>()));
    if (key == "threshold") {
      args.threshold(v.is<double>() ? v.as<double>() : static_cast<double>(v.as<int64_t>()));
    }
    if (key == "edgeitems") args.edgeitems(static_cast<int>(v.as<int64_t>()));
    if (key == "linewidth") args.linewidth(static_cast<int>(v.as<int64_t>()));
    if (key == "sci_mode") args.sci_mode(v.as<bool>());
  }
  return args;
}

// The same op as gen_tensors.apply_op; returns the repr.
std::string shown_repr(const at::Tensor& base, const std::string& op, const pyrepr::Object& names) {
  at::Tensor t = base;
  if (names.is<pyrepr::List>()) {
#if !PYREPR_HAS_NAMED_TENSORS
    throw std::invalid_argument("this LibTorch has no named tensors");
#else
    std::vector<at::Dimname> dims;
    for (const auto& n : names.as<pyrepr::List>()) {
      dims.push_back(n.is<pyrepr::None>()
                         ? at::Dimname::wildcard()
                         : at::Dimname::fromSymbol(at::Symbol::dimname(n.as<std::string>())));
    }
    t = t.refine_names(dims);
#endif
  }
  if (op == "none") return pyrepr::repr(t);
  t = t.clone().requires_grad_();
  if (op == "parameter") return pyrepr::parameter_repr(t);
  if (op == "clone") return pyrepr::repr(t.clone());
  if (op == "neg") return pyrepr::repr(-t);
  if (op == "mul")
    return pyrepr::repr(t * at::scalar_tensor(2.0, t.options().requires_grad(false)));
  return pyrepr::repr(t);
}

}  // namespace

int main(int argc, char** argv) {
  int a = differential::parse_rule_flags(argc, argv, "tensors_runner");
  if (a < 0) return 2;
  long total = 0, mismatches = 0, unchecked = 0;
  for (; a < argc; ++a) {
    pyrepr::Object cases;
    try {
      cases = pyrepr::load(argv[a]);
    } catch (const std::exception& e) {
      std::cerr << "tensors_runner: error: " << e.what() << "\n";
      return 2;
    }
    for (const auto& c : cases.as<pyrepr::List>()) {
      const auto& d = c.as<pyrepr::Dict>();
      const std::string name = get(d, "name").as<std::string>();
      const std::string expected = get(d, "expected").as<std::string>();
      const std::string op = get(d, "op").as<std::string>();
      const pyrepr::TensorValue value = get(d, "tensor").as<pyrepr::TensorValue>();
      // What `show` prints, or "" when this LibTorch lacks the case's dtype.
      const auto shown = [&](const std::function<std::string()>& show) -> std::string {
        try {
          pyrepr::PrintOptionsGuard guard(
              pyrepr::PrintArgs().profile("default"));  // a clean start, as the generator
          pyrepr::set_printoptions(print_args(get(d, "options").as<pyrepr::Dict>()));
          return show();
        } catch (const std::runtime_error& e) {
          if (std::string(e.what()).find("is not supported by this build") != std::string::npos)
            return "";  // to_torch: this LibTorch lacks the dtype
          return std::string("RuntimeError: ") + e.what();
        } catch (const std::exception& e) {
          return std::string("exception: ") + e.what();
        }
      };
      std::vector<std::pair<std::string, std::string>> got;  // (path, text)
      got.emplace_back(
          "", shown([&] { return shown_repr(pyrepr::to_torch(value), op, get(d, "names")); }));
      if (op == "none" && !get(d, "names").is<pyrepr::List>()) {
        got.emplace_back(" (core)", shown([&] {
                           return pyrepr::repr(*value.tensor, pyrepr::get_printoptions());
                         }));
      }
      ++total;
      bool checked = false, same = true;
      for (const auto& [what, text] : got) {
        if (text.empty()) continue;
        checked = true;
        if (text == expected) continue;
        same = false;
        if (mismatches < 20) {
          std::cout << "MISMATCH " << name << what << "\n--- python\n"
                    << expected << "\n--- pyrepr\n"
                    << text << "\n---\n";
        }
      }
      if (!same) ++mismatches;
      if (!checked) ++unchecked;
    }
  }
  std::cout << "differential: " << total << " cases, " << mismatches << " mismatches";
  if (unchecked > 0) {
    std::cout << " (" << unchecked << " not checked: an op on a dtype this LibTorch lacks)";
  }
  std::cout << "\n";
  return mismatches == 0 && total > 0 ? 0 : 1;
}
