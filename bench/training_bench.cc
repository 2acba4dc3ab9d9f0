// Training throughput in samples per second of SGD, Adam and AM-Adam (and Adam with
// quantisation-aware training) on the trigger's 5-25-30-1 network, one thread, at the batch
// sizes of the seed study; AM-Adam also with two threads (wall-clock time) for its
// layer-parallel weight step. Each iteration is one step on the next batch of a 64k-row stream of
// toy rows (the step's cost does not depend on the values).
#include <benchmark/benchmark.h>

#include <tbb/global_control.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/nn/training/algorithm.h"
#include "common/nn/training/float_mlp.h"

namespace l1t::nn {
namespace {

constexpr size_t kRows = 65536;

struct Stream {
  std::vector<float> x, y;
};

const Stream& stream() {
  static const Stream s = [] {
    std::mt19937_64 rng(0x7a1);
    std::normal_distribution<float> g(0.0f, 1.0f);
    Stream t;
    t.x.resize(kRows * kNumFeatures);
    t.y.resize(kRows);
    for (size_t i = 0; i < kRows; ++i) {
      for (int f = 0; f < kNumFeatures; ++f) t.x[i * kNumFeatures + f] = g(rng);
      t.y[i] = t.x[i * kNumFeatures] - t.x[i * kNumFeatures + 1] > 0 ? 1.0f : 0.0f;
    }
    return t;
  }();
  return s;
}

void run(benchmark::State& state, const std::string& name, bool quantisation_aware,
         size_t threads = 1) {
  // TBB (AM-Adam's layer-parallel weight step) may use this many threads, the caller's included.
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  const auto batch = static_cast<size_t>(state.range(0));
  AlgorithmConfig config;
  config.name = name;
  config.quantisation_aware = quantisation_aware;
  std::string error;
  std::unique_ptr<Algorithm> algorithm = make_algorithm(config, &error);
  if (algorithm == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  FloatMlp model({kNumFeatures, 25, 30, 1}, 1);
  const Stream& s = stream();
  size_t row = 0;
  for (auto _ : state) {
    if (row + batch > kRows) row = 0;
    benchmark::DoNotOptimize(algorithm->step(model, &s.x[row * kNumFeatures], &s.y[row], batch,
                                             LossOptions{}, nullptr, nullptr));
    row += batch;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(batch));
}

void BM_Sgd(benchmark::State& state) { run(state, "sgd", false); }
void BM_Adam(benchmark::State& state) { run(state, "adam", false); }
void BM_AmAdam(benchmark::State& state) { run(state, "am-adam", false); }
void BM_AdamQat(benchmark::State& state) { run(state, "adam", true); }
void BM_AmAdamTwoThreads(benchmark::State& state) { run(state, "am-adam", false, 2); }

// The seed study's batch sizes.
void batches(benchmark::internal::Benchmark* b) {
  for (int n : {1, 10, 50, 100, 200, 500, 1000}) b->Arg(n);
}
BENCHMARK(BM_Sgd)->Apply(batches);
BENCHMARK(BM_Adam)->Apply(batches);
BENCHMARK(BM_AmAdam)->Apply(batches);
BENCHMARK(BM_AdamQat)->Arg(1)->Arg(50)->Arg(1000);
BENCHMARK(BM_AmAdamTwoThreads)->Arg(1)->Arg(50)->Arg(1000)->UseRealTime();

}  // namespace
}  // namespace l1t::nn
