// In-process speed of pyrepr::repr on the benchmark's three tensors (the
// same ones bench/compare_speed.py times with Python's repr):
//   full print of a 1000x1000 float32 (profile "full"), the summarized print
//   of the same tensor (default options), and one (1,1,3) tensor.
#include <ATen/ATen.h>
#include <benchmark/benchmark.h>

#include "pyrepr/options.hpp"
#include "pyrepr/torch_adapter.hpp"

namespace {

at::Tensor big() {
  at::manual_seed(0);
  return at::randn({1000, 1000});
}

void BM_repr_full_1000x1000(benchmark::State& state) {
  const at::Tensor t = big();
  pyrepr::PrintOptions opts = pyrepr::PrintArgs().profile("full").apply_to({});
  size_t bytes = 0;
  for (auto _ : state) {
    std::string s = pyrepr::repr(t, opts);
    bytes = s.size();
    benchmark::DoNotOptimize(s);
  }
  state.counters["chars"] = static_cast<double>(bytes);
}
BENCHMARK(BM_repr_full_1000x1000)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_repr_summarized_1000x1000(benchmark::State& state) {
  const at::Tensor t = big();
  for (auto _ : state) benchmark::DoNotOptimize(pyrepr::repr(t, pyrepr::PrintOptions{}));
}
BENCHMARK(BM_repr_summarized_1000x1000)->Unit(benchmark::kMicrosecond);

void BM_repr_tiny_1x1x3(benchmark::State& state) {
  at::manual_seed(0);
  const at::Tensor t = at::randn({1, 1, 3});
  for (auto _ : state) benchmark::DoNotOptimize(pyrepr::repr(t, pyrepr::PrintOptions{}));
}
BENCHMARK(BM_repr_tiny_1x1x3)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
