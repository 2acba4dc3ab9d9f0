// What the continual learner's step guard (continual_learner.h) costs: one ContinualLearner step
// (the trainer's batch of 64 rows on the 5-25-30-1 network, one thread) with the guard off and
// on, for each algorithm with the trainer's replay strategy (32 fresh + 32 replayed rows) and
// with EWC and LwF (64 fresh rows). The guard copies the model, the algorithm's and strategy's
// state and the replay-draw random state before each step and checks them after it. Compare
// the medians of the /guard:0 and /guard:1 rows:
//   build/bench/continual_bench --benchmark_repetitions=10 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <tbb/global_control.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/nn/continual/continual_learner.h"
#include "common/nn/continual/ewc.h"
#include "common/nn/continual/lwf.h"
#include "common/nn/training/algorithm.h"

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

enum Strategy { kReplay, kEwc, kLwf };

void run(benchmark::State& state, const std::string& algorithm, Strategy strategy) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
  ContinualConfig c;  // batch 64, as the trainer
  c.guard_steps = state.range(0) != 0;
  if (strategy != kReplay) {
    c.replay_capacity = 0;  // the trainer replays only with strategy replay
    c.replay_fraction = 0;
  }
  const FloatMlp start({kNumFeatures, 25, 30, 1}, 1);
  ContinualLearner learner(start, c);
  AlgorithmConfig a;
  a.name = algorithm;
  learner.set_algorithm(make_algorithm(a, nullptr));
  if (strategy == kEwc) learner.set_strategy(std::make_unique<Ewc>());
  if (strategy == kLwf) learner.set_strategy(std::make_unique<Lwf>(start));
  const Stream& s = stream();
  const size_t fresh = learner.fresh_per_step();
  // Warm up: replay memory filling, moments sized, EWC anchored.
  size_t row = 0;
  for (int i = 0; i < 200; ++i, row += fresh) {
    learner.add_samples(&s.x[row * kNumFeatures], &s.y[row], fresh);
  }
  learner.mark_published();
  for (auto _ : state) {
    if (row + fresh > kRows) row = 0;
    benchmark::DoNotOptimize(learner.add_samples(&s.x[row * kNumFeatures], &s.y[row], fresh));
    row += fresh;
  }
  if (learner.steps_restored() != 0) state.SkipWithError("a clean step was undone");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(fresh));
}

void BM_SgdReplay(benchmark::State& s) { run(s, "sgd", kReplay); }
void BM_AdamReplay(benchmark::State& s) { run(s, "adam", kReplay); }
void BM_AmAdamReplay(benchmark::State& s) { run(s, "am-adam", kReplay); }
void BM_AdamEwc(benchmark::State& s) { run(s, "adam", kEwc); }
void BM_AdamLwf(benchmark::State& s) { run(s, "adam", kLwf); }

void guard(benchmark::internal::Benchmark* b) { b->ArgName("guard")->Arg(0)->Arg(1); }
BENCHMARK(BM_SgdReplay)->Apply(guard);
BENCHMARK(BM_AdamReplay)->Apply(guard);
BENCHMARK(BM_AmAdamReplay)->Apply(guard);
BENCHMARK(BM_AdamEwc)->Apply(guard);
BENCHMARK(BM_AdamLwf)->Apply(guard);

}  // namespace
}  // namespace l1t::nn
