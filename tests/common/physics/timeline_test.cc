#include "common/physics/timeline.h"

#include <gtest/gtest.h>

#include "common/physics/degradation_schedule.h"

namespace l1t::physics {
namespace {

using P = DegradationParameter;

// 10 events per lumisection, 10 lumisections (100 events) per fill, three fills.
TimelineSpec base_spec() {
  TimelineSpec s;
  s.time.events_per_lumisection = 10;
  s.time.lumisections_per_run = 5;
  s.time.runs_per_fill = 2;
  s.total_events = 300;
  return s;
}

Timeline build_ok(const TimelineSpec& spec) {
  Timeline t;
  const auto err = Timeline::build(spec, &t);
  EXPECT_FALSE(err) << err->key << " " << err->why;
  return t;
}

std::string build_error(const TimelineSpec& spec) {
  Timeline t;
  const auto err = Timeline::build(spec, &t);
  if (err) {
    EXPECT_EQ(t.total_events(), 0u) << "a failed build must leave the timeline as it was";
  }
  return err ? err->key + ": " + err->why : std::string("(accepted)");
}

// Levels cover the run without gaps, each differs from the one before, and at() agrees.
void expect_consistent_levels(const Timeline& t) {
  const auto& levels = t.levels();
  ASSERT_FALSE(levels.empty());
  EXPECT_EQ(levels.front().first_event, 0u);
  EXPECT_EQ(levels.back().end_event, t.total_events());
  for (size_t l = 0; l < levels.size(); ++l) {
    EXPECT_EQ(levels[l].state.level, static_cast<int>(l));
    EXPECT_LT(levels[l].first_event, levels[l].end_event);
    if (l > 0) {
      EXPECT_EQ(levels[l].first_event, levels[l - 1].end_event);
      EXPECT_FALSE(levels[l].state.smear == levels[l - 1].state.smear &&
                   levels[l].state.tracker == levels[l - 1].state.tracker)
          << "level " << l << " repeats the state of the level before";
    }
  }
  for (uint64_t e = 0; e < t.total_events(); ++e) {
    const TimelineSample s = t.at(e);
    const TimelineLevel& l = levels.at(s.degradation.level);
    EXPECT_LE(l.first_event, e);
    EXPECT_LT(e, l.end_event);
    EXPECT_EQ(s.degradation.smear, l.state.smear);
    EXPECT_EQ(s.degradation.tracker, l.state.tracker);
  }
}

TEST(TimelineTest, SmearRampBadStripsStepAndPerFillPtScale) {
  TimelineSpec spec = base_spec();
  spec.degradations = {
      {P::kSmear, ParameterSchedule::linear(TimeAxis::kEvent, {0, 0.0}, {200, 0.1}), {}},
      {P::kBadStrips, ParameterSchedule::step(TimeAxis::kLumisection, 12, 0.0, 0.05), {}},
      {P::kPtScale, ParameterSchedule::per_fill({1.0, 0.98, 0.95}), {}},
  };
  const Timeline t = build_ok(spec);

  // Event 0: nothing yet.
  TimelineSample s = t.at(0);
  EXPECT_EQ(s.degradation.level, 0);
  EXPECT_EQ(s.degradation.smear, 0.0);
  EXPECT_TRUE(s.degradation.tracker.is_none());
  EXPECT_EQ(s.scenario, "none");
  // Event 55: the ramp as at its lumisection's first event (50), no strips lost, fill 0.
  s = t.at(55);
  EXPECT_DOUBLE_EQ(s.degradation.smear, 0.025);
  EXPECT_EQ(s.degradation.tracker.bad_strip_fraction, 0.0);
  EXPECT_EQ(s.degradation.tracker.pt_scale, 1.0);
  EXPECT_EQ(s.degradation.level, 5);
  // Event 125: lumisection 12, fill 1.
  s = t.at(125);
  EXPECT_DOUBLE_EQ(s.degradation.smear, 0.06);
  EXPECT_EQ(s.degradation.tracker.bad_strip_fraction, 0.05);
  EXPECT_EQ(s.degradation.tracker.pt_scale, 0.98);
  EXPECT_EQ(s.time.fill_index, 1u);
  EXPECT_EQ(s.time.lumisection_index, 12u);
  EXPECT_EQ(s.scenario, "");  // no preset has pt_scale 0.98
  // Event 250: ramp done, fill 2.
  s = t.at(250);
  EXPECT_EQ(s.degradation.smear, 0.1);
  EXPECT_EQ(s.degradation.tracker.pt_scale, 0.95);
  // The ramp changes every lumisection up to event 200 (LS 20, also fill 2): 21 levels.
  EXPECT_EQ(t.levels().size(), 21u);
  EXPECT_EQ(t.levels().back().first_event, 200u);
  expect_consistent_levels(t);
  // Past the end: the last state, while the time goes on.
  const TimelineSample after = t.at(1000);
  EXPECT_EQ(after.degradation.level, 20);
  EXPECT_EQ(after.degradation.tracker.pt_scale, 0.95);
  EXPECT_EQ(after.time.event_index, 1000u);
  EXPECT_EQ(after.time.fill_index, 10u);
}

TEST(TimelineTest, StaircasesMakeOneLevelPerChange) {
  TimelineSpec spec = base_spec();
  spec.degradations = {
      {P::kBadStrips, ParameterSchedule::step(TimeAxis::kLumisection, 12, 0.0, 0.05), {}},
      {P::kPtScale, ParameterSchedule::per_fill({1.0, 0.98, 0.95}), {}},
  };
  const Timeline t = build_ok(spec);
  ASSERT_EQ(t.levels().size(), 4u);
  const uint64_t firsts[] = {0, 100, 120, 200};
  for (size_t l = 0; l < 4; ++l) EXPECT_EQ(t.levels()[l].first_event, firsts[l]);
  EXPECT_EQ(t.at(119).degradation.level, 1);
  EXPECT_EQ(t.at(120).degradation.level, 2);
  expect_consistent_levels(t);
}

TEST(TimelineTest, ReturningToAnEarlierStateIsANewLevel) {
  TimelineSpec spec = base_spec();
  spec.degradations = {
      {P::kBadStrips,
       ParameterSchedule::piecewise(TimeAxis::kLumisection, {{0, 0}, {5, 0.05}, {10, 0}},
                                    Interpolation::kStaircase),
       {}}};
  const Timeline t = build_ok(spec);
  ASSERT_EQ(t.levels().size(), 3u);
  EXPECT_EQ(t.levels()[2].state.tracker, t.levels()[0].state.tracker);
  EXPECT_EQ(t.at(99).degradation.level, 1);
  EXPECT_EQ(t.at(100).degradation.level, 2);
}

TEST(TimelineTest, ChangesTakeEffectAtTheNextConditionsInterval) {
  TimelineSpec spec = base_spec();
  spec.degradations = {{P::kSmear, ParameterSchedule::step(TimeAxis::kEvent, 205, 0, 0.02), {}}};
  Timeline t = build_ok(spec);
  EXPECT_EQ(t.at(209).degradation.smear, 0.0);  // lumisection 20 starts at event 200 < 205
  EXPECT_EQ(t.at(210).degradation.smear, 0.02);
  spec.update_every_lumisections = 5;  // intervals of 50 events
  spec.degradations[0].schedule = ParameterSchedule::step(TimeAxis::kLumisection, 12, 0, 0.02);
  t = build_ok(spec);
  EXPECT_EQ(t.at(149).degradation.smear, 0.0);
  EXPECT_EQ(t.at(150).degradation.smear, 0.02);
  EXPECT_EQ(t.levels().size(), 2u);
}

TEST(TimelineTest, IntegratedLuminosityAxis) {
  TimelineSpec spec = base_spec();
  spec.degradations = {{P::kResolution,
                        ParameterSchedule::linear(TimeAxis::kIntegratedLumiPb, {0, 1}, {100, 1.2}),
                        {}}};
  const Timeline t = build_ok(spec);
  const TimeModel& m = t.time_model();
  for (uint64_t e : {0, 37, 150, 299}) {
    const uint64_t first = e / 10 * 10;
    const double lumi = m.at(first).integrated_lumi_pb;
    const double expected = 1 + 0.2 * std::min(lumi, 100.0) / 100.0;
    EXPECT_DOUBLE_EQ(t.at(e).degradation.tracker.resolution_scale, expected) << e;
    EXPECT_EQ(t.at(e).time.integrated_lumi_pb, m.at(e).integrated_lumi_pb);
  }
  EXPECT_GT(t.at(299).degradation.tracker.resolution_scale, 1.1);  // 1.8 /pb per LS at <PU> 200
}

TEST(TimelineTest, ScenarioPresetComposesWithOtherTrackerEntries) {
  TimelineSpec spec = base_spec();
  // none, bri, bri+5bs by fill (indices in kTrackerScenarioNames).
  spec.degradations = {{P::kScenario, ParameterSchedule::per_fill({0, 1, 3}), {}}};
  Timeline t = build_ok(spec);
  EXPECT_EQ(t.at(50).scenario, "none");
  EXPECT_EQ(t.at(150).scenario, "bri");
  EXPECT_EQ(t.at(150).degradation.tracker.bias_rail_fraction, kBiasRailPresetFraction);
  EXPECT_EQ(t.at(250).scenario, "bri+5bs");
  EXPECT_EQ(t.at(250).degradation.tracker.bad_strip_fraction, 0.05);

  spec.degradations.push_back(
      {P::kBadStrips, ParameterSchedule::constant(0.1), {}});  // independent losses combine
  t = build_ok(spec);
  EXPECT_EQ(t.at(150).degradation.tracker.bad_strip_fraction, 0.1);
  EXPECT_DOUBLE_EQ(t.at(250).degradation.tracker.bad_strip_fraction, 1 - 0.95 * 0.9);
  EXPECT_EQ(t.at(150).scenario, "bri+10bs");  // bri plus 10 % bad strips is that preset
  EXPECT_EQ(t.at(250).scenario, "");
}

TEST(TimelineTest, DeadRegionSwitchesOn) {
  TimelineSpec spec = base_spec();
  const EtaPhiWindow w{0.0, 0.8, 1.0, 1.6};
  spec.degradations = {
      {P::kDeadRegion, ParameterSchedule::step(TimeAxis::kLumisection, 17, 0, 1), w}};
  const Timeline t = build_ok(spec);
  EXPECT_TRUE(t.at(169).degradation.tracker.dead_region.empty());
  EXPECT_EQ(t.at(170).degradation.tracker.dead_region, w);
  EXPECT_EQ(t.at(170).scenario, "");
  EXPECT_EQ(t.levels().size(), 2u);
}

TEST(TimelineTest, TheOldStaircaseIsReproduced) {
  TimeModelParams time;
  time.events_per_lumisection = 50;
  const DegradationSchedule old = default_degradation_schedule(100);
  const Timeline t = build_ok(smear_staircase_timeline(old.smear_levels, 100, time));
  EXPECT_EQ(t.total_events(), old.total_events());
  for (uint64_t e = 0; e < old.total_events() + 50; ++e) {
    EXPECT_EQ(t.at(e).degradation.level, old.at(e).level) << e;
    EXPECT_EQ(t.at(e).degradation.smear, old.at(e).smear) << e;
  }
}

TEST(TimelineTest, EveryLevelCarriesTheSpecsSmearMode) {
  TimeModelParams time;
  time.events_per_lumisection = 50;
  const DegradationSchedule old = default_degradation_schedule(100);
  EXPECT_EQ(old.at(550).smear_mode, SmearMode::kAdditive);
  for (SmearMode mode : {SmearMode::kAdditive, SmearMode::kRelative}) {
    TimelineSpec spec = smear_staircase_timeline(old.smear_levels, 100, time);
    spec.smear_mode = mode;
    const Timeline t = build_ok(spec);
    ASSERT_EQ(t.levels().size(), 11u);
    for (const TimelineLevel& l : t.levels()) EXPECT_EQ(l.state.smear_mode, mode);
    EXPECT_EQ(t.at(1050).degradation.smear_mode, mode);
    EXPECT_EQ(t.at(1050).degradation.smear, 0.10);
  }
  DegradationSchedule relative = old;
  relative.smear_mode = SmearMode::kRelative;
  EXPECT_EQ(relative.at(550).smear_mode, SmearMode::kRelative);
}

TEST(TimelineTest, AnEmptyTimelineIsUndegraded) {
  const Timeline t;
  EXPECT_EQ(t.at(12345).degradation.level, 0);
  EXPECT_EQ(t.at(12345).degradation.smear, 0.0);
  EXPECT_EQ(t.at(12345).scenario, "none");
  TimelineSpec spec = base_spec();
  const Timeline none = build_ok(spec);
  EXPECT_EQ(none.levels().size(), 1u);
  EXPECT_EQ(none.at(299).time.fill, 3u);
}

TEST(TimelineTest, BadSpecsAreRejectedWithTheirKey) {
  auto with = [](std::vector<TimelineEntry> entries) {
    TimelineSpec s = base_spec();
    s.degradations = std::move(entries);
    return s;
  };
  const auto ramp = ParameterSchedule::linear(TimeAxis::kEvent, {0, 0}, {10, 0.1});
  EXPECT_EQ(
      build_error(with({{P::kSmear, ramp, {}}, {P::kBadStrips, ramp, {}}, {P::kSmear, ramp, {}}})),
      "degradations[2].parameter: 'smear' is already scheduled by degradations[0]");
  EXPECT_EQ(build_error(
                with({{P::kSmear,
                       ParameterSchedule::piecewise(TimeAxis::kEvent, {{0, 0}, {5, 0.1}, {3, 0.1}},
                                                    Interpolation::kLinear),
                       {}}})),
            "degradations[0].schedule.knots: is not increasing at index 2");
  EXPECT_EQ(
      build_error(with({{P::kBadStrips, ParameterSchedule::step(TimeAxis::kFill, 1, 0, 1.5), {}}})),
      "degradations[0].schedule.knots: value at index 1 must be in [0, 1] for bad_strips");
  EXPECT_EQ(build_error(with({{P::kPtScale, ParameterSchedule::constant(-1), {}}})),
            "degradations[0].schedule.knots: value at index 0 must be > 0 for pt_scale");
  EXPECT_NE(
      build_error(
          with({{P::kScenario, ParameterSchedule::linear(TimeAxis::kFill, {0, 0}, {2, 4}), {}}}))
          .find("degradations[0].schedule: must be a staircase"),
      std::string::npos);
  EXPECT_EQ(build_error(with({{P::kDeadRegion, ParameterSchedule::constant(1), {}}})),
            "degradations[0].eta: must be [min, max] with max > min");
  EXPECT_EQ(build_error(
                with({{P::kDeadRegion, ParameterSchedule::constant(1), EtaPhiWindow{0, 1, 0, 4}}})),
            "degradations[0].phi: must be [min, max] with -pi <= min < max <= pi");

  TimelineSpec s = base_spec();
  s.total_events = 0;
  EXPECT_EQ(build_error(s), "duration: must be > 0 events");
  s = base_spec();
  s.update_every_lumisections = 0;
  EXPECT_EQ(build_error(s), "update_every_lumisections: must be > 0");
  s = base_spec();
  s.time.events_per_lumisection = 0;
  EXPECT_EQ(build_error(s), "time.events_per_lumisection: must be > 0");
  s = base_spec();
  s.time.events_per_lumisection = 1;
  s.total_events = Timeline::kMaxIntervals + 1;
  EXPECT_NE(build_error(s).find("duration: spans 1000001 conditions intervals"), std::string::npos);
  s.update_every_lumisections = 2;
  EXPECT_EQ(build_error(s), "(accepted)");
}

}  // namespace
}  // namespace l1t::physics
