#include "common/trigger/drift_detector.h"

#include <gtest/gtest.h>

#include <random>

namespace l1t::trigger {
namespace {

// A crafted stream of per-event fractions: mean 0.11, sigma 0.03 per event (as the live model's
// fraction of tracks scored primary), with the mean moving by `shift` from event `at` on.
struct Stream {
  std::mt19937_64 rng{5};
  std::normal_distribution<double> noise{0.0, 0.03};
  double next(size_t i, size_t at, double shift) {
    return 0.11 + (i >= at ? shift : 0.0) + noise(rng);
  }
};

// The first event that raised an alarm, or -1.
long first_alarm(DriftDetector& d, size_t events, size_t at, double shift, DriftAlarmInfo* info) {
  Stream s;
  for (size_t i = 0; i < events; ++i) {
    if (d.observe(s.next(i, at, shift), info)) return static_cast<long>(i);
  }
  return -1;
}

// Blocks of 100 events: the block mean has sigma 0.003.
const DriftConfig kConfig{100, 50, 0.75, 10};

TEST(DriftDetectorTest, StaysQuietOnAStationaryStream) {
  DriftDetector d(kConfig);
  DriftAlarmInfo info;
  EXPECT_EQ(first_alarm(d, 200000, 0, 0.0, &info), -1) << info.reference_mean;
  EXPECT_EQ(d.alarms(), 0u);
  EXPECT_TRUE(d.reference_ready());
}

TEST(DriftDetectorTest, FiresSoonAfterASmallShiftDownAndSaysWhy) {
  DriftDetector d(kConfig);
  DriftAlarmInfo info;
  // A fall of a sixth of the per-event sigma, invisible event by event, is 1.7 sigma of a block
  // mean: the CUSUM grows by about 0.9 per block and crosses 10 after about 12 blocks.
  const long at = first_alarm(d, 20000, 6000, -0.005, &info);
  ASSERT_GE(at, 6000) << "no alarm before the shift";
  EXPECT_LT(at, 6000 + 4000);
  EXPECT_EQ(info.direction, -1);
  EXPECT_NEAR(info.reference_mean, 0.11, 0.003);
  EXPECT_NEAR(info.reference_sigma, 0.003, 0.0015);
  EXPECT_LT(info.recent_mean, info.reference_mean);
  EXPECT_GT(info.cusum, 10.0);
  // Events since the reference (the first 5000 events) was complete, in whole blocks.
  EXPECT_EQ(info.events, static_cast<uint64_t>(at + 1) - 5000);
  EXPECT_EQ(d.alarms(), 1u);
  EXPECT_FALSE(d.reference_ready()) << "it re-learns its reference after an alarm";
}

TEST(DriftDetectorTest, FiresOnARiseToo) {
  DriftDetector d(kConfig);
  DriftAlarmInfo info;
  const long at = first_alarm(d, 20000, 6000, +0.01, &info);
  ASSERT_GE(at, 6000);
  EXPECT_LT(at, 6000 + 1000);
  EXPECT_EQ(info.direction, +1);
}

TEST(DriftDetectorTest, OneShiftGivesOneAlarm) {
  DriftDetector d(kConfig);
  Stream s;
  for (size_t i = 0; i < 100000; ++i) d.observe(s.next(i, 6000, -0.01));
  EXPECT_EQ(d.alarms(), 1u);
}

TEST(DriftDetectorTest, SlackSetsTheSmallestShiftReported) {
  // A shift of a fifth of a block sigma: reported with a slack of 0.1 sigma, not with 0.75.
  DriftAlarmInfo info;
  DriftDetector tight(DriftConfig{100, 50, 0.1, 10});
  EXPECT_GE(first_alarm(tight, 100000, 6000, -0.0006, &info), 6000);
  DriftDetector loose(kConfig);
  EXPECT_EQ(first_alarm(loose, 100000, 6000, -0.0006, &info), -1);
}

TEST(DriftDetectorTest, ResetForgetsTheReference) {
  DriftDetector d(kConfig);
  Stream s;
  for (size_t i = 0; i < 5000; ++i) d.observe(s.next(i, 0, 0.0));
  EXPECT_TRUE(d.reference_ready());
  d.reset();
  EXPECT_FALSE(d.reference_ready());
  // After the reset the new level is the reference, so it raises no alarm.
  for (size_t i = 0; i < 20000; ++i) EXPECT_FALSE(d.observe(s.next(i, 0, -0.02)));
}

TEST(DriftDetectorTest, ThresholdZeroTurnsItOff) {
  DriftDetector d(DriftConfig{1, 2, 0.5, 0});
  EXPECT_FALSE(d.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(d.observe(i < 500 ? 0.1 : 0.9));
}

TEST(DriftDetectorTest, ConstantReferenceDoesNotDivideByZero) {
  DriftDetector d(DriftConfig{1, 50, 0.5, 10});
  for (int i = 0; i < 51; ++i) EXPECT_FALSE(d.observe(0.1));
  EXPECT_TRUE(d.observe(0.2));  // any real move off a constant is a drift
}

}  // namespace
}  // namespace l1t::trigger
