#include "pyrepr/load/pickle_value.hpp"

namespace pyrepr::detail {

const char* kind_name(const Node* n) {
  switch (n->kind) {
    case Kind::None:
      return "NoneType";
    case Kind::Bool:
      return "bool";
    case Kind::Int:
    case Kind::BigInt:
      return "int";
    case Kind::Float:
      return "float";
    case Kind::Str:
      return "str";
    case Kind::Bytes:
      return "bytes";
    case Kind::List:
      return "list";
    case Kind::Tuple:
      return "tuple";
    case Kind::Dict:
      return n->flag ? "collections.OrderedDict" : "dict";
    case Kind::Global:
      return "global";
    case Kind::Storage:
      return "storage";
    case Kind::Tensor:
      return "Tensor";
    case Kind::Size:
      return "torch.Size";
    case Kind::StructSeq:
      return "torch.return_types";
  }
  return "?";
}

std::string global_name(const Node* g) { return g->s + "." + g->name; }

bool is_global_value(const Node* n, const char* name) {
  return n->kind == Kind::Global && n->fn == Fn::Value && n->s == "torch" && n->name == name;
}

}  // namespace pyrepr::detail
