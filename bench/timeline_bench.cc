// What stamping an event with its time and degradation state costs, and what building a
// timeline's levels costs (done once at start-up).
#include <benchmark/benchmark.h>

#include "common/physics/timeline.h"

namespace l1t::physics {
namespace {

// Four degradations (two ramps, a step, a per-fill value) over `fills` default fills.
TimelineSpec spec_of(uint64_t fills) {
  TimelineSpec s;
  s.time.events_per_lumisection = 10;
  s.total_events = fills * TimeModel(s.time).events_per_fill();
  s.degradations = {
      {DegradationParameter::kSmear,
       ParameterSchedule::linear(TimeAxis::kEvent, {0, 0}, {double(s.total_events), 0.1}),
       {}},
      {DegradationParameter::kResolution,
       ParameterSchedule::linear(TimeAxis::kIntegratedLumiPb, {0, 1}, {300000, 1.2}),
       {}},
      {DegradationParameter::kBadStrips,
       ParameterSchedule::step(TimeAxis::kLumisection, 5000, 0, 0.05),
       {}},
      {DegradationParameter::kPtScale, ParameterSchedule::per_fill({1.0, 0.99, 0.98, 0.97}), {}},
  };
  return s;
}

void BM_TimelineAt(benchmark::State& state) {
  Timeline t;
  if (Timeline::build(spec_of(state.range(0)), &t)) state.SkipWithError("bad spec");
  uint64_t e = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(t.at(e));
    e = (e + 7919) % t.total_events();
  }
  state.counters["levels"] = static_cast<double>(t.levels().size());
}
BENCHMARK(BM_TimelineAt)->Arg(3)->Arg(200);

void BM_TimelineBuild(benchmark::State& state) {
  const TimelineSpec spec = spec_of(state.range(0));
  for (auto _ : state) {
    Timeline t;
    benchmark::DoNotOptimize(Timeline::build(spec, &t));
  }
  state.counters["lumisections"] = static_cast<double>(spec.total_events / 10);
}
BENCHMARK(BM_TimelineBuild)->Arg(3)->Arg(200)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace l1t::physics
