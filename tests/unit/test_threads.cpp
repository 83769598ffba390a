// Thread safety of the print options: several threads format tensors and
// Python values while another thread changes the options through
// PrintOptionsGuard. Every output must be the repr under one whole option set
// (never a mix of two), and an output produced while the options were known
// to be stable must be the repr under exactly that set.
//
// The ThreadSanitizer build runs this file on its own (./run tsan).
#include <ATen/ATen.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include "catch.hpp"

#include "pyrepr/options.hpp"
#include "pyrepr/pyrepr.hpp"
#include "pyrepr/torch_adapter.hpp"

namespace {

using pyrepr::Object;
using pyrepr::PrintArgs;
using pyrepr::PrintOptions;
using pyrepr::PrintOptionsGuard;

constexpr int kStates = 3;  // 0: defaults, 1: set B (PrintArgs), 2: set C (PrintOptions)

PrintArgs args_b() {
  return PrintArgs().precision(2).threshold(10).edgeitems(1).linewidth(40).sci_mode(true);
}
PrintOptions options_c() {
  PrintOptions o;
  o.precision = 6;
  o.threshold = std::numeric_limits<double>::infinity();
  o.edgeitems = 5;
  o.linewidth = 120;
  o.sci_mode = false;
  return o;
}

// One thing to format, and how.
struct Item {
  std::string name;
  std::function<std::string()> format;
};

std::vector<Item> make_items() {
  // Values chosen so that every option matters: precision, summarization
  // (threshold, edgeitems), line wrapping and scientific notation.
  at::Tensor floats = at::linspace(-1234.5678, 9876.54321, 24, at::kDouble).reshape({4, 6});
  at::Tensor small = at::tensor({1e-5, 0.5, 3.25, 1e4}, at::kDouble).to(at::kFloat);
  at::Tensor longs = at::arange(0, 2000, at::kLong) * 37;
  at::Tensor row = at::linspace(0.001, 1.0, 30, at::kFloat);
  Object list(pyrepr::List{Object(small), Object(row), Object(int64_t{3})});
  pyrepr::Dict dict;
  dict.ordered = true;
  dict.items.emplace_back(Object("w"), pyrepr::parameter(floats.to(at::kFloat)));
  dict.items.emplace_back(Object("b"), Object(small * 3));
  Object odict(std::move(dict));
  return {
      {"repr(2-D float64)", [floats] { return pyrepr::repr(floats); }},
      {"repr(float32 with small values)", [small] { return pyrepr::repr(small); }},
      {"repr(2000 int64)", [longs] { return pyrepr::repr(longs); }},
      {"parameter_repr(row)", [row] { return pyrepr::parameter_repr(row); }},
      {"str(list of tensors)", [list] { return pyrepr::str(list); }},
      {"repr(OrderedDict of tensors)", [odict] { return pyrepr::repr(odict); }},
      {"pretty(list of tensors)", [list] { return pyrepr::pretty(list); }},
  };
}

// The expected output of each item under each option set, computed on one thread.
std::vector<std::array<std::string, kStates>> expected_outputs(const std::vector<Item>& items) {
  std::vector<std::array<std::string, kStates>> expected(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    expected[i][0] = items[i].format();
    {
      PrintOptionsGuard b(args_b());
      expected[i][1] = items[i].format();
    }
    {
      PrintOptionsGuard c(options_c());
      expected[i][2] = items[i].format();
    }
  }
  return expected;
}

}  // namespace

