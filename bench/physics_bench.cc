// Speed of the physics library on PU-200 tt-bar events: generation, the track-word wire
// format, FastHisto and the NN features.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "common/physics/event_generator.h"
#include "common/physics/fasthisto.h"
#include "common/physics/features.h"
#include "common/physics/track_word.h"

namespace l1t::physics {
namespace {

// A PU-200 event trimmed or topped up (from the next events) to exactly 300 tracks, the
// size the wire-format figures in DESIGN.md refer to.
GeneratedEvent sample_event() {
  EventGenerator g({}, 1);
  GeneratedEvent ev = g.next({});
  while (ev.tracks.size() < 300) {
    const GeneratedEvent more = g.next({});
    ev.tracks.insert(ev.tracks.end(), more.tracks.begin(), more.tracks.end());
  }
  ev.tracks.resize(300);
  return ev;
}

void BM_GenerateEvent(benchmark::State& state) {
  EventGenerator g({}, 1);
  GeneratedEvent ev;
  const DegradationState s{0, state.range(0) / 100.0};
  for (auto _ : state) {
    g.next(s, &ev);
    benchmark::DoNotOptimize(ev.tracks.data());
  }
}
BENCHMARK(BM_GenerateEvent)->Arg(0)->Arg(10)->Unit(benchmark::kMicrosecond);

// Under the worst named tracker scenario plus a dead region: the stub model then needs every
// layer's crossing point (module maps), the slow path.
void BM_GenerateEventTrackerDegraded(benchmark::State& state) {
  EventGenerator g({}, 1);
  GeneratedEvent ev;
  DegradationState s;
  tracker_scenario("bri+10bs", &s.tracker);
  s.tracker.dead_region = {0.5, 1.0, -0.4, 0.4};
  for (auto _ : state) {
    g.next(s, &ev);
    benchmark::DoNotOptimize(ev.tracks.data());
  }
}
BENCHMARK(BM_GenerateEventTrackerDegraded)->Unit(benchmark::kMicrosecond);

void BM_PackTracks(benchmark::State& state) {
  const GeneratedEvent ev = sample_event();
  std::string bytes;
  for (auto _ : state) {
    pack_tracks(ev.tracks, &bytes);
    benchmark::DoNotOptimize(bytes.data());
  }
  state.counters["tracks"] = static_cast<double>(ev.tracks.size());
}
BENCHMARK(BM_PackTracks)->Unit(benchmark::kNanosecond);

void BM_UnpackTracks(benchmark::State& state) {
  const std::string bytes = pack_tracks(sample_event().tracks);
  std::vector<Track> tracks;
  for (auto _ : state) {
    unpack_tracks(bytes, &tracks);
    benchmark::DoNotOptimize(tracks.data());
  }
  state.counters["tracks"] = static_cast<double>(tracks.size());
}
BENCHMARK(BM_UnpackTracks)->Unit(benchmark::kNanosecond);

void BM_FastHisto(benchmark::State& state) {
  const GeneratedEvent ev = sample_event();
  for (auto _ : state) benchmark::DoNotOptimize(find_primary_vertex(ev.tracks));
}
BENCHMARK(BM_FastHisto)->Unit(benchmark::kNanosecond);

void BM_Features(benchmark::State& state) {
  const GeneratedEvent ev = sample_event();
  std::vector<float> f(ev.tracks.size() * kNumFeatures);
  for (auto _ : state) {
    compute_features(ev.tracks, ev.pv_z0, f.data());
    benchmark::DoNotOptimize(f.data());
  }
}
BENCHMARK(BM_Features)->Unit(benchmark::kNanosecond);

}  // namespace
}  // namespace l1t::physics
