// ptcat: the values of a loaded file by key path, and the --key selection.
//
// A value's key path joins the keys that lead to it from the top with dots:
// a dict's str keys as they are (other keys as their repr), list and tuple
// items by index, a torch.return_types value's fields by name. So
// torch.save({"state_dict": model.state_dict()}) holds
// "state_dict.lstm.weight_ih_l0". The top value itself has the empty path.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "pyrepr/object.hpp"

namespace ptcat {

struct Entry {
  std::string key;              // "" for the top value
  const pyrepr::Object* value;  // inside the loaded Object, which outlives the entry
  int depth = 0;                // 0 for the top value
  int parent = -1;              // the container's index among the entries (-1: none)
  bool selected = false;        // matched by --key, or inside a value that is
};

// Every value of `top`, containers before their items, in the order Python
// iterates them. `globs`: the --key patterns (fnmatch, '*' matching dots
// too); a value is selected when its own key or a container's around it
// matches one, and every value is when there are none.
std::vector<Entry> walk(const pyrepr::Object& top, const std::vector<std::string>& globs);

// The outermost selected values (what --key prints): all of `top` when
// there are no globs.
std::vector<const Entry*> outermost_selected(const std::vector<Entry>& entries);

// A tensor (or Parameter) entry.
bool is_tensor(const Entry& e);

// The key as shown: "(top)" for the empty path.
std::string shown_key(const std::string& key);

}  // namespace ptcat
