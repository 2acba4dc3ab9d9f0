#include "common/physics/degradation_schedule.h"

#include <gtest/gtest.h>

namespace l1t::physics {
namespace {

TEST(DegradationScheduleTest, DefaultSteps) {
  const DegradationSchedule s = default_degradation_schedule(100);
  ASSERT_EQ(s.smear_levels.size(), 11u);
  EXPECT_EQ(s.smear_levels.front(), 0.0);
  EXPECT_EQ(s.smear_levels[7], 0.07);
  EXPECT_EQ(s.smear_levels.back(), 0.10);
  EXPECT_EQ(s.total_events(), 1100u);
}

TEST(DegradationScheduleTest, LevelBoundaries) {
  const DegradationSchedule s = default_degradation_schedule(100);
  EXPECT_EQ(s.at(0).level, 0);
  EXPECT_EQ(s.at(0).smear, 0.0);
  EXPECT_EQ(s.at(99).level, 0);
  EXPECT_EQ(s.at(100).level, 1);
  EXPECT_EQ(s.at(100).smear, 0.01);
  EXPECT_EQ(s.at(199).level, 1);
  EXPECT_EQ(s.at(200).level, 2);
  EXPECT_EQ(s.at(1099).level, 10);
  EXPECT_EQ(s.at(1099).smear, 0.10);
  // Past the end the detector stays at its last state.
  EXPECT_EQ(s.at(1100).level, 10);
  EXPECT_EQ(s.at(1'000'000'000).smear, 0.10);
}

TEST(DegradationScheduleTest, DegenerateSchedules) {
  DegradationSchedule empty;
  EXPECT_EQ(empty.at(5).level, 0);
  EXPECT_EQ(empty.at(5).smear, 0.0);
  EXPECT_EQ(empty.total_events(), 0u);
  DegradationSchedule zero_n{{0.0, 0.05}, 0, {}};
  EXPECT_EQ(zero_n.at(5).smear, 0.0);
  DegradationSchedule custom{{0.0, 0.05, 0.2}, 3, {}};
  EXPECT_EQ(custom.at(2).smear, 0.0);
  EXPECT_EQ(custom.at(3).smear, 0.05);
  EXPECT_EQ(custom.at(6).smear, 0.2);
  EXPECT_EQ(custom.total_events(), 9u);
}

TEST(DegradationScheduleTest, TrackerLevelsGoWithTheirLevel) {
  TrackerDegradation bri, worst;
  ASSERT_TRUE(tracker_scenario("bri", &bri));
  ASSERT_TRUE(tracker_scenario("bri+10bs", &worst));
  const DegradationSchedule s{{0.0, 0.0, 0.02}, 10, {TrackerDegradation{}, bri, worst}};
  EXPECT_TRUE(s.at(9).tracker.is_none());
  EXPECT_EQ(s.at(10).tracker, bri);
  EXPECT_EQ(s.at(10).smear, 0.0);
  EXPECT_EQ(s.at(20).tracker, worst);
  EXPECT_EQ(s.at(20).smear, 0.02);
  EXPECT_EQ(s.at(500).tracker, worst) << "the detector does not heal";
  // A shorter list holds its last entry.
  const DegradationSchedule short_list{{0.0, 0.01, 0.02}, 10, {bri}};
  EXPECT_EQ(short_list.at(25).tracker, bri);
  EXPECT_TRUE(default_degradation_schedule(10).at(50).tracker.is_none());
}

}  // namespace
}  // namespace l1t::physics
