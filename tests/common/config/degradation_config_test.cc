// The `degradation:` keys: a named tracker scenario, the individual degradations composed on
// it, the `scenarios` staircase, and bad values stopped with the key named.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/config/physics_settings.h"
#include "common/config/scenario.h"
#include "common/physics/tracker_degradation.h"
#include "tests/support/scenario_parse.h"

namespace l1t::config {
namespace {

using testing::parse_error;
using testing::parse_ok;

physics::TrackerDegradation preset(std::string_view name) {
  physics::TrackerDegradation d;
  EXPECT_TRUE(physics::tracker_scenario(name, &d)) << name;
  return d;
}

TEST(DegradationConfigTest, DefaultIsNoTrackerDegradation) {
  const Scenario s = parse_ok("");
  EXPECT_EQ(s.degradation.scenario, "none");
  EXPECT_TRUE(s.degradation.scenarios.empty());
  EXPECT_TRUE(s.degradation.tracker_at(0).is_none());
  for (const char* file : {"/configs/default.yaml", "/configs/docker.yaml"}) {
    Scenario shipped;
    std::string error;
    ASSERT_TRUE(load_scenario(std::string(L1T_SOURCE_DIR) + file, {}, &shipped, &error)) << error;
    const physics::DegradationSchedule schedule = degradation_schedule(shipped.degradation);
    ASSERT_EQ(schedule.tracker_levels.size(), schedule.smear_levels.size()) << file;
    for (const auto& t : schedule.tracker_levels) EXPECT_TRUE(t.is_none()) << file;
  }
}

TEST(DegradationConfigTest, EveryNamedScenarioLoads) {
  for (std::string_view name : physics::kTrackerScenarioNames) {
    const Scenario s = parse_ok("", {"degradation.scenario=" + std::string(name)});
    EXPECT_EQ(s.degradation.tracker_at(0), preset(name)) << name;
    EXPECT_EQ(s.degradation.tracker_at(7), preset(name)) << "the whole run: " << name;
  }
  const Scenario s = parse_ok("degradation:\n  scenario: bri+5bs\n");
  EXPECT_DOUBLE_EQ(s.degradation.tracker_at(0).bad_strip_fraction, 0.05);
  EXPECT_DOUBLE_EQ(s.degradation.tracker_at(0).bias_rail_fraction,
                   physics::kBiasRailPresetFraction);
}

TEST(DegradationConfigTest, BiasRailAndPsZLossAreSeparateKeys) {
  // bias_rail: CMS's band loss in a share of PS modules; ps_z_loss: the former bri.
  const Scenario s = parse_ok("", {"degradation.bias_rail=0.5", "degradation.ps_z_loss=0.1",
                                   "degradation.bias_rail_band={rail_um: 50, implant_um: 1450}"});
  const physics::TrackerDegradation d = s.degradation.tracker_at(0);
  EXPECT_DOUBLE_EQ(d.bias_rail_fraction, 0.5);
  EXPECT_DOUBLE_EQ(d.ps_z_loss_fraction, 0.1);
  EXPECT_EQ(s.degradation.bias_rail_band, (physics::BiasRailBand{50, 1450}));
  EXPECT_EQ(generator_config(s).bias_rail_band, (physics::BiasRailBand{50, 1450}));
  // The shipped config: CMSSW PSPDigitizerAlgorithm's 37 um rail per 1467 um implant.
  const Scenario d0 = parse_ok("", {});
  EXPECT_EQ(d0.degradation.bias_rail_band, (physics::BiasRailBand{37, 1467}));
  EXPECT_TRUE(d0.degradation.tracker_at(0).is_none());
}

TEST(DegradationConfigTest, IndividualKeysComposeOnTheScenario) {
  const Scenario s = parse_ok(
      "degradation:\n"
      "  scenario: bri\n"
      "  bad_strips: 0.02\n"
      "  dead_region: {eta: [0.5, 1.0], phi: [-0.5, 0.5]}\n"
      "  z0_shift_cm: 0.3\n"
      "  pt_scale: 1.05\n"
      "  resolution_scale: 1.5\n",
      {"degradation.ps_z_loss=0.2"});
  const physics::TrackerDegradation d = s.degradation.tracker_at(0);
  EXPECT_DOUBLE_EQ(d.bias_rail_fraction, physics::kBiasRailPresetFraction);
  EXPECT_DOUBLE_EQ(d.ps_z_loss_fraction, 0.2);
  EXPECT_DOUBLE_EQ(d.bad_strip_fraction, 0.02);
  EXPECT_EQ(d.dead_region, (physics::EtaPhiWindow{0.5, 1.0, -0.5, 0.5}));
  EXPECT_DOUBLE_EQ(d.z0_shift_cm, 0.3);
  EXPECT_DOUBLE_EQ(d.pt_scale, 1.05);
  EXPECT_DOUBLE_EQ(d.resolution_scale, 1.5);
}

TEST(DegradationConfigTest, DeadRegionWithOneAxisCoversTheOther) {
  const Scenario s = parse_ok("", {"degradation.dead_region.eta=[0.5, 1.0]"});
  const physics::EtaPhiWindow w = s.degradation.dead_region;
  EXPECT_DOUBLE_EQ(w.eta_min, 0.5);
  EXPECT_DOUBLE_EQ(w.eta_max, 1.0);
  EXPECT_TRUE(w.contains(0.7, -3.1));
  EXPECT_TRUE(w.contains(0.7, 3.1));
  EXPECT_FALSE(w.contains(1.1, 0.0));
}

TEST(DegradationConfigTest, ScenariosMakeAStaircase) {
  const Scenario s = parse_ok("", {"degradation.scenarios=[none, bri, bri+1bs, bri+5bs, bri+10bs]",
                                   "degradation.smear_levels=[0]", "degradation.z0_shift_cm=0.1"});
  ASSERT_EQ(s.degradation.levels(), 5u);
  const physics::DegradationSchedule schedule = degradation_schedule(s.degradation);
  EXPECT_EQ(schedule.events_per_level, s.degradation.events_per_level);
  ASSERT_EQ(schedule.total_events(), 5 * s.degradation.events_per_level);
  for (size_t level = 0; level < 5; ++level) {
    const physics::DegradationState st = schedule.at(level * schedule.events_per_level);
    EXPECT_EQ(st.level, static_cast<int>(level));
    EXPECT_EQ(st.smear, 0.0);
    physics::TrackerDegradation expected = preset(physics::kTrackerScenarioNames[level]);
    expected.z0_shift_cm = 0.1;
    EXPECT_EQ(st.tracker, expected) << level;
  }
  // One smear per scenario pairs them level by level.
  const Scenario paired = parse_ok(
      "degradation:\n"
      "  scenarios: [none, bri+10bs]\n"
      "  smear_levels: [0.0, 0.05]\n");
  const physics::DegradationSchedule p = degradation_schedule(paired.degradation);
  EXPECT_EQ(p.at(0).smear, 0.0);
  EXPECT_TRUE(p.at(0).tracker.is_none());
  EXPECT_EQ(p.at(p.events_per_level).smear, 0.05);
  EXPECT_EQ(p.at(p.events_per_level).tracker, preset("bri+10bs"));
}

void expect_key(const std::vector<std::string>& overrides, const std::string& key) {
  const std::string e = parse_error("", overrides);
  EXPECT_NE(e.find("'" + key + "'"), std::string::npos) << e;
}

TEST(DegradationConfigTest, BadValuesNameTheKey) {
  expect_key({"degradation.bias_rail=1.5"}, "degradation.bias_rail");
  expect_key({"degradation.bias_rail=-0.1"}, "degradation.bias_rail");
  expect_key({"degradation.ps_z_loss=1.5"}, "degradation.ps_z_loss");
  expect_key({"degradation.ps_z_loss=-0.1"}, "degradation.ps_z_loss");
  expect_key({"degradation.bias_rail_band.rail_um=0"}, "degradation.bias_rail_band.rail_um");
  expect_key({"degradation.bias_rail_band.implant_um=-1"}, "degradation.bias_rail_band.implant_um");
  expect_key({"degradation.bad_strips=-0.1"}, "degradation.bad_strips");
  expect_key({"degradation.bad_strips=2"}, "degradation.bad_strips");
  expect_key({"degradation.z0_shift_cm=20"}, "degradation.z0_shift_cm");
  expect_key({"degradation.pt_scale=0"}, "degradation.pt_scale");
  expect_key({"degradation.pt_scale=fast"}, "degradation.pt_scale");
  expect_key({"degradation.resolution_scale=-1"}, "degradation.resolution_scale");
  expect_key({"degradation.dead_region.eta=[1.0, 0.5]"}, "degradation.dead_region.eta");
  expect_key({"degradation.dead_region.phi=[0.5, 0.2]"}, "degradation.dead_region.phi");
  expect_key({"degradation.dead_region.phi=[0, 4]"}, "degradation.dead_region.phi");
  expect_key({"degradation.dead_region.eta=[0.5]"}, "degradation.dead_region.eta");
  expect_key({"degradation.dead_region.r=[0, 1]"}, "degradation.dead_region.r");
  expect_key({"degradation.dead_region=0.5"}, "degradation.dead_region");
  expect_key({"degradation.bad_strip=0.1"}, "degradation.bad_strip");
}

TEST(DegradationConfigTest, UnknownScenarioNamesTheKeyAndTheChoices) {
  const std::string e = parse_error("degradation:\n  scenario: bri+7bs\n");
  EXPECT_NE(e.find("'degradation.scenario'"), std::string::npos) << e;
  EXPECT_NE(e.find("none, bri, bri+1bs, bri+5bs, bri+10bs"), std::string::npos) << e;
  EXPECT_NE(e.find("bri+7bs"), std::string::npos) << e;
  const std::string in_list =
      parse_error("", {"degradation.scenarios=[none, bri+2bs]", "degradation.smear_levels=[0]"});
  EXPECT_NE(in_list.find("'degradation.scenarios'"), std::string::npos) << in_list;
  EXPECT_NE(in_list.find("bri+2bs"), std::string::npos) << in_list;
}

TEST(DegradationConfigTest, StaircaseConflictsAreNamed) {
  // default.yaml's eleven smear levels cannot pair with two scenarios.
  const std::string counts = parse_error("", {"degradation.scenarios=[none, bri]"});
  EXPECT_NE(counts.find("'degradation.smear_levels'"), std::string::npos) << counts;
  EXPECT_NE(counts.find("11 values"), std::string::npos) << counts;
  expect_key({"degradation.scenarios=[none, bri]", "degradation.smear_levels=[0]",
              "degradation.scenario=bri"},
             "degradation.scenario");
  expect_key({"degradation.scenarios=bri"}, "degradation.scenarios");
}

}  // namespace
}  // namespace l1t::config
