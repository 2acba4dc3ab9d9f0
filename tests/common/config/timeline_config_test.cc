#include "common/config/timeline_config.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace l1t::config {
namespace {

using physics::DegradationParameter;
using physics::ScheduleKind;
using physics::TimeAxis;
using physics::TimelineSpec;

TimelineSpec parse_ok(const std::string& yaml) {
  TimelineSpec spec;
  std::string error;
  EXPECT_TRUE(parse_timeline_text(yaml, "timeline", &spec, &error)) << error;
  return spec;
}

std::string parse_error(const std::string& yaml) {
  TimelineSpec spec;
  spec.total_events = 777;  // must survive a failed parse
  std::string error;
  EXPECT_FALSE(parse_timeline_text(yaml, "timeline", &spec, &error)) << yaml;
  EXPECT_EQ(spec.total_events, 777u);
  return error;
}

TEST(TimelineConfigTest, TheExampleConfigParsesAndBuilds) {
  const std::string path = L1T_SOURCE_DIR "/configs/timeline-example.yaml";
  TimelineSpec spec;
  std::string error;
  ASSERT_TRUE(load_timeline(path, "timeline", &spec, &error)) << error;
  EXPECT_EQ(spec.time.events_per_lumisection, 10u);
  EXPECT_EQ(spec.total_events, 3u * 900u * 10u);  // duration: 3 fills of 900 lumisections
  ASSERT_EQ(spec.degradations.size(), 6u);
  EXPECT_EQ(spec.degradations[0].parameter, DegradationParameter::kSmear);
  EXPECT_EQ(spec.degradations[1].parameter, DegradationParameter::kScenario);
  EXPECT_EQ(spec.degradations[5].parameter, DegradationParameter::kDeadRegion);

  physics::Timeline t;
  ASSERT_FALSE(physics::Timeline::build(spec, &t));
  const auto first = t.at(0);
  EXPECT_EQ(first.time.run, 400001u);
  EXPECT_EQ(first.time.fill, 11001u);
  EXPECT_EQ(first.time.pileup_mean, 200.0);
  EXPECT_EQ(first.scenario, "none");
  const auto last = t.at(spec.total_events - 1);
  EXPECT_EQ(last.time.fill, 11003u);
  EXPECT_LT(last.time.pileup_mean, 200.0);  // decaying at the end of a fill
  // Three fills of about 1.5 /fb each.
  EXPECT_GT(last.time.integrated_lumi_pb, 4000);
  EXPECT_LT(last.time.integrated_lumi_pb, 5000);
  EXPECT_DOUBLE_EQ(last.degradation.tracker.bias_rail_fraction,
                   physics::kBiasRailPresetFraction);  // bri+5bs in fill 3
  EXPECT_DOUBLE_EQ(last.degradation.tracker.bad_strip_fraction, 0.05);
  EXPECT_FALSE(last.degradation.tracker.dead_region.empty());
  EXPECT_EQ(last.degradation.tracker.z0_shift_cm, 0.05);
  EXPECT_GT(last.degradation.tracker.resolution_scale, 1.1);
  EXPECT_LT(last.degradation.tracker.pt_scale, 0.98);
  EXPECT_GT(last.degradation.smear, 0.04);
  // One level per conditions interval at most (27 of 100 lumisections), more than the fills.
  EXPECT_LE(t.levels().size(), 27u);
  EXPECT_GT(t.levels().size(), 3u);
}

TEST(TimelineConfigTest, EveryScheduleKind) {
  const TimelineSpec spec = parse_ok(R"(
timeline:
  time: {events_per_lumisection: 20, lumisections_per_run: 10, runs_per_fill: 2}
  duration: {fills: 2}
  update_every_lumisections: 2
  degradations:
    - parameter: smear
      schedule: {kind: piecewise, axis: event, knots: [[0, 0], [100, 0.01], [300, 0.05]]}
    - parameter: bad_strips
      schedule: {kind: step, axis: lumisection, at: 12, after: 0.05}
    - parameter: pt_scale
      schedule: {kind: per_fill, values: [1.0, 0.98]}
    - parameter: resolution_scale
      schedule: {kind: linear, axis: lumi_pb, from: [0, 1.0], to: [50, 1.2]}
    - parameter: misalignment
      schedule: {kind: constant, value: -0.03}
    - parameter: scenario
      schedule: {kind: piecewise, axis: fill, knots: [[0, none], [1, bri+1bs]]}
    - parameter: dead_region
      eta: [-1.0, -0.5]
      schedule: {kind: step, axis: event, at: 500, before: off, after: on}
)");
  EXPECT_EQ(spec.total_events, 2u * 20u * 20u);
  EXPECT_EQ(spec.update_every_lumisections, 2u);
  ASSERT_EQ(spec.degradations.size(), 7u);
  const auto& d = spec.degradations;
  EXPECT_EQ(d[0].schedule.kind(), ScheduleKind::kPiecewise);
  EXPECT_EQ(d[0].schedule.interpolation(), physics::Interpolation::kLinear);
  EXPECT_EQ(d[0].schedule.knots().size(), 3u);
  EXPECT_EQ(d[1].schedule.kind(), ScheduleKind::kStep);
  EXPECT_EQ(d[1].schedule.axis(), TimeAxis::kLumisection);
  EXPECT_EQ(d[1].schedule.at_coordinate(11), 0.0);  // before: the neutral value
  EXPECT_EQ(d[1].schedule.at_coordinate(12), 0.05);
  EXPECT_EQ(d[2].schedule.kind(), ScheduleKind::kPerFill);
  EXPECT_EQ(d[3].parameter, DegradationParameter::kResolution);
  EXPECT_EQ(d[3].schedule.axis(), TimeAxis::kIntegratedLumiPb);
  EXPECT_DOUBLE_EQ(d[3].schedule.at_coordinate(25), 1.1);
  EXPECT_EQ(d[4].parameter, DegradationParameter::kZ0Shift);
  EXPECT_EQ(d[4].schedule.at_coordinate(1e6), -0.03);
  EXPECT_EQ(d[5].schedule.interpolation(), physics::Interpolation::kStaircase);
  EXPECT_EQ(d[5].schedule.at_coordinate(1), 2.0);  // bri+1bs is preset 2
  EXPECT_EQ(d[6].dead_region.eta_min, -1.0);
  EXPECT_EQ(d[6].dead_region.phi_min, -M_PI);  // the whole ring by default
  EXPECT_EQ(d[6].schedule.at_coordinate(500), 1.0);

  physics::Timeline t;
  ASSERT_FALSE(physics::Timeline::build(spec, &t));
  EXPECT_EQ(t.at(799).scenario, "");  // bri+1bs with more on top
  EXPECT_NEAR(t.at(799).degradation.tracker.bad_strip_fraction, 1 - 0.99 * 0.95, 1e-15);
}

TEST(TimelineConfigTest, DefaultsAndDurations) {
  TimelineSpec spec = parse_ok("timeline:\n  duration: {events: 5000}\n");
  EXPECT_EQ(spec.total_events, 5000u);
  EXPECT_EQ(spec.time.events_per_lumisection, physics::TimeModelParams{}.events_per_lumisection);
  EXPECT_EQ(spec.time.peak_pileup, 200);
  EXPECT_EQ(spec.update_every_lumisections, 1u);
  EXPECT_TRUE(spec.degradations.empty());
  spec =
      parse_ok("timeline:\n  time: {events_per_lumisection: 7}\n  duration: {lumisections: 3}\n");
  EXPECT_EQ(spec.total_events, 21u);
  spec = parse_ok("timeline:\n  duration: {fills: 2}\n");
  EXPECT_EQ(spec.total_events, 2u * 300u * 3u * 100u);
}

TEST(TimelineConfigTest, KeyPathNamesTheSectionWhereverItLives) {
  TimelineSpec spec;
  std::string error;
  EXPECT_FALSE(parse_timeline_text("chain:\n  timeline:\n    duration: {events: 0}\n",
                                   "chain.timeline", &spec, &error));
  EXPECT_EQ(error, "config key 'chain.timeline.duration.events' must be > 0");
  EXPECT_FALSE(parse_timeline_text("duration: {events: 10}\ncolour: red\n", "", &spec, &error));
  EXPECT_EQ(error, "config key 'colour' is not a known key");
  const YAML::Node node = YAML::Load("duration: {events: 10}\ntime: {runs_per_fill: 0}\n");
  EXPECT_FALSE(parse_timeline(node, "my.timeline", &spec, &error));
  EXPECT_EQ(error, "config key 'my.timeline.time.runs_per_fill' must be > 0");
}

TEST(TimelineConfigTest, MissingFileAndMissingSection) {
  TimelineSpec spec;
  std::string error;
  EXPECT_FALSE(load_timeline("/nonexistent/timeline.yaml", "timeline", &spec, &error));
  EXPECT_NE(error.find("/nonexistent/timeline.yaml"), std::string::npos);
  const auto dir = std::filesystem::temp_directory_path() / "timeline_config_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "no_timeline.yaml").string();
  std::ofstream(path) << "name: x\n";
  EXPECT_FALSE(load_timeline(path, "timeline", &spec, &error));
  EXPECT_EQ(error, path + ": config key 'timeline' is missing");
  std::filesystem::remove_all(dir);
  EXPECT_NE(parse_error("timeline: [1, 2\n").find("not valid YAML"), std::string::npos);
  EXPECT_EQ(parse_error("timeline: 3\n"), "config key 'timeline' must be a map");
}

// Each bad configuration stops with one message naming the key.
TEST(TimelineConfigTest, BadConfigurationsNameTheKey) {
  const std::string head = "timeline:\n  duration: {events: 1000}\n  degradations:\n";
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::vector<Case> cases = {
      // Unknown degradation, schedule kind, axis, interpolation, keys.
      {head + "    - {parameter: smeer, schedule: {kind: constant, value: 0}}\n",
       "config key 'timeline.degradations[0].parameter' is not a known degradation: 'smeer' "
       "(known: smear, bias_rail, bad_strips, dead_region, z0_shift, pt_scale, resolution, "
       "scenario)"},
      {head + "    - {parameter: smear, schedule: {kind: ramp}}\n",
       "config key 'timeline.degradations[0].schedule.kind' must be one of: constant, step, "
       "linear, piecewise, per_fill (got 'ramp')"},
      {head + "    - {parameter: smear, schedule: {kind: step, axis: seconds, at: 1, after: 0}}\n",
       "config key 'timeline.degradations[0].schedule.axis' must be one of: event, lumisection, "
       "fill, lumi_pb (got 'seconds')"},
      {head + "    - {parameter: smear, schedule: {kind: step, at: 1, after: 0}}\n",
       "config key 'timeline.degradations[0].schedule.axis' is missing"},
      {head + "    - {parameter: smear, schedule: {kind: piecewise, axis: fill, knots: [[0, 0]], "
              "interpolation: cubic}}\n",
       "config key 'timeline.degradations[0].schedule.interpolation' must be one of: linear, "
       "staircase (got 'cubic')"},
      {head + "    - {parameter: smear, schedule: {kind: linear, axis: event, at: 3, from: [0, 0], "
              "to: [5, 0.1]}}\n",
       "config key 'timeline.degradations[0].schedule.at' is not a known key for a schedule of "
       "kind linear"},
      {head + "    - {parameter: smear, schedule: {kind: constant, value: 0}, eta: [0, 1]}\n",
       "config key 'timeline.degradations[0].eta' is not a known key (eta and phi belong to "
       "dead_region only)"},
      {"timeline:\n  duration: {events: 10}\n  colour: red\n",
       "config key 'timeline.colour' is not a known key"},
      {"timeline:\n  duration: {events: 10}\n  time: {events_per_ls: 3}\n",
       "config key 'timeline.time.events_per_ls' is not a known key"},
      // Schedules out of order.
      {head + "    - {parameter: smear, schedule: {kind: piecewise, axis: event, "
              "knots: [[0, 0], [10, 0.01], [20, 0.02], [15, 0.03]]}}\n",
       "config key 'timeline.degradations[0].schedule.knots' is not increasing at index 3"},
      {head + "    - {parameter: smear, schedule: {kind: piecewise, axis: event, "
              "knots: [[0, 0], [0, 0.01]]}}\n",
       "config key 'timeline.degradations[0].schedule.knots' is not increasing at index 1"},
      {head + "    - {parameter: smear, schedule: {kind: linear, axis: event, from: [10, 0], "
              "to: [10, 0.1]}}\n",
       "config key 'timeline.degradations[0].schedule.to' must be at a later point than 'from'"},
      {head + "    - {parameter: smear, schedule: {kind: step, axis: lumi_pb, at: -5, after: 0}}\n",
       "config key 'timeline.degradations[0].schedule.at' must be a point >= 0 on the lumi_pb axis "
       "(got -5)"},
      // Negative rates and meaningless values.
      {"timeline:\n  duration: {events: 10}\n  time: {events_per_lumisection: -5}\n",
       "config key 'timeline.time.events_per_lumisection' must be > 0"},
      {"timeline:\n  duration: {events: 10}\n  time: {peak_pileup: -1}\n",
       "config key 'timeline.time.peak_pileup' must be in 0..1000"},
      {"timeline:\n  duration: {events: 10}\n  time: {decay_lifetime_hours: 0}\n",
       "config key 'timeline.time.decay_lifetime_hours' must be > 0"},
      {"timeline:\n  duration: {events: -10}\n",
       "config key 'timeline.duration.events' must be > 0"},
      {"timeline:\n  duration: {events: 10}\n  update_every_lumisections: 0\n",
       "config key 'timeline.update_every_lumisections' must be > 0"},
      {head + "    - {parameter: bad_strips, schedule: {kind: step, axis: fill, at: 1, "
              "after: 1.5}}\n",
       "config key 'timeline.degradations[0].schedule.after' must be in [0, 1] for bad_strips "
       "(got 1.5)"},
      {head + "    - {parameter: smear, schedule: {kind: piecewise, axis: event, "
              "knots: [[0, 0], [10, -0.01]]}}\n",
       "config key 'timeline.degradations[0].schedule.knots[1]' must be in [0, 1] for smear "
       "(got -0.01)"},
      {head + "    - {parameter: pt_scale, schedule: {kind: per_fill, values: [1, 0]}}\n",
       "config key 'timeline.degradations[0].schedule.values[1]' must be > 0 for pt_scale (got 0)"},
      {head + "    - {parameter: bias_rail, schedule: {kind: constant, value: lots}}\n",
       "config key 'timeline.degradations[0].schedule.value' has a value of the wrong type: "
       "'lots'"},
      // Switches.
      {head + "    - {parameter: scenario, schedule: {kind: per_fill, values: [none, bri+2bs]}}\n",
       "config key 'timeline.degradations[0].schedule.values[1]' must be one of: none, bri, "
       "bri+1bs, bri+5bs, bri+10bs (got 'bri+2bs')"},
      {head + "    - {parameter: scenario, schedule: {kind: linear, axis: fill, from: [0, none], "
              "to: [2, bri]}}\n",
       "config key 'timeline.degradations[0].schedule.kind' linear cannot be used for scenario (a "
       "switch): use step, per_fill, or piecewise with interpolation: staircase"},
      {head + "    - {parameter: dead_region, eta: [0, 1], schedule: {kind: piecewise, "
              "axis: event, knots: [[0, off], [5, on]], interpolation: linear}}\n",
       "config key 'timeline.degradations[0].schedule.interpolation' must be staircase for "
       "dead_region (a switch)"},
      {head + "    - {parameter: dead_region, schedule: {kind: step, axis: event, at: 5}}\n",
       "config key 'timeline.degradations[0].eta' is missing"},
      {head + "    - {parameter: dead_region, eta: [1, 0], schedule: {kind: step, axis: event, "
              "at: 5}}\n",
       "config key 'timeline.degradations[0].eta' must be [min, max] with max > min"},
      {head + "    - {parameter: dead_region, eta: [0, 1], phi: [0, 7], schedule: {kind: step, "
              "axis: event, at: 5}}\n",
       "config key 'timeline.degradations[0].phi' must be [min, max] with -pi <= min < max <= pi"},
      {head + "    - {parameter: dead_region, eta: [0, 1], schedule: {kind: step, axis: event, "
              "at: 5, after: maybe}}\n",
       "config key 'timeline.degradations[0].schedule.after' must be on or off for dead_region "
       "(got 'maybe')"},
      // The whole timeline.
      {head + "    - {parameter: smear, schedule: {kind: constant, value: 0}}\n"
              "    - {parameter: bias_rail, schedule: {kind: constant, value: 0}}\n"
              "    - {parameter: smear, schedule: {kind: constant, value: 0.1}}\n",
       "config key 'timeline.degradations[2].parameter' 'smear' is already scheduled by "
       "degradations[0]"},
      {"timeline:\n  degradations: []\n", "config key 'timeline.duration' is missing"},
      {"timeline:\n  duration: {events: 10, fills: 1}\n",
       "config key 'timeline.duration' needs exactly one of: events, lumisections, fills"},
      {"timeline:\n  duration: {hours: 3}\n",
       "config key 'timeline.duration.hours' is not a known key (give one of: events, "
       "lumisections, fills)"},
      {"timeline:\n  duration: {events: 2000000}\n  time: {events_per_lumisection: 1}\n",
       "config key 'timeline.duration' spans 2000000 conditions intervals, more than 1000000: "
       "raise update_every_lumisections or time.events_per_lumisection"},
      {"timeline:\n  duration: {events: 10}\n  degradations: {parameter: smear}\n",
       "config key 'timeline.degradations' must be a list"},
      {head + "    - {parameter: smear}\n",
       "config key 'timeline.degradations[0].schedule' is missing"},
      {head + "    - {parameter: pt_scale, schedule: {kind: per_fill, values: []}}\n",
       "config key 'timeline.degradations[0].schedule.values' must be a non-empty list"},
      {head + "    - {parameter: smear, schedule: {kind: piecewise, axis: event, knots: [3]}}\n",
       "config key 'timeline.degradations[0].schedule.knots[0]' must be a pair [point, value] "
       "(got '3')"},
  };
  for (const Case& c : cases) EXPECT_EQ(parse_error(c.yaml), c.message) << c.yaml;
}

}  // namespace
}  // namespace l1t::config
