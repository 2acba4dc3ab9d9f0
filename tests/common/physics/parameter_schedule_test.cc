#include "common/physics/parameter_schedule.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l1t::physics {
namespace {

TEST(ParameterScheduleTest, ConstantIsTheSameEverywhere) {
  const auto s = ParameterSchedule::constant(0.3);
  for (double x : {-1e9, 0.0, 5.0, 1e12}) EXPECT_EQ(s.at_coordinate(x), 0.3);
  EXPECT_EQ(ParameterSchedule().at_coordinate(7), 0.0);
}

TEST(ParameterScheduleTest, StepChangesAtItsPointInclusive) {
  const auto s = ParameterSchedule::step(TimeAxis::kLumisection, 12, 0.0, 0.05);
  EXPECT_EQ(s.at_coordinate(0), 0.0);
  EXPECT_EQ(s.at_coordinate(11.999), 0.0);
  EXPECT_EQ(s.at_coordinate(12), 0.05);
  EXPECT_EQ(s.at_coordinate(1e9), 0.05);
  EXPECT_FALSE(s.check());
}

TEST(ParameterScheduleTest, LinearRampIsClampedAtBothEnds) {
  const auto up = ParameterSchedule::linear(TimeAxis::kEvent, {100, 0.0}, {300, 0.1});
  EXPECT_EQ(up.at_coordinate(0), 0.0);
  EXPECT_EQ(up.at_coordinate(100), 0.0);
  EXPECT_DOUBLE_EQ(up.at_coordinate(150), 0.025);
  EXPECT_DOUBLE_EQ(up.at_coordinate(200), 0.05);
  EXPECT_DOUBLE_EQ(up.at_coordinate(299), 0.0995);
  EXPECT_EQ(up.at_coordinate(300), 0.1);
  EXPECT_EQ(up.at_coordinate(1e6), 0.1);
  const auto down = ParameterSchedule::linear(TimeAxis::kIntegratedLumiPb, {0, 1.0}, {1000, 0.9});
  EXPECT_DOUBLE_EQ(down.at_coordinate(500), 0.95);
  EXPECT_EQ(down.at_coordinate(2000), 0.9);
}

TEST(ParameterScheduleTest, PiecewiseLinearAndStaircase) {
  const std::vector<Knot> knots{{0, 0.0}, {10, 1.0}, {20, 0.5}};
  const auto lin = ParameterSchedule::piecewise(TimeAxis::kFill, knots, Interpolation::kLinear);
  EXPECT_EQ(lin.at_coordinate(-1), 0.0);
  EXPECT_DOUBLE_EQ(lin.at_coordinate(5), 0.5);
  EXPECT_EQ(lin.at_coordinate(10), 1.0);
  EXPECT_DOUBLE_EQ(lin.at_coordinate(15), 0.75);
  EXPECT_EQ(lin.at_coordinate(20), 0.5);
  EXPECT_EQ(lin.at_coordinate(25), 0.5);
  const auto stair =
      ParameterSchedule::piecewise(TimeAxis::kFill, knots, Interpolation::kStaircase);
  EXPECT_EQ(stair.at_coordinate(-1), 0.0);
  EXPECT_EQ(stair.at_coordinate(9.99), 0.0);
  EXPECT_EQ(stair.at_coordinate(10), 1.0);
  EXPECT_EQ(stair.at_coordinate(19.99), 1.0);
  EXPECT_EQ(stair.at_coordinate(20), 0.5);
  const auto one =
      ParameterSchedule::piecewise(TimeAxis::kEvent, {{5, 0.2}}, Interpolation::kLinear);
  EXPECT_EQ(one.at_coordinate(0), 0.2);
  EXPECT_EQ(one.at_coordinate(9), 0.2);
}

TEST(ParameterScheduleTest, PerFillGivesEachFillItsValueAndRepeatsTheLast) {
  const auto s = ParameterSchedule::per_fill({1.0, 0.98, 0.95});
  EXPECT_EQ(s.axis(), TimeAxis::kFill);
  TimePoint t;
  const double expected[] = {1.0, 0.98, 0.95, 0.95, 0.95};
  for (uint64_t f = 0; f < 5; ++f) {
    t.fill_index = f;
    t.event_index = 1000 * f + 17;  // other coordinates do not matter
    EXPECT_EQ(s.at(t), expected[f]) << f;
  }
}

TEST(ParameterScheduleTest, EachAxisReadsItsCoordinate) {
  TimePoint t;
  t.event_index = 1234;
  t.lumisection_index = 56;
  t.fill_index = 7;
  t.integrated_lumi_pb = 89.5;
  EXPECT_EQ(coordinate(t, TimeAxis::kEvent), 1234);
  EXPECT_EQ(coordinate(t, TimeAxis::kLumisection), 56);
  EXPECT_EQ(coordinate(t, TimeAxis::kFill), 7);
  EXPECT_EQ(coordinate(t, TimeAxis::kIntegratedLumiPb), 89.5);
  const auto s = ParameterSchedule::step(TimeAxis::kLumisection, 56, 1, 2);
  EXPECT_EQ(s.at(t), 2);
  t.lumisection_index = 55;
  EXPECT_EQ(s.at(t), 1);
}

TEST(ParameterScheduleTest, CheckRejectsEmptyUnorderedAndNonFinite) {
  const auto empty = ParameterSchedule::piecewise(TimeAxis::kEvent, {}, Interpolation::kLinear);
  ASSERT_TRUE(empty.check());
  EXPECT_EQ(empty.check()->key, "knots");
  const auto unordered = ParameterSchedule::piecewise(
      TimeAxis::kEvent, {{0, 0}, {10, 1}, {5, 2}, {20, 3}}, Interpolation::kLinear);
  ASSERT_TRUE(unordered.check());
  EXPECT_EQ(unordered.check()->why, "is not increasing at index 2");
  const auto nan = ParameterSchedule::linear(TimeAxis::kEvent, {0, 0}, {10, NAN});
  ASSERT_TRUE(nan.check());
  EXPECT_NE(nan.check()->why.find("index 1"), std::string::npos);
  EXPECT_FALSE(ParameterSchedule::per_fill({1, 2}).check());
}

TEST(ParameterScheduleTest, NamesRoundTrip) {
  for (auto a :
       {TimeAxis::kEvent, TimeAxis::kLumisection, TimeAxis::kFill, TimeAxis::kIntegratedLumiPb}) {
    TimeAxis back = TimeAxis::kEvent;
    ASSERT_TRUE(parse_time_axis(to_string(a), &back)) << to_string(a);
    EXPECT_EQ(back, a);
  }
  for (auto k : {ScheduleKind::kConstant, ScheduleKind::kStep, ScheduleKind::kLinear,
                 ScheduleKind::kPiecewise, ScheduleKind::kPerFill}) {
    ScheduleKind back = ScheduleKind::kConstant;
    ASSERT_TRUE(parse_schedule_kind(to_string(k), &back));
    EXPECT_EQ(back, k);
  }
  TimeAxis axis = TimeAxis::kFill;
  EXPECT_FALSE(parse_time_axis("seconds", &axis));
  EXPECT_EQ(axis, TimeAxis::kFill);
  Interpolation i = Interpolation::kLinear;
  EXPECT_TRUE(parse_interpolation("staircase", &i));
  EXPECT_EQ(i, Interpolation::kStaircase);
  EXPECT_EQ(time_axis_list(), "event, lumisection, fill, lumi_pb");
  EXPECT_NE(ParameterSchedule::linear(TimeAxis::kEvent, {0, 0}, {200, 0.1})
                .describe()
                .find("linear on event"),
            std::string::npos);
}

}  // namespace
}  // namespace l1t::physics
