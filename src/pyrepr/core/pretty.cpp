// IPython's text/plain display of a value: a port of IPython/lib/pretty.py
// (PrettyPrinter / RepresentationPrinter, itself after Ruby's
// prettyprint.rb) with the printers that Jupyter's PlainTextFormatter
// (IPython/core/formatters.py) installs.
//
// Which IPython: PrintOptions::rules.python names a Python release, and it
// stands for the IPython that release's Debian ships with it:
//   Python 3.11 -> IPython 8.5  (Debian 12, python3-ipython 8.5.0)
//   Python 3.13 -> IPython 8.35 (Debian 13)
//   Python 3.14 -> IPython 9.11 (Debian unstable)
// Between these, lib/pretty.py and core/formatters.py differ in nothing that
// changes the text of a value of the Object model: the changes are the
// __repr__ lookup for classes (same result for every type here), Counter's
// item order, re flags, PEP 649 signatures, typing and comments. Every
// difference in the text comes from the repr() of the leaves (object.cpp,
// e.g. str's printable table). The OrderedDict printer is IPython's own
// (CallExpression of the item list), so the display keeps
// "OrderedDict([(k, v), ...])" even under Python 3.12+, whose repr() is
// "OrderedDict({k: v, ...})".
//
// Classes, methods and functions keep
// their Python names so both can be read side by side. Quirks of the Python
// code are kept on purpose, since they can change the output:
//  * GroupQueue::deq deletes stack[idx] with idx counted on the *reversed*
//    stack, which is not always the group it returns;
//  * PrettyPrinter::flush adds the absolute width returned by output() to
//    output_width (harmless: every caller resets output_width afterwards).
// Widths are Python's len(): code points, not bytes.
#include <algorithm>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "pyrepr/core/options_snapshot.hpp"
#include "pyrepr/object.hpp"
#include "pyrepr/pretty.hpp"

