// The speed suite: training throughput of each algorithm (samples/s: rows through one step,
// forward, update, everything) at each batch size, with one thread and with all of them. Each
// point starts from the same seeded model, warms up, then steps over contiguous batches of
// undegraded tracks until seconds_per_point have passed (best of `repeats` such windows).
//
// The thread count caps oneTBB (tbb::global_control); backprop in Eigen is single-threaded,
// so only algorithms that use TBB (AM-Adam's per-layer updates) can gain from more threads.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/experiment/algorithm_settings.h"
#include "common/experiment/clock.h"
#include "common/nn/training/float_mlp.h"
#include "common/physics/event_generator.h"

namespace l1t::experiment {

struct SpeedOptions {
  std::vector<std::string> algorithms;  // empty: default_algorithms()
  AlgorithmSettings settings;
  std::vector<size_t> batches = {1, 10, 50, 100, 200, 500, 1000};
  std::vector<int> threads = {1};  // e.g. {1, hardware threads}
  double seconds_per_point = 0.5;
  // Timed windows per point; the fastest counts (on a shared machine the others were slowed by
  // other work). seconds_per_point is per window.
  int repeats = 1;
  int warmup_steps = 5;
  int train_events = 300;
  std::vector<int> sizes = {nn::kNumFeatures, 25, 30, 1};
  uint64_t seed = 1;
  physics::GeneratorConfig generator;
  SecondsClock clock = steady_seconds;
  std::function<void(const std::string&)> progress;
};

struct SpeedRow {
  std::string algorithm;
  size_t batch = 0;
  int threads = 1;
  double samples_per_s = 0;
  uint64_t steps = 0;
  double seconds = 0;
};

struct SpeedResult {
  size_t train_rows = 0;
  std::vector<SpeedRow> rows;
};

bool run_speed_suite(const SpeedOptions& options, SpeedResult* out, std::string* error);
nlohmann::json speed_json(const SpeedOptions& options, const SpeedResult& r);
std::string speed_table(const SpeedResult& r);
// speed.svg: samples/s against batch size, log-log, one line per algorithm and thread count.
bool write_speed_plot(const SpeedResult& r, const std::string& dir, std::vector<std::string>* files,
                      std::string* error);

}  // namespace l1t::experiment
