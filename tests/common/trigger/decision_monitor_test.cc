#include "common/trigger/decision_monitor.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l1t::trigger {
namespace {

// Three tracks: primary, pile-up, primary.
v1::Truth truth(uint64_t id, uint32_t level) {
  v1::Truth t;
  t.set_event_id(id);
  t.mutable_origin()->assign({1, 0, 1});
  t.mutable_degradation()->set_level(level);
  return t;
}

v1::Decision decision(uint64_t id, uint32_t level, uint64_t version, std::vector<int32_t> live,
                      std::vector<int32_t> frozen) {
  v1::Decision d;
  d.set_event_id(id);
  d.set_model_version(version);
  d.mutable_degradation()->set_level(level);
  d.mutable_degradation()->set_smear(0.01 * level);
  d.set_score_frac_bits(10);
  d.mutable_score_live()->Add(live.begin(), live.end());
  d.mutable_score_frozen()->Add(frozen.begin(), frozen.end());
  d.set_event_timestamp_ns(1000);
  d.set_decided_unix_ns(1000 + 2000 * static_cast<int64_t>(id));
  return d;
}

TEST(DecisionMonitorTest, JoinsInEitherOrderAndScoresPerLevel) {
  DecisionMonitor m;
  // Live is right on every track; frozen gets the last primary wrong.
  m.on_truth(truth(1, 0));
  m.on_decision(decision(1, 0, 1, {1000, 10, 900}, {1000, 10, 100}));
  m.on_decision(decision(2, 1, 2, {1000, 10, 900}, {1000, 10, 100}));
  EXPECT_EQ(m.joined(), 1u);
  m.on_truth(truth(2, 1));
  EXPECT_EQ(m.joined(), 2u);
  ASSERT_EQ(m.levels().size(), 2u);
  const auto& l1 = m.levels().at(1);
  EXPECT_EQ(l1.events, 1u);
  EXPECT_DOUBLE_EQ(l1.smear, 0.01);
  EXPECT_DOUBLE_EQ(l1.live.counts.accuracy(), 1.0);
  EXPECT_NEAR(l1.frozen.counts.accuracy(), 2.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(l1.live.auc.auc(), 1.0);
  EXPECT_EQ(m.versions_seen(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(m.latest_version(), 2u);
}

TEST(DecisionMonitorTest, NamesEachLevelsTrackerCondition) {
  DecisionMonitor m;
  v1::Decision preset = decision(1, 0, 1, {1000, 10, 900}, {1000, 10, 900});
  preset.mutable_degradation()->set_scenario("bri+5bs");
  v1::Decision custom = decision(2, 1, 1, {1000, 10, 900}, {1000, 10, 900});
  custom.mutable_degradation()->set_bias_rail_fraction(0.2);
  custom.mutable_degradation()->set_z0_shift_cm(0.1);
  v1::Decision clean = decision(3, 2, 1, {1000, 10, 900}, {1000, 10, 900});
  for (const auto* d : {&preset, &custom, &clean}) {
    m.on_decision(*d);
    m.on_truth(truth(d->event_id(), d->degradation().level()));
  }
  ASSERT_EQ(m.levels().size(), 3u);
  EXPECT_EQ(m.levels().at(0).tracker, "bri+5bs");
  // Scales left unset on the wire read as 1, so they are not shown.
  EXPECT_EQ(m.levels().at(1).tracker, "bias_rail=0.2 z0_shift_cm=0.1");
  EXPECT_EQ(m.levels().at(2).tracker, "none");
  ASSERT_TRUE(m.current_level().has_value());
  EXPECT_EQ(m.current_level()->tracker, "none");
}

TEST(DecisionMonitorTest, CountsEventsMissingAcrossAVersionChange) {
  DecisionMonitor m;
  m.on_decision(decision(1, 0, 1, {0, 0, 0}, {0, 0, 0}));
  m.on_decision(decision(2, 0, 1, {0, 0, 0}, {0, 0, 0}));
  m.on_decision(decision(5, 0, 2, {0, 0, 0}, {0, 0, 0}));  // 3 and 4 lost around the swap
  m.on_decision(decision(6, 0, 2, {0, 0, 0}, {0, 0, 0}));
  EXPECT_EQ(m.events_missing_around_swaps(), 2u);
}

TEST(DecisionMonitorTest, MismatchedTrackCountsAreNotScored) {
  DecisionMonitor m;
  m.on_truth(truth(1, 0));
  m.on_decision(decision(1, 0, 1, {1, 2}, {1, 2}));
  EXPECT_EQ(m.joined(), 0u);
  EXPECT_EQ(m.mismatched(), 1u);
}

TEST(DecisionMonitorTest, LatencyQuantiles) {
  DecisionMonitor m;
  for (uint64_t id = 1; id <= 100; ++id) m.on_decision(decision(id, 0, 1, {0, 0, 0}, {0, 0, 0}));
  EXPECT_NEAR(m.latency_quantile(0.5), 2000e-9 * 51, 1e-12);
  EXPECT_NEAR(m.latency_quantile(0.99), 2000e-9 * 100, 1e-12);
}

TEST(DecisionMonitorTest, BoundedHistoryKeepsCountsExactAndGivesUpOnOrphans) {
  DecisionMonitor m(0.5, /*history=*/10);
  m.on_truth(truth(1, 0));  // its decision never comes
  m.on_decision(decision(2, 0, 1, {0, 0, 0}, {0, 0, 0}));
  m.on_decision(decision(5, 0, 2, {0, 0, 0}, {0, 0, 0}));  // 3 and 4 lost around the swap
  for (uint64_t id = 6; id <= 100; ++id) {
    m.on_truth(truth(id, 0));
    m.on_decision(decision(id, 0, 2, {1000, 10, 900}, {1000, 10, 900}));
  }
  EXPECT_EQ(m.joined(), 95u);
  EXPECT_EQ(m.unmatched(), 3u);                    // truth 1, decisions 2 and 5
  EXPECT_EQ(m.events_missing_around_swaps(), 2u);  // counted before events 2 and 5 were dropped
  // Quantiles over the last 10 decisions only: ids 91..100.
  EXPECT_NEAR(m.latency_quantile(0.0), 2000e-9 * 91, 1e-12);
  EXPECT_NEAR(m.latency_quantile(0.99), 2000e-9 * 100, 1e-12);
}

}  // namespace
}  // namespace l1t::trigger

namespace l1t::trigger {
namespace {

// Ten tracks, the first four primary; raw scores (2^-10 steps) as given.
v1::Truth ten_tracks(uint64_t id, uint32_t level) {
  v1::Truth t;
  t.set_event_id(id);
  t.mutable_origin()->assign({1, 1, 1, 1, 0, 0, 0, 0, 0, 0});
  t.mutable_degradation()->set_level(level);
  return t;
}

TEST(DecisionMonitorTest, TheWorkingPointIsFixedOnUndegradedEventsAndHeldForEveryLevel) {
  DecisionMonitor m(0.5, 1000, /*pu_acceptance=*/1.0 / 6.0);
  EXPECT_FALSE(m.working_point().has_value());
  // Undegraded: primaries at 700..900, pile-up at 610..700.
  const std::vector<int32_t> clean = {900, 800, 760, 700, 700, 650, 640, 630, 620, 610};
  m.on_truth(ten_tracks(1, 0));
  m.on_decision(decision(1, 0, 1, clean, clean));
  const auto wp = m.working_point();
  ASSERT_TRUE(wp.has_value());
  EXPECT_EQ(m.reference_events(), 1u);
  EXPECT_DOUBLE_EQ(wp->threshold, 651.0 / 1024) << "the lowest score keeping 1 of 6";
  EXPECT_DOUBLE_EQ(wp->negative_acceptance, 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(wp->efficiency, 1.0);
  // Degraded: the frozen model's primaries fall below the held threshold; the live one's do not.
  const std::vector<int32_t> frozen = {900, 500, 400, 300, 700, 650, 640, 630, 620, 610};
  m.on_truth(ten_tracks(2, 3));
  m.on_decision(decision(2, 3, 2, clean, frozen));
  EXPECT_EQ(m.reference_events(), 1u) << "a smeared level is not reference";
  const LevelFigures f = m.figures(m.levels().at(3));
  EXPECT_DOUBLE_EQ(f.frozen.efficiency, 0.25);
  EXPECT_DOUBLE_EQ(f.live.efficiency, 1.0);
  EXPECT_DOUBLE_EQ(f.frozen.negative_acceptance, 1.0 / 6.0);
  EXPECT_NEAR(f.frozen.threshold, wp->threshold, 1e-9) << "held, not re-tuned";
  // Re-tuned to the same acceptance on the level itself: the pile-up scores did not move here.
  EXPECT_DOUBLE_EQ(f.frozen_retuned.efficiency, 0.25);
  EXPECT_DOUBLE_EQ(f.live_retuned.efficiency, 1.0);
}

}  // namespace
}  // namespace l1t::trigger

namespace l1t::trigger {
namespace {

TEST(DecisionMonitorTest, CountsFastHistoVerticesWithinTheWindowAndTheirResolution) {
  DecisionMonitor m(0.5, 1000, 0.1, /*vertex_window_cm=*/0.5);
  const double reco[] = {1.1, 0.7, 3.0, 0.9};  // true vertex at 1.0: residuals .1 -.3 2.0 -.1
  for (uint64_t id = 1; id <= 4; ++id) {
    v1::Truth t = truth(id, 2);
    t.set_pv_z0(1.0);
    v1::Decision d = decision(id, 2, 1, {1000, 10, 900}, {1000, 10, 900});
    d.set_pv_z0(reco[id - 1]);
    m.on_truth(t);
    m.on_decision(d);
  }
  const LevelScore& l = m.levels().at(2);
  EXPECT_EQ(l.vertices_found, 3u);
  EXPECT_DOUBLE_EQ(l.vertex_efficiency(), 0.75);
  EXPECT_NEAR(l.vertex_resolution_cm(), std::sqrt((0.01 + 0.09 + 0.01) / 3), 1e-12);
}

}  // namespace
}  // namespace l1t::trigger

namespace l1t::trigger {
namespace {

// Ten tracks of 10 GeV, the first four primary, with the delivered pT and phi the HT needs.
v1::Truth ten_tracks_with_pt(uint64_t id, uint32_t level, bool minimum_bias) {
  v1::Truth t = ten_tracks(id, level);
  for (int i = 0; i < 10; ++i) {
    t.add_track_pt(10);
    t.add_track_phi(0.5f * static_cast<float>(i));
  }
  t.set_minimum_bias(minimum_bias);
  return t;
}

TEST(DecisionMonitorTest, MinimumBiasEventsGiveTheRateAndStayOutOfTheTrackFigures) {
  TriggerSettings ts;
  ts.minbias_accept = 0.25;
  ts.min_reference_accepts = 1;
  DecisionMonitor m(0.5, 1000, /*pu_acceptance=*/1.0 / 6.0, 0.5, ts);
  const std::vector<int32_t> clean = {900, 800, 760, 700, 700, 650, 640, 630, 620, 610};
  // Minimum bias: the first k tracks scored high, so the frozen model's HT is 10 k GeV.
  uint64_t id = 1;
  for (int kept = 0; kept < 4; ++kept) {  // frozen HT 0, 10, 20, 30 at the working point
    std::vector<int32_t> scores(10, 100);
    for (int k = 0; k < kept; ++k) scores[static_cast<size_t>(k)] = 900;
    m.on_truth(ten_tracks_with_pt(id, 0, true));
    m.on_decision(decision(id, 0, 1, scores, scores));
    ++id;
  }
  m.on_truth(ten_tracks_with_pt(id, 0, false));
  m.on_decision(decision(id, 0, 1, clean, clean));
  ++id;
  EXPECT_EQ(m.reference_events(), 1u) << "minimum bias is not in the working point";
  EXPECT_EQ(m.levels().at(0).minimum_bias_events, 4u);
  EXPECT_EQ(m.levels().at(0).signal_events(), 1u);
  EXPECT_EQ(m.levels().at(0).frozen.counts.total(), 10u) << "the signal event's tracks only";
  EXPECT_FALSE(m.working_point_fixed());
  // The first degraded event fixes the working point (651/1024) and the HT threshold: a quarter
  // of 4 minimum-bias events is 1, above the second largest HT, 20 GeV.
  m.on_truth(ten_tracks_with_pt(id, 2, false));
  m.on_decision(decision(id, 2, 1, clean, clean));
  ASSERT_TRUE(m.working_point_fixed());
  ASSERT_TRUE(m.trigger().ht_threshold_gev().has_value());
  EXPECT_DOUBLE_EQ(*m.trigger().ht_threshold_gev(), 20);
  const TriggerLevel& t0 = m.trigger().levels().at(0);
  EXPECT_EQ(t0.minbias_events, 4u);
  EXPECT_EQ(t0.frozen.minbias_accepted, 1u);
  // The signal event keeps its 4 primaries and the pile-up track at 700: HT 50 > 20.
  EXPECT_EQ(t0.frozen.signal_accepted, 1u);
  EXPECT_NEAR(t0.frozen.ht.mean(), (50.0 - 40.0) / 40.0, 1e-9);
  EXPECT_EQ(m.trigger().levels().at(2).signal_events, 1u);
}

TEST(DecisionMonitorTest, TheWorkingPointIsFixedOnceAndUndegradedEventsAfterItDoNotMoveIt) {
  DecisionMonitor m(0.5, 1000, 1.0 / 6.0);
  const std::vector<int32_t> clean = {900, 800, 760, 700, 700, 650, 640, 630, 620, 610};
  m.on_truth(ten_tracks_with_pt(1, 0, false));
  m.on_decision(decision(1, 0, 1, clean, clean));
  m.fix_working_point();
  const double threshold = m.working_point()->threshold;
  // Undegraded again, every pile-up track high: an estimate would move; the fixed one does not.
  const std::vector<int32_t> high = {900, 900, 900, 900, 900, 900, 900, 900, 900, 900};
  m.on_truth(ten_tracks_with_pt(2, 0, false));
  m.on_decision(decision(2, 0, 1, high, high));
  EXPECT_DOUBLE_EQ(m.working_point()->threshold, threshold);
  EXPECT_EQ(m.reference_events(), 1u);
}

}  // namespace
}  // namespace l1t::trigger

namespace l1t::trigger {
namespace {

TEST(DecisionMonitorTest, TheLiveModelIsScoredAtTheThresholdItsWeightsCarry) {
  DecisionMonitor m(0.5, 1000, 1.0 / 6.0);
  const std::vector<int32_t> clean = {900, 800, 760, 700, 700, 650, 640, 630, 620, 610};
  // The live model's scale moved up: at the frozen model's threshold (651/1024) it keeps every
  // pile-up track; at its own (900/1024) it keeps one primary and no pile-up.
  const std::vector<int32_t> live = {950, 890, 880, 870, 860, 850, 840, 830, 820, 810};
  m.on_truth(ten_tracks_with_pt(1, 0, false));
  m.on_decision(decision(1, 0, 1, clean, clean));
  v1::Decision d = decision(2, 3, 2, live, clean);
  d.set_live_threshold(900.0 / 1024);
  m.on_truth(ten_tracks_with_pt(2, 3, false));
  m.on_decision(d);
  const LevelFigures f = m.figures(m.levels().at(3));
  EXPECT_TRUE(f.live_calibrated);
  EXPECT_DOUBLE_EQ(f.live.efficiency, 0.25);
  EXPECT_DOUBLE_EQ(f.live.negative_acceptance, 0.0);
  EXPECT_DOUBLE_EQ(f.live.threshold, 900.0 / 1024);

  m.set_live_calibrated(false);  // held: the frozen model's threshold for both
  const LevelFigures held = m.figures(m.levels().at(3));
  EXPECT_FALSE(held.live_calibrated);
  EXPECT_DOUBLE_EQ(held.live.negative_acceptance, 1.0);
}

TEST(DecisionMonitorTest, KeepsAViewOfEachNodeAndBoundsHowManyNodes) {
  DecisionMonitor m;
  auto from = [](std::string node, uint64_t id, uint64_t version, uint64_t alarms,
                 std::string last) {
    v1::Decision d = decision(id, 0, version, {1000, 10, 900}, {1000, 10, 100});
    d.set_node(std::move(node));
    d.set_drift_alarms(alarms);
    d.set_last_drift_alarm(std::move(last));
    return d;
  };
  m.on_decision(from("a", 1, 3, 0, ""));
  m.on_decision(from("b", 2, 3, 1, "adwin/pt"));
  m.on_decision(from("a", 3, 4, 2, "ph/z0"));
  m.on_decision(from("b", 4, 4, 1, "adwin/pt"));  // the same alarm again: not a new one
  ASSERT_EQ(m.nodes().size(), 2u);
  const NodeView& a = m.nodes().at("a");
  const NodeView& b = m.nodes().at("b");
  EXPECT_EQ(a.decisions, 2u);
  EXPECT_EQ(a.model_version, 4u);
  EXPECT_EQ(a.drift_alarms, 2u);
  EXPECT_EQ(a.last_drift_alarm, "ph/z0");
  EXPECT_EQ(b.decisions, 2u);
  EXPECT_EQ(b.drift_alarms, 1u);
  EXPECT_EQ(b.last_drift_alarm, "adwin/pt");
  EXPECT_EQ(m.drift_alarms(), 3u);
  EXPECT_EQ(m.last_drift_alarm(), "ph/z0");

  // Names come from the network: past kMaxNodes, new names are scored but not kept.
  for (uint64_t i = 0; i < DecisionMonitor::kMaxNodes + 10; ++i) {
    m.on_decision(from("n" + std::to_string(i), 100 + i, 4, 0, ""));
  }
  EXPECT_EQ(m.nodes().size(), DecisionMonitor::kMaxNodes);
  EXPECT_EQ(m.decisions(), 4u + DecisionMonitor::kMaxNodes + 10);
  m.on_decision(from("a", 1000, 5, 2, "ph/z0"));  // a known node still updates
  EXPECT_EQ(m.nodes().at("a").model_version, 5u);
}

}  // namespace
}  // namespace l1t::trigger