TEST_CASE("formatting while another thread changes the options through guards", "[threads]") {
  REQUIRE(pyrepr::get_printoptions() == PrintOptions{});
  const std::vector<Item> items = make_items();
  const auto expected = expected_outputs(items);
  // The three option sets print every item differently, so a mix would show.
  for (size_t i = 0; i < items.size(); ++i) {
    INFO(items[i].name);
    CHECK(expected[i][0] != expected[i][1]);
    CHECK(expected[i][0] != expected[i][2]);
    CHECK(expected[i][1] != expected[i][2]);
  }

  // A seqlock: `epoch` is odd while the changer is changing the options and
  // even (= 2 * transition count) while they are stable, with `state` telling
  // which set is in force. A formatter that reads the same even epoch before
  // and after formatting saw exactly that state's options.
  std::atomic<uint64_t> epoch{0};
  std::atomic<int> state{0};
  std::atomic<bool> done{false};
  const int kFormatters = 4;
  struct Result {
    std::atomic<uint64_t> stable_epoch{0};  // last even epoch with a stable observation
    uint64_t outputs = 0;
    uint64_t stable_outputs = 0;
    uint64_t not_any_set = 0;
    uint64_t not_stable_set = 0;
    std::string first_problem;
  };
  std::vector<Result> results(kFormatters);

  auto formatter = [&](int id) {
    Result& r = results[static_cast<size_t>(id)];
    for (size_t n = static_cast<size_t>(id); !done.load(); ++n) {
      const size_t i = n % items.size();
      const uint64_t before = epoch.load();
      const int st = state.load();
      std::string out;
      try {
        out = items[i].format();
      } catch (const std::exception& e) {
        out = std::string("exception: ") + e.what();
      }
      const uint64_t after = epoch.load();
      const bool stable = before == after && before % 2 == 0;
      ++r.outputs;
      bool any = false;
      for (const auto& e : expected[i]) any = any || out == e;
      if (!any) {
        if (r.not_any_set++ == 0)
          r.first_problem = items[i].name + " printed under no single option set:\n" + out;
      } else if (stable) {
        ++r.stable_outputs;
        if (out != expected[i][static_cast<size_t>(st)] && r.not_stable_set++ == 0)
          r.first_problem = items[i].name + " not printed under the options in force (set " +
                            std::to_string(st) + "):\n" + out;
      }
      if (stable) r.stable_epoch.store(before);
    }
  };

  std::vector<std::thread> threads;
  for (int id = 0; id < kFormatters; ++id) threads.emplace_back(formatter, id);

  // The changer: A -> B (guard from PrintArgs) -> C (nested guard from
  // PrintOptions) -> back to B -> back to A, many times. After each change it
  // waits until every formatter has seen the new options while they were stable.
  const int kRounds = 25;
  uint64_t transitions = 0;
  auto change = [&](const std::function<void()>& apply, int new_state) {
    epoch.store(2 * transitions + 1);  // changing
    apply();
    state.store(new_state);
    ++transitions;
    const uint64_t stable = 2 * transitions;
    epoch.store(stable);
    for (const Result& r : results) {
      while (r.stable_epoch.load() < stable) std::this_thread::yield();
    }
  };
  for (int round = 0; round < kRounds; ++round) {
    std::optional<PrintOptionsGuard> outer, inner;
    change([&] { outer.emplace(args_b()); }, 1);
    change([&] { inner.emplace(options_c()); }, 2);
    change([&] { inner.reset(); }, 1);
    change([&] { outer.reset(); }, 0);
  }
  done.store(true);
  for (auto& t : threads) t.join();

  for (int id = 0; id < kFormatters; ++id) {
    const Result& r = results[static_cast<size_t>(id)];
    INFO("formatter " << id << ": " << r.outputs << " outputs, " << r.stable_outputs
                      << " while stable\n"
                      << r.first_problem);
    CHECK(r.not_any_set == 0);
    CHECK(r.not_stable_set == 0);
    CHECK(r.stable_outputs >= static_cast<uint64_t>(4 * kRounds));
  }
  CHECK(pyrepr::get_printoptions() == PrintOptions{});
}

TEST_CASE("set_printoptions and get_printoptions from many threads", "[threads]") {
  // Writers install whole option sets; readers must never see a torn mix.
  const PrintOptions a{};
  const PrintOptions b = PrintArgs().profile("short").sci_mode(true).apply_to(a);
  const PrintOptions c = options_c();
  std::atomic<uint64_t> torn{0};
  auto writer = [&](const PrintOptions& o) {
    for (int k = 0; k < 2000; ++k) pyrepr::set_printoptions(o);
  };
  auto reader = [&] {
    for (int k = 0; k < 20000; ++k) {
      const PrintOptions o = pyrepr::get_printoptions();
      if (o != a && o != b && o != c) ++torn;
    }
  };
  std::thread r1(reader), r2(reader);
  std::thread w1(writer, std::cref(b)), w2(writer, std::cref(c));
  for (std::thread* t : {&w1, &w2, &r1, &r2}) t->join();
  pyrepr::set_printoptions(a);
  CHECK(torn.load() == 0);
}
