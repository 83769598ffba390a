// Internal (pyrepr::load): the torch globals a torch.save pickle names, as
// torch.load's find_class and persistent_load give them: the tensor,
// Parameter, quantized and sparse rebuild functions of PyTorch 1.13, 2.6 and
// 2.14 (torch/_utils.py, torch/_tensor.py), typed and untyped storages,
// torch.Size, dtypes, layouts and qschemes. Each checks its arguments (types,
// geometry against the storage, quantization parameters, sparse indices)
// before it builds anything.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pyrepr/load/pickle_value.hpp"
#include "pyrepr/load/unpickler.hpp"

namespace pyrepr::detail {

// The field names of a torch.return_types value (a Kind::StructSeq node), in order.
const std::vector<const char*>& struct_seq_fields(const Node* n);

class TorchGlobals {
 public:
  // `call_any` calls any callable (what _rebuild_from_type_v2's func may be).
  TorchGlobals(Arena& arena, const RecordLoader& records,
               std::function<Node*(Node* callable, const Node* argtuple)> call_any);
  ~TorchGlobals();
  TorchGlobals(const TorchGlobals&) = delete;
  TorchGlobals& operator=(const TorchGlobals&) = delete;

  // The torch global module.name, or nullptr when it is not one.
  Node* find_class(std::string module, const std::string& name);
  // Calls a torch global; nullptr when `callable` is not one of them.
  Node* call(const Node* callable, const std::vector<Node*>& args);
  // persistent_load(('storage', storage_type, key, location, numel)): the
  // storage record data/<key>, read once per key.
  Node* persistent_load(const Node* pid);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pyrepr::detail
