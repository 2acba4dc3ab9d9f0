// The scenario's run plan: the `timeline:` section read by load_scenario, and the events and
// levels the emulator generates and l1t-chain expects, with and without a timeline.
#include "common/config/run_plan.h"

#include <gtest/gtest.h>

namespace l1t::config {
namespace {

TEST(RunPlanTest, TimelineExampleLoadsAndSetsTheRun) {
  Scenario s;
  std::string error;
  ASSERT_TRUE(load_scenario(L1T_SOURCE_DIR "/configs/timeline-example.yaml", {}, &s, &error))
      << error;
  ASSERT_TRUE(s.timeline.has_value());
  EXPECT_EQ(s.timeline->time.first_run, 400001u);
  EXPECT_EQ(s.timeline->degradations.size(), 6u);
  RunPlan plan;
  ASSERT_TRUE(RunPlan::build(s, &plan, &error)) << error;
  ASSERT_TRUE(plan.has_timeline());
  EXPECT_EQ(plan.total_events(), 27000u);  // 3 fills x 900 lumisections x 10 events
  EXPECT_EQ(plan.levels(), plan.timeline()->levels().size());
  EXPECT_GE(plan.levels(), 3u);  // at least one scenario per fill
  const EventConditions first = plan.at(0), last = plan.at(26999);
  EXPECT_EQ(first.time.run, 400001u);
  EXPECT_EQ(first.time.fill, 11001u);
  EXPECT_EQ(last.time.fill, 11003u);
  EXPECT_EQ(first.degradation.tracker.bad_strip_fraction, 0.0);
  EXPECT_GT(last.degradation.tracker.bad_strip_fraction, 0.0);  // bri+5bs in the third fill
  EXPECT_GT(last.degradation.smear, 0.0);
  EXPECT_LT(last.time.pileup_mean, 200);  // decayed at the end of a fill
}

TEST(RunPlanTest, WithoutTimelineTheStaircaseAndAConstantPileupHold) {
  Scenario s;
  std::string error;
  ASSERT_TRUE(
      parse_scenario("emulator: {pileup_mean: 140}\n"
                     "degradation: {smear_levels: [0, 0.05, 0.1], events_per_level: 700}\n",
                     {}, &s, &error))
      << error;
  EXPECT_FALSE(s.timeline.has_value());
  RunPlan plan;
  ASSERT_TRUE(RunPlan::build(s, &plan, &error)) << error;
  EXPECT_EQ(plan.total_events(), 2100u);
  EXPECT_EQ(plan.levels(), 3u);
  EXPECT_EQ(plan.at(699).degradation.level, 0);
  EXPECT_EQ(plan.at(700).degradation.smear, 0.05);
  EXPECT_EQ(plan.level_start(2).degradation.smear, 0.1);
  // Default time model: 100 events per lumisection, 300 per run, from run 1 and fill 1.
  EXPECT_EQ(plan.at(0).time.run, 1u);
  EXPECT_EQ(plan.at(0).time.lumisection, 1u);
  EXPECT_EQ(plan.at(250).time.lumisection, 3u);
  EXPECT_EQ(plan.at(30000).time.run, 2u);
  EXPECT_GT(plan.at(2000).time.integrated_lumi_pb, plan.at(1000).time.integrated_lumi_pb);
  // The generator's pile-up stays the scenario's, so the stamp must too, even fills later.
  EXPECT_EQ(plan.at(0).time.pileup_mean, 140);
  EXPECT_EQ(plan.at(5'000'000).time.pileup_mean, 140);
}

TEST(RunPlanTest, ABadTimelineNamesItsKey) {
  Scenario s;
  std::string error;
  EXPECT_FALSE(parse_scenario("timeline: {duration: {events: 10}, bogus: 1}\n", {}, &s, &error));
  EXPECT_NE(error.find("timeline.bogus"), std::string::npos) << error;
  EXPECT_FALSE(
      parse_scenario("timeline: {duration: {events: 10}, degradations: "
                     "[{parameter: bad_strips, schedule: {kind: constant, value: 2}}]}\n",
                     {}, &s, &error));
  EXPECT_NE(error.find("timeline.degradations[0]"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::config
