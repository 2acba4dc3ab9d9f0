// How soon each label-free drift detector (common/drift/drift_watch.h) calls a real
// degradation of the emulated tracker, how often it misses one, and how often it cries wolf on
// an undegraded stream, beside a dummy that fires at a fixed period. A driver, not a timing:
// each case runs once and reports its figures as counters.
//
//   build/bench/drift_delay_bench --benchmark_counters_tabular=true
//
// Events are EventGenerator's (tt-bar + 200 pile-up) under the degradation, features as the
// model sees them. The score is a stand-in for the network (a logistic in |dZ|), so the score
// and accept-rate signals here say how a model's output would move, not what this model does.
// Per case and seed: 10,000 undegraded events (references and burn-in), then the step, then up
// to 20,000 events; the delay is events from the step to a detector's first alarm on any signal
// (labels: the delay x the labeller's default fraction, 0.4, of events labelled).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "common/drift/drift_watch.h"
#include "common/physics/event_generator.h"
#include "common/trigger/event_features.h"

namespace {

using namespace l1t;

constexpr int kBefore = 10000, kAfter = 20000, kSeeds = 3;
constexpr double kLabelFraction = 0.4;
constexpr int kDummyPeriod = 5000;  // events between the dummy's alarms

physics::DegradationState degraded(const std::string& what) {
  physics::DegradationState s;
  if (what == "z0_shift") s.tracker.z0_shift_cm = 0.1;  // 1 mm of misalignment
  if (what == "pt_scale") s.tracker.pt_scale = 0.98;    // 2 % response loss
  if (what == "dead_region") s.tracker.dead_region = {0.0, 1.0, 0.0, 1.0};
  if (what == "smear") s.smear = 0.03;  // the seed study's additive smear, 3 %
  return s;
}

// One event into the watch; the score is 1 / (1 + exp((|dZ| - 0.15 cm) / 0.05 cm)).
struct Feeder {
  std::vector<float> features, scores;
  void feed(drift::DriftWatch& w, const physics::GeneratedEvent& ev, uint64_t id) {
    const double vz = trigger::event_features(ev.tracks, &features);
    scores.resize(ev.tracks.size());
    for (size_t t = 0; t < scores.size(); ++t) {
      const double dz_cm = 4.0 * features[t * 5 + 4];
      scores[t] = static_cast<float>(1 / (1 + std::exp((dz_cm - 0.15) / 0.05)));
    }
    size_t primary = 0;
    for (float s : scores) primary += s > 0.5;
    w.observe({id, 1, 0, features, scores, primary > 40, vz});
  }
};

struct Result {
  std::vector<double> delays;
  int missed = 0;
};

void BM_DetectionDelay(benchmark::State& state, const std::string& what) {
  std::map<std::string, Result> results;  // by detector
  for (auto _ : state) {
    for (int seed = 1; seed <= kSeeds; ++seed) {
      physics::EventGenerator gen({}, static_cast<uint64_t>(seed));
      drift::DriftWatch w;
      Feeder f;
      physics::GeneratedEvent ev;
      uint64_t id = 0;
      for (int i = 0; i < kBefore; ++i) {
        gen.next(physics::DegradationState{}, &ev);
        f.feed(w, ev, ++id);
      }
      const size_t alarms_before = w.alarms().size();
      const physics::DegradationState after = degraded(what);
      for (int i = 0; i < kAfter; ++i) {
        gen.next(after, &ev);
        f.feed(w, ev, ++id);
      }
      std::map<std::string, uint64_t> first;
      for (size_t a = alarms_before; a < w.alarms().size(); ++a) {
        first.try_emplace(w.alarms()[a].detector, w.alarms()[a].event - kBefore);
      }
      for (const char* d : {"page_hinkley", "adwin"}) {
        auto it = first.find(d);
        if (it == first.end()) {
          ++results[d].missed;
        } else {
          results[d].delays.push_back(static_cast<double>(it->second));
        }
      }
      // The dummy fires at a fixed period from the run's start, whatever happens.
      results["dummy"].delays.push_back(kDummyPeriod - kBefore % kDummyPeriod);
    }
  }
  for (auto& [detector, r] : results) {
    std::sort(r.delays.begin(), r.delays.end());
    const double median = r.delays.empty() ? NAN : r.delays[r.delays.size() / 2];
    state.counters[detector + "_delay_events"] = median;
    state.counters[detector + "_delay_labels"] = median * kLabelFraction;
    state.counters[detector + "_missed"] = r.missed;
  }
  state.counters["seeds"] = kSeeds;
}

void BM_FalseAlarms(benchmark::State& state) {
  constexpr int kEvents = 200000;
  for (auto _ : state) {
    physics::EventGenerator gen({}, 99);
    drift::DriftWatch w;
    Feeder f;
    physics::GeneratedEvent ev;
    for (int i = 0; i < kEvents; ++i) {
      gen.next(physics::DegradationState{}, &ev);
      f.feed(w, ev, static_cast<uint64_t>(i + 1));
    }
    std::map<std::string, double> by_detector;
    for (const auto& a : w.alarms()) by_detector[a.detector] += 1;
    for (const char* d : {"page_hinkley", "adwin"}) {
      state.counters[std::string(d) + "_per_million"] = by_detector[d] * 1e6 / kEvents;
    }
    state.counters["dummy_per_million"] = 1e6 / kDummyPeriod;
    state.counters["events"] = kEvents;
  }
}

}  // namespace

BENCHMARK_CAPTURE(BM_DetectionDelay, z0_shift, std::string("z0_shift"))
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_DetectionDelay, pt_scale, std::string("pt_scale"))
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_DetectionDelay, dead_region, std::string("dead_region"))
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_DetectionDelay, smear, std::string("smear"))
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_FalseAlarms)->Iterations(1)->Unit(benchmark::kSecond);
