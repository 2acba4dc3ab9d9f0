// The smear's keys: degradation.smear_mode (additive | relative) and degradation.smear_widths,
// carried to every DegradationState of the run (staircase or timeline) and to the generator,
// and bad values stopped with the key named.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/config/physics_settings.h"
#include "common/config/run_plan.h"
#include "common/config/scenario.h"
#include "common/physics/smear.h"
#include "tests/support/scenario_parse.h"

namespace l1t::config {
namespace {

using physics::SmearMode;
using physics::SmearWidths;
using testing::parse_error;
using testing::parse_ok;

RunPlan plan_of(const Scenario& s) {
  RunPlan plan;
  std::string error;
  EXPECT_TRUE(RunPlan::build(s, &plan, &error)) << error;
  return plan;
}

TEST(SmearConfigTest, AdditiveWithTheMeasuredWidthsByDefault) {
  const Scenario empty = parse_ok("");
  EXPECT_EQ(empty.degradation.smear_mode, SmearMode::kAdditive);
  EXPECT_EQ(empty.degradation.smear_widths, SmearWidths{});
  for (const char* file : {"/configs/default.yaml", "/configs/docker.yaml"}) {
    Scenario shipped;
    std::string error;
    ASSERT_TRUE(load_scenario(std::string(L1T_SOURCE_DIR) + file, {}, &shipped, &error)) << error;
    EXPECT_EQ(shipped.degradation.smear_mode, SmearMode::kAdditive) << file;
    EXPECT_EQ(shipped.degradation.smear_widths, SmearWidths{}) << file;
    const RunPlan plan = plan_of(shipped);
    EXPECT_EQ(plan.level_start(10).degradation.smear, 0.10) << file;
    EXPECT_EQ(plan.level_start(10).degradation.smear_mode, SmearMode::kAdditive) << file;
  }
}

TEST(SmearConfigTest, TheModeReachesEveryLevelOfTheStaircase) {
  const Scenario s = parse_ok("", {"degradation.smear_mode=relative"});
  EXPECT_EQ(s.degradation.smear_mode, SmearMode::kRelative);
  const physics::DegradationSchedule schedule = degradation_schedule(s.degradation);
  EXPECT_EQ(schedule.smear_mode, SmearMode::kRelative);
  const RunPlan plan = plan_of(s);
  for (size_t level = 0; level < plan.levels(); ++level) {
    EXPECT_EQ(plan.level_start(level).degradation.smear_mode, SmearMode::kRelative) << level;
  }
  EXPECT_EQ(plan.at(plan.total_events() + 5).degradation.smear_mode, SmearMode::kRelative);
}

TEST(SmearConfigTest, TheModeReachesATimeline) {
  const std::string timeline =
      "timeline:\n"
      "  time: {events_per_lumisection: 10}\n"
      "  duration: {events: 100}\n"
      "  degradations:\n"
      "    - {parameter: smear, schedule: {kind: step, axis: event, at: 50, after: 0.05}}\n";
  for (SmearMode mode : {SmearMode::kAdditive, SmearMode::kRelative}) {
    const Scenario s =
        parse_ok(timeline, {"degradation.smear_mode=" + std::string(physics::to_string(mode))});
    const RunPlan plan = plan_of(s);
    ASSERT_TRUE(plan.has_timeline());
    ASSERT_EQ(plan.levels(), 2u);
    EXPECT_EQ(plan.at(0).degradation.smear_mode, mode);
    EXPECT_EQ(plan.at(60).degradation.smear, 0.05);
    EXPECT_EQ(plan.at(60).degradation.smear_mode, mode);
  }
}

TEST(SmearConfigTest, WidthsReachTheGenerator) {
  const Scenario s = parse_ok(
      "degradation:\n"
      "  smear_widths: {pt: 0.05, z0: 0.1}\n",
      {"degradation.smear_widths.d0=0"});
  SmearWidths expected;
  expected.pt = 0.05;
  expected.z0 = 0.1;
  expected.d0 = 0;  // 0: d0 is not smeared
  EXPECT_EQ(s.degradation.smear_widths, expected);
  EXPECT_EQ(generator_config(s).smear_widths, expected);
}

void expect_error(const std::vector<std::string>& overrides, const std::string& key,
                  const std::string& also = "") {
  const std::string e = parse_error("", overrides);
  EXPECT_NE(e.find("'" + key + "'"), std::string::npos) << e;
  if (!also.empty()) {
    EXPECT_NE(e.find(also), std::string::npos) << e;
  }
}

TEST(SmearConfigTest, BadValuesNameTheKey) {
  expect_error({"degradation.smear_mode=gaussian"}, "degradation.smear_mode",
               "must be one of: additive, relative (got 'gaussian')");
  expect_error({"degradation.smear_mode=Additive"}, "degradation.smear_mode", "'Additive'");
  expect_error({"degradation.smear_mode=[additive]"}, "degradation.smear_mode", "wrong type");
  expect_error({"degradation.smear_widths.z0=-0.1"}, "degradation.smear_widths.z0", ">= 0");
  expect_error({"degradation.smear_widths.pt=.nan"}, "degradation.smear_widths.pt", "finite");
  expect_error({"degradation.smear_widths.eta=wide"}, "degradation.smear_widths.eta", "wrong type");
  expect_error({"degradation.smear_widths.q_over_r=0.1"}, "degradation.smear_widths.q_over_r",
               "is not a known key");
  expect_error({"degradation.smear_widths=0.5"}, "degradation.smear_widths", "must be a map");
  expect_error({"degradation.smear=0.5"}, "degradation.smear", "is not a known key");
}

}  // namespace
}  // namespace l1t::config
