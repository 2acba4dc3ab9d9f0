#include "common/trigger/ht_trigger.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace l1t::trigger {
namespace {

constexpr double kPi = std::numbers::pi;

TEST(HtSumsTest, SumsThePtOfTheTracksEachSelectionKeeps) {
  // Two primaries back to back (no MHT among them), one pile-up track along +x.
  const std::vector<ScoredTrack> tracks = {{10, 0, 0.9f, 0.9f, true},
                                           {10, static_cast<float>(kPi), 0.9f, 0.2f, true},
                                           {5, 0, 0.8f, 0.8f, false}};
  const HtSums truth = ht_sums(tracks, Selection::kTruth, 0);
  EXPECT_DOUBLE_EQ(truth.ht, 20);
  EXPECT_NEAR(truth.mht(), 0, 1e-5);
  const HtSums live = ht_sums(tracks, Selection::kLive, 0.5);
  EXPECT_DOUBLE_EQ(live.ht, 25);
  EXPECT_NEAR(live.mht(), 5, 1e-5);
  EXPECT_NEAR(live.mhx, -5, 1e-5) << "missing HT points against the visible sum";
  const HtSums frozen = ht_sums(tracks, Selection::kFrozen, 0.5);
  EXPECT_DOUBLE_EQ(frozen.ht, 15);
  EXPECT_NEAR(frozen.mht(), 15, 1e-5) << "both kept tracks along +x";
}

// A minimum-bias event whose frozen-model HT is `ht` (one kept pile-up track).
std::vector<ScoredTrack> minbias(float ht) { return {{ht, 0, 0.9f, 0.9f, false}}; }

TEST(HtTriggerTest, FixesTheHtThresholdForTheTargetMinimumBiasShareAndHoldsIt) {
  TriggerSettings s;
  s.minbias_accept = 0.1;
  s.min_reference_accepts = 1;
  HtTrigger t(s);
  // Undegraded minimum bias with HT 1 ... 20: 10 % accepted is 2 events, above HT 18.
  for (int i = 1; i <= 20; ++i) t.add(0, true, true, minbias(static_cast<float>(i)));
  // A signal event: primaries of HT 30, all kept by both models.
  const std::vector<ScoredTrack> signal = {{20, 0, 0.9f, 0.9f, true}, {10, 1, 0.9f, 0.9f, true}};
  t.add(0, true, false, signal);
  EXPECT_FALSE(t.locked());
  EXPECT_EQ(t.kept_events(), 21u);
  t.lock(0.5);
  ASSERT_TRUE(t.ht_threshold_gev().has_value());
  EXPECT_DOUBLE_EQ(*t.ht_threshold_gev(), 18);
  EXPECT_EQ(t.reference_minbias_events(), 20u);
  EXPECT_EQ(t.kept_events(), 0u) << "scored at the lock and let go";
  const TriggerLevel& l0 = t.levels().at(0);
  EXPECT_EQ(l0.minbias_events, 20u);
  EXPECT_EQ(l0.signal_events, 1u);
  EXPECT_EQ(l0.frozen.minbias_accepted, 2u);
  const Rate r = t.rate(l0, l0.frozen);
  EXPECT_DOUBLE_EQ(r.share, 0.1);
  EXPECT_NEAR(r.hz, 0.1 * 40.079e6 * 2808 / 3564, 1e-3);
  EXPECT_NEAR(r.hz_error, std::sqrt(0.1 * 0.9 / 20) * 40.079e6 * 2808 / 3564, 1e-3);
  EXPECT_DOUBLE_EQ(t.efficiency(l0, l0.frozen).share, 1.0);
  EXPECT_DOUBLE_EQ(l0.frozen.ht.mean(), 0.0) << "every primary kept, nothing else";

  // A degraded level: the frozen model drops the 20 GeV primary, the live one keeps it; the
  // threshold stays where it was fixed.
  const std::vector<ScoredTrack> degraded = {{20, 0, 0.9f, 0.1f, true}, {10, 1, 0.9f, 0.9f, true}};
  t.add(3, false, false, degraded);
  t.add(3, false, true, minbias(50));
  t.lock(0.9);  // a second lock changes nothing
  EXPECT_DOUBLE_EQ(*t.ht_threshold_gev(), 18);
  const TriggerLevel& l3 = t.levels().at(3);
  EXPECT_EQ(l3.frozen.signal_accepted, 0u) << "HT 10 is below 18";
  EXPECT_EQ(l3.live.signal_accepted, 1u);
  EXPECT_NEAR(l3.frozen.ht.mean(), (10.0 - 30.0) / 30.0, 1e-6);
  EXPECT_NEAR(l3.frozen.mht.mean(), 10.0 - std::hypot(20 + 10 * std::cos(1.0), 10 * std::sin(1.0)),
              1e-4);
  EXPECT_DOUBLE_EQ(t.rate(l3, l3.live).share, 1.0);
}

TEST(HtTriggerTest, EfficiencyAtRateRetunesTheHtThresholdOnTheLevelForEachModel) {
  TriggerSettings s;
  s.minbias_accept = 0.1;
  s.min_reference_accepts = 1;
  HtTrigger t(s);
  t.lock(0.5);
  // A level where the live model keeps 10 GeV more in every event than the frozen one: at the
  // held threshold it fires more often; re-tuned to the same rate it does not.
  for (int i = 1; i <= 20; ++i) {
    const float ht = static_cast<float>(i);
    t.add(1, false, true, {{{ht, 0, 0.9f, 0.9f, false}, {10, 0, 0.9f, 0.1f, false}}});
    t.add(1, false, false, {{{ht + 5, 0, 0.9f, 0.9f, true}, {10, 0, 0.9f, 0.1f, false}}});
  }
  const TriggerLevel& l = t.levels().at(1);
  // Frozen: minimum bias 1..20, threshold 18 -> signal 6..25 above 18: 7 of 20.
  EXPECT_DOUBLE_EQ(t.efficiency_at_rate(l.frozen).share, 7.0 / 20);
  // Live: minimum bias 11..30, threshold 28 -> signal 16..35 above 28: 7 of 20, the same.
  EXPECT_DOUBLE_EQ(t.efficiency_at_rate(l.live).share, 7.0 / 20);
  EXPECT_FALSE(t.ht_threshold_gev().has_value()) << "no undegraded minimum bias before the lock";
}

TEST(HtTriggerTest, TooFewMinimumBiasEventsGiveNoThresholdRatherThanANoisyOne) {
  TriggerSettings s;
  s.minbias_accept = 0.01;  // 5 expected accepts need 500 events
  HtTrigger t(s);
  for (int i = 1; i <= 499; ++i) t.add(0, true, true, minbias(static_cast<float>(i)));
  t.lock(0.5);
  EXPECT_FALSE(t.ht_threshold_gev().has_value());
  const TriggerLevel& l0 = t.levels().at(0);
  EXPECT_TRUE(std::isnan(t.rate(l0, l0.frozen).hz));
}

TEST(HtTriggerTest, WithoutAWorkingPointNothingIsScored) {
  HtTrigger t;
  t.add(1, false, true, minbias(5));
  t.lock(std::nullopt);
  t.add(1, false, true, minbias(5));
  EXPECT_TRUE(t.locked());
  EXPECT_TRUE(t.levels().empty());
  EXPECT_EQ(t.kept_events(), 0u);
}

}  // namespace
}  // namespace l1t::trigger
