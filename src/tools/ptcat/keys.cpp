#include "keys.hpp"

#include <fnmatch.h>

#include <string>
#include <variant>
#include <vector>

namespace ptcat {

namespace {

std::string join(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string key_text(const pyrepr::Object& key) {
  if (const auto* s = std::get_if<std::string>(&key.value())) return *s;
  return pyrepr::repr(key);
}

bool matches(const std::string& key, const std::vector<std::string>& globs) {
  for (const auto& g : globs)
    if (fnmatch(g.c_str(), key.c_str(), 0) == 0) return true;
  return false;
}

struct Walker {
  const std::vector<std::string>& globs;
  std::vector<Entry> out;

  // Iterative, so that a deeply nested file cannot overflow the stack.
  void run(const pyrepr::Object& top) {
    struct Todo {
      std::string key;
      const pyrepr::Object* value;
      int depth;
      bool inside_selected;
      int parent;
    };
    std::vector<Todo> stack{{"", &top, 0, globs.empty(), -1}};
    while (!stack.empty()) {
      Todo t = std::move(stack.back());
      stack.pop_back();
      const bool selected = t.inside_selected || (t.depth > 0 && matches(t.key, globs));
      const int self = static_cast<int>(out.size());
      out.push_back(Entry{t.key, t.value, t.depth, t.parent, selected});
      std::vector<Todo> items;
      const auto& v = t.value->value();
      if (const auto* d = std::get_if<pyrepr::Dict>(&v)) {
        for (const auto& [k, x] : d->items)
          items.push_back({join(t.key, key_text(k)), &x, t.depth + 1, selected, self});
      } else if (const auto* l = std::get_if<pyrepr::List>(&v)) {
        for (size_t i = 0; i < l->size(); ++i)
          items.push_back({join(t.key, std::to_string(i)), &(*l)[i], t.depth + 1, selected, self});
      } else if (const auto* tu = std::get_if<pyrepr::Tuple>(&v)) {
        for (size_t i = 0; i < tu->items.size(); ++i)
          items.push_back(
              {join(t.key, std::to_string(i)), &tu->items[i], t.depth + 1, selected, self});
      } else if (const auto* s = std::get_if<pyrepr::StructSeq>(&v)) {
        for (const auto& [name, x] : s->fields)
          items.push_back({join(t.key, name), &x, t.depth + 1, selected, self});
      }
      for (auto it = items.rbegin(); it != items.rend(); ++it) stack.push_back(std::move(*it));
    }
  }
};

}  // namespace

std::vector<Entry> walk(const pyrepr::Object& top, const std::vector<std::string>& globs) {
  Walker w{globs, {}};
  w.run(top);
  return std::move(w.out);
}

std::vector<const Entry*> outermost_selected(const std::vector<Entry>& entries) {
  std::vector<const Entry*> out;
  int inside = -1;  // the depth of the selected value we are inside, or -1
  for (const auto& e : entries) {
    if (inside >= 0 && e.depth > inside) continue;
    inside = -1;
    if (e.selected) {
      out.push_back(&e);
      inside = e.depth;
    }
  }
  return out;
}

bool is_tensor(const Entry& e) { return e.value->is<pyrepr::TensorValue>(); }

std::string shown_key(const std::string& key) { return key.empty() ? "(top)" : key; }

}  // namespace ptcat