namespace pyrepr {

namespace {

// IPython.lib.pretty.MAX_SEQ_LENGTH (PlainTextFormatter.max_seq_length).
constexpr int MAX_SEQ_LENGTH = 1000;

// len() of a UTF-8 string: the number of code points.
int py_len(const std::string& s) {
  int n = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// str.splitlines() (without keepends): the line boundaries are \n, \r,
// \r\n, \v, \f, \x1c, \x1d, \x1e, \x85, \u2028 and \u2029.
std::vector<std::string> splitlines(const std::string& s) {
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  const auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < s.size()) {
    const unsigned char c = at(i);
    size_t boundary_len = 0;
    if (c == '\r') {
      boundary_len = (i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
    } else if (c == '\n' || c == '\v' || c == '\f' || c == 0x1c || c == 0x1d || c == 0x1e) {
      boundary_len = 1;
    } else if (c == 0xC2 && i + 1 < s.size() && at(i + 1) == 0x85) {
      boundary_len = 2;
    } else if (c == 0xE2 && i + 2 < s.size() && at(i + 1) == 0x80 &&
               (at(i + 2) == 0xA8 || at(i + 2) == 0xA9)) {
      boundary_len = 3;
    }
    if (boundary_len) {
      lines.push_back(std::move(line));
      line.clear();
      i += boundary_len;
    } else {
      line += s[i];
      ++i;
    }
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

class PrettyPrinter;
struct Group;

struct Printable {
  virtual ~Printable() = default;
  virtual int output(std::string& stream, int output_width) = 0;
  virtual bool is_text() const { return false; }
  int width = 0;
};

struct Text : Printable {
  std::vector<std::string> objs;

  int output(std::string& stream, int output_width) override {
    for (const auto& obj : objs) stream += obj;
    return output_width + width;
  }
  bool is_text() const override { return true; }
  void add(std::string obj, int obj_width) {
    objs.push_back(std::move(obj));
    width += obj_width;
  }
};

struct Breakable;

struct Group {
  explicit Group(int d) : depth(d) {}
  int depth;
  std::deque<Breakable*> breakables;
  bool want_break = false;
};

class GroupQueue {
 public:
  explicit GroupQueue(Group* root) { enq(root); }

  void enq(Group* group) {
    const int depth = group->depth;
    while (depth > static_cast<int>(queue_.size()) - 1) queue_.emplace_back();
    queue_[depth].push_back(group);
  }

  Group* deq() {
    for (auto& stack : queue_) {
      // for idx, group in enumerate(reversed(stack)): ... del stack[idx]
      for (size_t idx = 0; idx < stack.size(); ++idx) {
        Group* group = stack[stack.size() - 1 - idx];
        if (!group->breakables.empty()) {
          stack.erase(stack.begin() + static_cast<std::ptrdiff_t>(idx));
          group->want_break = true;
          return group;
        }
      }
      for (Group* group : stack) group->want_break = true;
      stack.clear();
    }
    return nullptr;
  }

  void remove(Group* group) {
    auto& stack = queue_[group->depth];
    for (auto it = stack.begin(); it != stack.end(); ++it) {
      if (*it == group) {
        stack.erase(it);
        return;
      }
    }
  }

 private:
  std::vector<std::vector<Group*>> queue_;
};

struct Breakable : Printable {
  Breakable(std::string seq, int w, PrettyPrinter& pretty);
  int output(std::string& stream, int output_width) override;

  std::string obj;
  PrettyPrinter& pretty;
  int indentation;
  Group* group;
};

class PrettyPrinter {
  // Owners of everything the buffer and the queue point to (Python's GC);
  // declared first so that they exist when group_queue is built.
  std::vector<std::unique_ptr<Group>> groups_;
  std::vector<std::unique_ptr<Printable>> printables_;

 public:
  PrettyPrinter(std::string& output, int max_width, std::string newline, int max_seq_length)
      : output(output),
        max_width(max_width),
        newline(std::move(newline)),
        max_seq_length(max_seq_length),
        group_queue(new_group(0)) {
    group_stack.push_back(groups_.back().get());
  }

  void _break_one_group(Group* group) {
    while (!group->breakables.empty() && !buffer.empty()) {
      Printable* x = buffer.front();
      buffer.pop_front();
      output_width = x->output(output, output_width);
      buffer_width -= x->width;
    }
    while (!buffer.empty() && buffer.front()->is_text()) {
      Printable* x = buffer.front();
      buffer.pop_front();
      output_width = x->output(output, output_width);
      buffer_width -= x->width;
    }
  }

  void _break_outer_groups() {
    while (max_width < output_width + buffer_width) {
      Group* group = group_queue.deq();
      if (!group) return;
      _break_one_group(group);
    }
  }

  // Add literal text to the output.
  void text(const std::string& obj) {
    const int width = py_len(obj);
    if (!buffer.empty()) {
      Printable* last = buffer.back();
      Text* text;
      if (!last->is_text()) {
        text = make<Text>();
        buffer.push_back(text);
      } else {
        text = static_cast<Text*>(last);
      }
      text->add(obj, width);
      buffer_width += width;
      _break_outer_groups();
    } else {
      output += obj;
      output_width += width;
    }
  }

  // Add a breakable separator: `sep` if the group stays on one line, else a
  // newline and the current indentation.
  void breakable(const std::string& sep = " ") {
    const int width = py_len(sep);
    Group* group = group_stack.back();
    if (group->want_break) {
      flush();
      write_newline_and_indent();
    } else {
      buffer.push_back(make<Breakable>(sep, width, *this));
      buffer_width += width;
      _break_outer_groups();
    }
  }

  // Explicitly insert a newline into the output, keeping the indentation.
  void break_() {
    Group* group = group_queue.deq();
    if (group) _break_one_group(group);
    flush();
    write_newline_and_indent();
  }

  void begin_group(int indent = 0, const std::string& open = "") {
    if (!open.empty()) text(open);
    Group* group = new_group(group_stack.back()->depth + 1);
    group_stack.push_back(group);
    group_queue.enq(group);
    indentation += indent;
  }

  void end_group(int dedent = 0, const std::string& close = "") {
    indentation -= dedent;
    Group* group = group_stack.back();
    group_stack.pop_back();
    if (group->breakables.empty()) group_queue.remove(group);
    if (!close.empty()) text(close);
  }

  // Flush data that is left in the buffer.
  void flush() {
    for (Printable* data : buffer) output_width += data->output(output, output_width);
    buffer.clear();
    buffer_width = 0;
  }

  std::string& output;
  int max_width;
  std::string newline;
  int max_seq_length;
  int output_width = 0;
  int buffer_width = 0;
  std::deque<Printable*> buffer;
  std::vector<Group*> group_stack;
  GroupQueue group_queue;
  int indentation = 0;

 private:
  void write_newline_and_indent() {
    output += newline;
    output.append(static_cast<size_t>(indentation), ' ');
    output_width = indentation;
    buffer_width = 0;
  }

  Group* new_group(int depth) {
    groups_.push_back(std::make_unique<Group>(depth));
    return groups_.back().get();
  }

  template <class T, class... Args>
  T* make(Args&&... args) {
    auto p = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = p.get();
    printables_.push_back(std::move(p));
    return raw;
  }
};

Breakable::Breakable(std::string seq, int w, PrettyPrinter& pretty)
    : obj(std::move(seq)),
      pretty(pretty),
      indentation(pretty.indentation),
      group(pretty.group_stack.back()) {
  width = w;
  group->breakables.push_back(this);
}

int Breakable::output(std::string& stream, int output_width) {
  group->breakables.pop_front();
  if (group->want_break) {
    stream += pretty.newline;
    stream.append(static_cast<size_t>(indentation), ' ');
    return indentation;
  }
  if (group->breakables.empty()) pretty.group_queue.remove(group);
  stream += obj;
  return output_width + width;
}

class RepresentationPrinter : public PrettyPrinter {
 public:
  using PrettyPrinter::PrettyPrinter;

  // Pretty print the given object (cycles cannot occur in an Object tree).
  void pretty(const Object& obj) {
    begin_group();
    std::visit([this, &obj](const auto& v) { dispatch(obj, v); }, obj.value());
    end_group();
  }

  // PrettyPrinter._enumerate: the items up to max_seq_length, then ",...".
  template <class Seq, class F>
  void _enumerate(const Seq& seq, F&& body) {
    int idx = 0;
    for (const auto& x : seq) {
      if (max_seq_length && idx >= max_seq_length) {
        text(",");
        breakable();
        text("...");
        return;
      }
      body(idx, x);
      ++idx;
    }
  }

 private:
  // The printer chosen for each type, as RepresentationPrinter.pretty finds
  // it with Jupyter's formatter tables.
  void dispatch(const Object& obj, const double& v) {
    // PlainTextFormatter: d[float] = lambda obj, p, cycle: p.text('%r' % obj)
    (void)obj;
    text(float_repr(v));
  }
  void dispatch(const Object& obj, const List& v) {
    (void)obj;
    _seq_pprinter_factory(v, "[", "]", false);
  }
  void dispatch(const Object& obj, const IntList& v) {  // the list it stands for
    (void)obj;
    size_t n = v.ints->size();  // _enumerate shows no more than max_seq_length + 1
    if (max_seq_length > 0) n = std::min(n, static_cast<size_t>(max_seq_length) + 1);
    List items;
    items.reserve(n);
    for (size_t i = 0; i < n; ++i) items.emplace_back((*v.ints)[i]);
    _seq_pprinter_factory(items, "[", "]", false);
  }
  void dispatch(const Object& obj, const Tuple& v) {
    (void)obj;
    _seq_pprinter_factory(v.items, "(", ")", true);
  }
  void dispatch(const Object& obj, const Dict& v) {
    (void)obj;
    if (v.ordered) {
      _ordereddict_pprint(v);
    } else {
      _dict_pprinter_factory(v, "{", "}");
    }
  }
  // _default_pprint, for an object whose class keeps object.__repr__:
  // "<" + the class (_type_pprint: its name, as no module is printed for
  // builtins) + " at 0x%x" % id(obj) + ">".
  void dispatch(const Object& obj, const Instance& v) {
    (void)obj;
    begin_group(1, "<");
    text(v.type_name);
    text(fmt::format(" at {:#x}", v.address));
    end_group(1, ">");
  }
  // A container met again inside itself (the printers' `cycle`): as repr,
  // but _ordereddict_pprint writes "OrderedDict(...)".
  void dispatch(const Object& obj, const Recursive& v) {
    if (v.of == Recursive::Of::OrderedDict) {
      text("OrderedDict(...)");
      return;
    }
    _repr_pprint(repr(obj));
  }
  // None/True/False (singletons), int, str, bytes, and everything with its
  // own __repr__ and no pretty printer: tensors, Parameters, torch.Size,
  // dtypes, torch.return_types (their class defines __repr__).
  template <class T>
  void dispatch(const Object& obj, const T&) {
    _repr_pprint(repr(obj));
  }

  // A pprint that just redirects to the normal repr function.
  void _repr_pprint(const std::string& output) {
    // Find newlines and replace them with p.break_()
    const auto lines = splitlines(output);
    begin_group();
    for (size_t idx = 0; idx < lines.size(); ++idx) {
      if (idx) break_();
      text(lines[idx]);
    }
    end_group();
  }

  void _seq_pprinter_factory(const std::vector<Object>& obj, const std::string& start,
                             const std::string& end, bool is_tuple) {
    const int step = py_len(start);
    begin_group(step, start);
    _enumerate(obj, [this](int idx, const Object& x) {
      if (idx) {
        text(",");
        breakable();
      }
      pretty(x);
    });
    if (obj.size() == 1 && is_tuple) {
      // Special case for 1-item tuples.
      text(",");
    }
    end_group(step, end);
  }

  void _dict_pprinter_factory(const Dict& obj, const std::string& start, const std::string& end) {
    const int step = py_len(start);
    begin_group(step, start);
    _enumerate(obj.items, [this](int idx, const std::pair<Object, Object>& item) {
      if (idx) {
        text(",");
        breakable();
      }
      pretty(item.first);
      text(": ");
      pretty(item.second);
    });
    end_group(step, end);
  }

  // cls_ctor(list(obj.items())) or cls_ctor(): p.pretty() of a
  // CallExpression('OrderedDict', ...), whose _repr_pretty_ is inlined here.
  void _ordereddict_pprint(const Dict& obj) {
    begin_group();  // p.pretty(CallExpression)
    const std::string prefix = "OrderedDict(";
    const int step = py_len(prefix);
    begin_group(step, prefix);
    if (!obj.items.empty()) {
      List items;
      items.reserve(obj.items.size());
      for (const auto& kv : obj.items) items.push_back(Object(Tuple{{kv.first, kv.second}}));
      pretty(Object(std::move(items)));
    }
    end_group(step, ")");
    end_group();
  }
};

}  // namespace

std::string pretty(const Object& obj, int max_width) {
  const detail::OptionsSnapshot snapshot;  // every tensor inside prints with the same options
  std::string stream;
  RepresentationPrinter printer(stream, max_width, "\n", MAX_SEQ_LENGTH);
  printer.pretty(obj);
  printer.flush();
  return stream;
}

}  // namespace pyrepr
