// LabelWatch on tracks whose labels and scores the test draws: the realised figures are the
// labels' own, the estimate from calibrated scores matches them while P(primary | score) holds
// and parts from them (an alarm) when it moves, offline labels never calibrate, a rise in the
// error rate is found by the error-bit detectors, and a new model starts afresh.
#include "common/drift/label_watch.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace l1t::drift {
namespace {

// Tracks of one crossing: 30 % primary; a primary scores U(0.45, 1), pile-up U(0, 0.52), so
// about 5 % of tracks are on the wrong side of 0.5, as for the live model (flipped: a share of
// primaries scored as pile-up, the concept having moved).
struct Tracks {
  std::vector<float> scores, labels;
};

Tracks draw(std::mt19937_64& rng, int n = 60, double flipped = 0) {
  std::uniform_real_distribution<double> u(0, 1);
  Tracks t;
  for (int i = 0; i < n; ++i) {
    const bool primary = u(rng) < 0.3;
    const bool low = primary && u(rng) < flipped;
    const double s = primary && !low ? 0.45 + 0.55 * u(rng) : 0.52 * u(rng);
    t.scores.push_back(static_cast<float>(s));
    t.labels.push_back(primary ? 1.0f : 0.0f);
  }
  return t;
}

constexpr double kThreshold = 0.5;

TEST(LabelWatchTest, RealisedFiguresAreTheLabelsOwn) {
  LabelWatch w;
  w.start_model(1);
  std::mt19937_64 rng(1);
  double tp = 0, p = 0, fp = 0, n = 0;
  for (int e = 0; e < 100; ++e) {
    const Tracks t = draw(rng);
    w.observe_labels(e + 1, t.scores, t.labels, kThreshold);
    for (size_t i = 0; i < t.scores.size(); ++i) {
      const bool kept = t.scores[i] >= kThreshold;
      (t.labels[i] == 1 ? p : n) += 1;
      if (kept) (t.labels[i] == 1 ? tp : fp) += 1;
    }
  }
  const Performance r = w.realized();
  ASSERT_TRUE(r.valid);
  EXPECT_DOUBLE_EQ(r.efficiency, tp / p);
  EXPECT_DOUBLE_EQ(r.pu_acceptance, fp / n);
  EXPECT_GT(r.auc, 0.9);
  EXPECT_EQ(r.events, 100u);
}

TEST(LabelWatchTest, TheEstimateMatchesTheRealisedFiguresWhileTheConceptHolds) {
  LabelWatch w;
  w.start_model(1);
  std::mt19937_64 rng(2);
  for (int e = 0; e < 1000; ++e) {
    const Tracks t = draw(rng);
    w.observe_labels(e + 1, t.scores, t.labels, kThreshold);
  }
  EXPECT_FALSE(w.estimated().valid) << "nothing estimated before the calibration";
  w.refresh();
  ASSERT_TRUE(w.calibrated());
  for (int e = 0; e < 2000; ++e) w.observe_event(draw(rng).scores, kThreshold);
  w.refresh();
  const Performance est = w.estimated(), real = w.realized();
  ASSERT_TRUE(est.valid);
  EXPECT_NEAR(est.efficiency, real.efficiency, 0.01);
  EXPECT_NEAR(est.pu_acceptance, real.pu_acceptance, 0.01);
  EXPECT_NEAR(est.auc, real.auc, 0.01);
  EXPECT_GT(est.efficiency_error, 0);
  for (const WatchAlarm& a : w.alarms()) EXPECT_NE(a.detector, "cbpe") << "no gap, no alarm";
}

TEST(LabelWatchTest, AMovedConceptOpensAGapBetweenEstimateAndRealisation) {
  LabelWatch w;
  w.start_model(1);
  std::mt19937_64 rng(3);
  for (int e = 0; e < 1000; ++e) {
    const Tracks t = draw(rng);
    w.observe_labels(e + 1, t.scores, t.labels, kThreshold);
  }
  w.refresh();
  // A third of the primaries now score as pile-up: the scores alone barely show it (the
  // calibration still believes them), the labels do.
  for (int e = 0; e < 2000; ++e) {
    const Tracks t = draw(rng, 60, 0.33);
    w.observe_event(t.scores, kThreshold);
    w.observe_labels(1000 + e + 1, t.scores, t.labels, kThreshold);
  }
  w.refresh();
  EXPECT_GT(w.estimated().efficiency - w.realized().efficiency, 0.1);
  bool gap = false;
  for (const WatchAlarm& a : w.alarms())
    gap = gap || (a.detector == "cbpe" && a.signal == "efficiency_gap");
  EXPECT_TRUE(gap);
}

TEST(LabelWatchTest, OfflineLabelsNeverCalibrate) {
  LabelWatch w(WatchSettings{}, /*calibrate=*/false);
  w.start_model(1);
  std::mt19937_64 rng(4);
  for (int e = 0; e < 1000; ++e) {
    const Tracks t = draw(rng);
    w.observe_labels(e + 1, t.scores, t.labels, kThreshold);
    w.observe_event(t.scores, kThreshold);
  }
  w.refresh();
  EXPECT_FALSE(w.calibrated());
  EXPECT_FALSE(w.estimated().valid);
  EXPECT_TRUE(w.realized().valid);
}

TEST(LabelWatchTest, ARiseInTheErrorRateIsFoundAndANewModelStartsAfresh) {
  LabelWatch w;
  w.start_model(1);
  std::mt19937_64 rng(5);
  for (int e = 0; e < 2000; ++e) {
    const Tracks t = draw(rng);
    w.observe_labels(e + 1, t.scores, t.labels, kThreshold);
  }
  const uint64_t before = w.alarms_total();
  for (int e = 0; e < 2000; ++e) {
    const Tracks t = draw(rng, 60, 0.5);
    w.observe_labels(2000 + e + 1, t.scores, t.labels, kThreshold);
  }
  std::set<std::string> found;
  for (const WatchAlarm& a : w.alarms()) {
    if (a.event > 2000) found.insert(a.detector);
  }
  EXPECT_LE(before, 1u) << "a stationary error rate";
  EXPECT_TRUE(found.count("ddm") || found.count("hddm_a"));
  w.start_model(2);
  EXPECT_EQ(w.model_version(), 2u);
  EXPECT_FALSE(w.realized().valid);
  EXPECT_FALSE(w.calibrated());
}

TEST(LabelWatchTest, EachLevelKeepsItsEstimateAndItsRealisedEfficiency) {
  LabelWatch w;
  w.start_model(1);
  std::mt19937_64 rng(6);
  for (int e = 0; e < 1000; ++e) {
    const Tracks t = draw(rng);
    w.observe_labels(e + 1, t.scores, t.labels, kThreshold);
  }
  w.refresh();
  for (uint32_t level : {0u, 1u}) {
    w.set_level(level);
    for (int e = 0; e < 500; ++e) {
      const Tracks t = draw(rng, 60, level == 1 ? 0.33 : 0.0);
      w.observe_event(t.scores, kThreshold);
      w.observe_labels(2000 + level * 1000 + e, t.scores, t.labels, kThreshold);
    }
  }
  const auto levels = w.json()["levels"];
  ASSERT_TRUE(levels.contains("0") && levels.contains("1")) << levels.dump();
  const auto& l0 = levels["0"];
  const auto& l1 = levels["1"];
  EXPECT_NEAR(l0["estimated_efficiency"].get<double>(), l0["realized_efficiency"].get<double>(),
              0.02);
  EXPECT_GT(l1["estimated_efficiency"].get<double>() - l1["realized_efficiency"].get<double>(), 0.1)
      << "the moved concept shows at its own level";
}

}  // namespace
}  // namespace l1t::drift
