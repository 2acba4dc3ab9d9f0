// LabellerNode in-process, on a clock the test steps: the join of tracks and truth, the sampled
// fraction, the delay and its order, the flush at shutdown, forgotten halves, bad track words,
// and labels that a seed fixes.
#include "services/labeller/labeller_node.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "common/metrics/metrics.h"
#include "common/physics/features.h"
#include "common/physics/track_word.h"
#include "common/trigger/event_features.h"
#include "common/trigger/label_draws.h"

// The node's source is in the labeller's program, not in a library the tests link.

namespace l1t::labeller {
namespace {

using namespace std::chrono_literals;
using Clock = LabellerNode::Clock;

// Tracks with a spread of pT, angles and z0, and their origins: primary, pile-up, fake in turn.
struct Sample {
  v1::Event event;
  v1::Truth truth;
};

Sample make_sample(uint64_t event_id, int n_tracks = 6) {
  std::vector<physics::Track> tracks;
  std::string origin;
  for (int i = 0; i < n_tracks; ++i) {
    physics::Track t;
    t.inv_r = (i % 2 ? 1 : -1) * physics::kPtFromInvR / (3.0 + 2.0 * i + event_id % 5);
    t.phi0 = -3.0 + 0.9 * i;
    t.tan_lambda = -1.5 + 0.5 * i;
    t.z0 = -4.0 + 1.3 * i + 0.1 * static_cast<double>(event_id % 7);
    t.hit_pattern = 0x3f;
    tracks.push_back(t);
    origin.push_back(static_cast<char>(static_cast<physics::Origin>(i % 3)));
  }
  Sample s;
  s.event.set_event_id(event_id);
  s.event.set_n_tracks(static_cast<uint32_t>(n_tracks));
  s.event.set_track_words(physics::pack_tracks(tracks));
  s.event.mutable_degradation()->set_level(2);
  s.event.mutable_degradation()->set_smear(0.05);
  s.truth.set_event_id(event_id);
  s.truth.set_origin(origin);
  *s.truth.mutable_degradation() = s.event.degradation();
  return s;
}

config::LabellerSettings settings(double fraction, int delay_ms, double noise = 0,
                                  uint64_t seed = 2) {
  config::LabellerSettings s;
  s.fraction = fraction;
  s.delay_ms = delay_ms;
  s.label_noise = noise;
  s.seed = seed;
  return s;
}

class LabellerNodeTest : public ::testing::Test {
 protected:
  LabellerNode make(const config::LabellerSettings& s, Clock::duration timeout = 5s) {
    return LabellerNode(
        s, metrics_, [this] { return now_; }, timeout);
  }
  double counter(const std::string& name) { return metrics_.counter(name, "").Value(); }

  metrics::Metrics metrics_{"127.0.0.1", 0};
  Clock::time_point now_{};
};

std::vector<uint64_t> ids(const std::vector<v1::LabelledBatch>& batches) {
  std::vector<uint64_t> out;
  for (const auto& b : batches) out.push_back(b.event_ids(0));
  return out;
}

TEST_F(LabellerNodeTest, EventThenTruthGivesOneBatchAfterTheDelayNotBefore) {
  auto node = make(settings(1, 100));
  const auto s = make_sample(7);
  node.on_event(s.event);
  node.tick();
  EXPECT_TRUE(node.due().empty());
  EXPECT_EQ(node.pending(), 1u);
  node.on_truth(s.truth);
  EXPECT_EQ(node.pending(), 0u);
  EXPECT_EQ(node.delayed(), 1u);
  now_ += 99ms;
  node.tick();
  EXPECT_TRUE(node.due().empty());
  now_ += 1ms;
  const auto batches = node.due();
  ASSERT_EQ(batches.size(), 1u);
  const auto& b = batches[0];
  ASSERT_EQ(b.event_ids_size(), 1);
  EXPECT_EQ(b.event_ids(0), 7u);
  EXPECT_EQ(b.n_features(), static_cast<uint32_t>(physics::kNumFeatures));
  EXPECT_EQ(b.labels_size(), 6);
  EXPECT_EQ(b.features_size(), 6 * physics::kNumFeatures);
  EXPECT_EQ(b.header().sender(), "labeller");
  EXPECT_EQ(b.header().sequence(), 1u);
  EXPECT_EQ(b.degradation().level(), 2u);
  EXPECT_EQ(node.delayed(), 0u);
  EXPECT_TRUE(node.due().empty());
  EXPECT_EQ(counter("l1t_labelled_events_total"), 1);
  EXPECT_EQ(counter("l1t_labelled_tracks_total"), 6);
}

TEST_F(LabellerNodeTest, TruthThenEventJoinsToo) {
  auto node = make(settings(1, 50));
  const auto s = make_sample(8);
  node.on_truth(s.truth);
  EXPECT_EQ(node.delayed(), 0u);
  node.on_event(s.event);
  EXPECT_TRUE(node.due().empty());
  now_ += 50ms;
  const auto batches = node.due();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].event_ids(0), 8u);
  EXPECT_EQ(node.stats()["events_labelled"], 1);
}

TEST_F(LabellerNodeTest, LabelsAreTheTruthAndFeaturesTheInferenceNodesWithoutNoise) {
  auto node = make(settings(1, 0));
  const auto s = make_sample(9, 9);
  node.on_event(s.event);
  node.on_truth(s.truth);
  const auto batches = node.due();
  ASSERT_EQ(batches.size(), 1u);
  const auto& b = batches[0];
  ASSERT_EQ(b.labels_size(), 9);
  for (int t = 0; t < 9; ++t) {
    const bool primary = s.truth.origin()[t] == static_cast<char>(physics::Origin::kPrimary);
    EXPECT_EQ(b.labels(t), primary ? 1.0f : 0.0f) << "track " << t;
  }
  std::vector<physics::Track> tracks;
  ASSERT_TRUE(physics::unpack_tracks(s.event.track_words(), &tracks));
  std::vector<float> features;
  trigger::event_features(tracks, &features);
  ASSERT_EQ(b.features_size(), static_cast<int>(features.size()));
  for (size_t i = 0; i < features.size(); ++i) EXPECT_EQ(b.features(i), features[i]) << i;
}

TEST_F(LabellerNodeTest, FractionZeroLabelsNothingAndFractionOneLabelsAll) {
  auto none = make(settings(0, 0));
  auto all = make(settings(1, 0));
  for (uint64_t id = 1; id <= 40; ++id) {
    const auto s = make_sample(id);
    for (auto* node : {&none, &all}) {
      node->on_event(s.event);
      node->on_truth(s.truth);
    }
  }
  EXPECT_TRUE(none.flush().empty());
  EXPECT_EQ(none.pending(), 0u);  // complete, only not chosen: not unmatched
  EXPECT_EQ(all.flush().size(), 40u);
  EXPECT_EQ(none.stats()["events_labelled"], 0);
  EXPECT_EQ(all.stats()["events_labelled"], 40);
}

TEST_F(LabellerNodeTest, DelayedBatchesComeOutInTheOrderTheyWereLabelled) {
  auto node = make(settings(1, 100));
  // Truths out of event_id order: labels go in the order events completed.
  const std::vector<uint64_t> order{5, 2, 9, 3};
  for (uint64_t id : order) node.on_event(make_sample(id).event);
  for (uint64_t id : order) {
    node.on_truth(make_sample(id).truth);
    now_ += 10ms;
  }
  now_ += 70ms;  // the first two are due (at 100 and 110 ms), the others at 120 and 130 ms
  const auto first = node.due();
  EXPECT_EQ(ids(first), (std::vector<uint64_t>{5, 2}));
  now_ += 30ms;
  const auto rest = node.due();
  EXPECT_EQ(ids(rest), (std::vector<uint64_t>{9, 3}));
  uint64_t sequence = 0;
  for (const auto* batches : {&first, &rest}) {
    for (const auto& b : *batches) EXPECT_EQ(b.header().sequence(), ++sequence);
  }
}

TEST_F(LabellerNodeTest, FlushAtShutdownReturnsEveryHeldBatch) {
  auto node = make(settings(1, 10000));
  for (uint64_t id = 1; id <= 5; ++id) {
    const auto s = make_sample(id);
    node.on_event(s.event);
    node.on_truth(s.truth);
  }
  EXPECT_TRUE(node.due().empty());
  const auto all = node.flush();
  EXPECT_EQ(ids(all), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(node.delayed(), 0u);
  EXPECT_TRUE(node.flush().empty());
  for (size_t i = 0; i < all.size(); ++i) node.sent(i != 3);
  const auto stats = node.stats();
  EXPECT_EQ(stats["batches_sent"], 4);
  EXPECT_EQ(stats["batches_dropped"], 1);
  EXPECT_EQ(metrics_.sent("labels").Value(), 4);
  EXPECT_EQ(metrics_.dropped("labels").Value(), 1);
}

TEST_F(LabellerNodeTest, AnUnmatchedHalfIsForgottenAfterTheTimeoutAndCounted) {
  auto node = make(settings(1, 0), 5s);
  const auto a = make_sample(1);
  const auto b = make_sample(2);
  node.on_event(a.event);
  now_ += 2s;
  node.on_truth(b.truth);
  now_ += 3s;  // the event is exactly 5 s old: still waiting
  node.tick();
  EXPECT_EQ(node.pending(), 2u);
  now_ += 1ms;
  node.tick();
  EXPECT_EQ(node.pending(), 1u);
  EXPECT_EQ(node.stats()["events_unmatched"], 1);
  // Its truth, too late, starts a new wait instead of labelling.
  node.on_truth(a.truth);
  EXPECT_EQ(node.delayed(), 0u);
  now_ += 6s;
  node.tick();
  EXPECT_EQ(node.pending(), 0u);
  EXPECT_EQ(node.stats()["events_unmatched"], 3);
  EXPECT_EQ(counter("l1t_unmatched_events_total"), 3);
  EXPECT_EQ(node.stats()["events_labelled"], 0);
}

TEST_F(LabellerNodeTest, BadTrackWordsAreCountedAndNotLabelled) {
  auto node = make(settings(1, 0));
  auto short_truth = make_sample(1);
  short_truth.truth.mutable_origin()->pop_back();
  auto torn_words = make_sample(2);
  torn_words.event.mutable_track_words()->push_back('\0');
  for (const auto* s : {&short_truth, &torn_words}) {
    node.on_event(s->event);
    node.on_truth(s->truth);
  }
  EXPECT_TRUE(node.flush().empty());
  EXPECT_EQ(node.pending(), 0u);
  const auto stats = node.stats();
  EXPECT_EQ(stats["messages_rejected"], 2);
  EXPECT_EQ(stats["events_labelled"], 0);
  EXPECT_EQ(stats["events_unmatched"], 0);
  EXPECT_EQ(metrics_.rejected("events_truth", "track_words").Value(), 2);
}

TEST_F(LabellerNodeTest, TheRateSampleIsNotLabelledUnlessAsked) {
  auto node = make(settings(1, 0));
  for (uint64_t id = 1; id <= 4; ++id) {
    Sample s = make_sample(id);
    s.truth.set_minimum_bias(id % 2 == 0);
    node.on_event(s.event);
    node.on_truth(s.truth);
  }
  EXPECT_EQ(ids(node.due()), (std::vector<uint64_t>{1, 3}));
  EXPECT_EQ(node.stats()["events_minimum_bias"].get<uint64_t>(), 2u);

  config::LabellerSettings all = settings(1, 0);
  all.label_minimum_bias = true;
  auto every = make(all);
  for (uint64_t id = 1; id <= 4; ++id) {
    Sample s = make_sample(id);
    s.truth.set_minimum_bias(id % 2 == 0);
    every.on_event(s.event);
    every.on_truth(s.truth);
  }
  EXPECT_EQ(ids(every.due()), (std::vector<uint64_t>{1, 2, 3, 4}));
}

TEST_F(LabellerNodeTest, StatsHaveTheStatsFilesKeys) {
  auto node = make(settings(1, 0));
  const auto stats = node.stats();
  for (const char* key : {"events_labelled", "events_minimum_bias", "batches_sent",
                          "batches_dropped", "messages_rejected", "events_unmatched", "labels"}) {
    EXPECT_TRUE(stats.contains(key)) << key;
  }
  EXPECT_EQ(stats.size(), 7u);
  for (const char* key :
       {"mode", "tracks", "primary_lost", "pileup_taken", "error_rate", "vertices_wrong"}) {
    EXPECT_TRUE(stats["labels"].contains(key)) << key;
  }
}

// Labels and the choice of events from a seed, with each event's own draws: one for the
// fraction, then one per track for the noise.
std::vector<std::vector<float>> reference(uint64_t seed, double fraction, double noise,
                                          const std::vector<Sample>& samples) {
  std::vector<std::vector<float>> out;
  for (const auto& s : samples) {
    trigger::LabelDraws draws(seed, s.event.event_id());
    if (!draws.labelled(fraction)) continue;
    std::vector<float> labels;
    for (char o : s.truth.origin()) {
      bool primary = o == static_cast<char>(physics::Origin::kPrimary);
      if (draws.flipped(noise)) primary = !primary;
      labels.push_back(primary ? 1.0f : 0.0f);
    }
    out.push_back(labels);
  }
  return out;
}

std::vector<std::vector<float>> run(LabellerNode& node, const std::vector<Sample>& samples) {
  for (const auto& s : samples) {
    node.on_event(s.event);
    node.on_truth(s.truth);
  }
  std::vector<std::vector<float>> out;
  for (const auto& b : node.flush()) out.emplace_back(b.labels().begin(), b.labels().end());
  return out;
}

TEST_F(LabellerNodeTest, TheSameSeedGivesTheSameLabels) {
  std::vector<Sample> samples;
  for (uint64_t id = 1; id <= 60; ++id)
    samples.push_back(make_sample(id, static_cast<int>(5 + id % 4)));
  auto a = make(settings(0.5, 0, 0.2, 11));
  auto b = make(settings(0.5, 0, 0.2, 11));
  auto c = make(settings(0.5, 0, 0.2, 12));
  const auto la = run(a, samples);
  EXPECT_EQ(la, run(b, samples));
  EXPECT_NE(la, run(c, samples));
  EXPECT_EQ(la, reference(11, 0.5, 0.2, samples));
  EXPECT_GT(la.size(), 10u);
  EXPECT_LT(la.size(), 50u);
  // Without noise there is only the fraction draw per event.
  auto d = make(settings(0.5, 0, 0, 11));
  EXPECT_EQ(run(d, samples), reference(11, 0.5, 0, samples));
}

// A restarted labeller that sees only the second half of the run labels those events as an
// uninterrupted one does: the draws belong to the events, not to the process.
TEST_F(LabellerNodeTest, ARestartedLabellerLabelsTheSameEventsTheSameWay) {
  std::vector<Sample> samples;
  for (uint64_t id = 1; id <= 80; ++id) samples.push_back(make_sample(id, 6));
  auto whole = make(settings(0.4, 0, 0.3, 5));
  const auto all = run(whole, samples);
  const std::vector<Sample> second(samples.begin() + 40, samples.end());
  auto restarted = make(settings(0.4, 0, 0.3, 5));
  const auto tail = run(restarted, second);
  ASSERT_FALSE(tail.empty());
  ASSERT_LT(tail.size(), all.size());
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), all.end() - static_cast<long>(tail.size())));
  uint64_t expected = 0;
  for (const auto& s : second)
    expected += trigger::labels_event({trigger::LabelMode::kTruth, 5, 0.4, false},
                                      s.event.event_id(), false, false);
  EXPECT_EQ(tail.size(), expected);
}

// Every track's true z as the emulator sends it: the primaries at the vertex (z = 0), pile-up
// 2 cm away, fakes without one; the primaries made the hardest tracks (50 GeV), as a hard
// scatter's are, so that the vertex of largest sum pT^2 is theirs.
void add_true_z0(Sample* s) {
  std::vector<physics::Track> tracks;
  ASSERT_TRUE(physics::unpack_tracks(s->event.track_words(), &tracks));
  for (size_t t = 0; t < tracks.size(); ++t) {
    if (s->truth.origin()[t] == static_cast<char>(physics::Origin::kPrimary)) {
      tracks[t].inv_r = physics::kPtFromInvR / 50;
    }
  }
  s->event.set_track_words(physics::pack_tracks(tracks));
  s->truth.set_pv_z0(0.0);
  for (char o : s->truth.origin()) {
    const auto origin = static_cast<physics::Origin>(o);
    s->truth.add_track_true_z0(origin == physics::Origin::kPrimary  ? 0.0f
                               : origin == physics::Origin::kPileup ? 2.0f
                                                                    : std::nanf(""));
  }
}

config::LabellerSettings mode(const std::string& m, double fraction) {
  config::LabellerSettings s = settings(fraction, 0);
  s.mode = m;
  return s;
}

TEST_F(LabellerNodeTest, ScoutingLabelsEveryNthEventOfBothSamples) {
  auto node = make(mode("scouting", 0.25));
  for (uint64_t id = 1; id <= 20; ++id) {
    Sample s = make_sample(id);
    add_true_z0(&s);
    s.truth.set_minimum_bias(id % 2 == 0);
    node.on_event(s.event);
    node.on_truth(s.truth);
  }
  EXPECT_EQ(ids(node.due()), (std::vector<uint64_t>{4, 8, 12, 16, 20}));
}

TEST_F(LabellerNodeTest, OfflineLabelsOnlyWhatTheTriggerAcceptedAndWaitsForTheAccept) {
  auto node = make(mode("offline", 1));
  ASSERT_TRUE(node.wants_accepts());
  for (uint64_t id = 1; id <= 6; ++id) {
    Sample s = make_sample(id);
    add_true_z0(&s);
    node.on_event(s.event);
    node.on_truth(s.truth);
  }
  EXPECT_TRUE(node.due().empty()) << "no accept has come: nothing may be labelled";
  EXPECT_EQ(node.pending(), 6u);
  for (uint64_t id = 1; id <= 6; ++id) {
    v1::Decision d;
    d.set_event_id(id);
    d.set_accept(id % 3 == 0);
    node.on_accept(d);
  }
  EXPECT_EQ(ids(node.due()), (std::vector<uint64_t>{3, 6}));
  EXPECT_EQ(node.pending(), 0u) << "rejected events are dropped, not kept";
}

TEST_F(LabellerNodeTest, ReconstructedLabelsFollowTheOfflineVertexAndTheirErrorsAreCounted) {
  // Tracks 1, 4 primary (z 0), 0, 3 pile-up (z 2), 2, 5 fakes: a vertex at 0 found from the
  // primaries, pile-up 2 cm away never associated, fakes never.
  auto node = make(mode("scouting", 1));
  Sample s = make_sample(5);
  add_true_z0(&s);
  node.on_event(s.event);
  node.on_truth(s.truth);
  auto batches = node.due();
  ASSERT_EQ(batches.size(), 1u);
  std::vector<float> labels(batches[0].labels().begin(), batches[0].labels().end());
  std::vector<float> truth;
  for (char o : s.truth.origin()) truth.push_back(o == 1 ? 1.0f : 0.0f);
  EXPECT_EQ(labels, truth);
  EXPECT_EQ(node.stats()["labels"]["error_rate"], 0.0);

  // Move a pile-up track's true z onto the vertex: offline takes it as primary, one error.
  Sample near = make_sample(6);
  add_true_z0(&near);
  near.truth.set_track_true_z0(0, 0.0f);
  node.on_event(near.event);
  node.on_truth(near.truth);
  batches = node.due();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].labels(0), 1.0f);
  const auto labels_stats = node.stats()["labels"];
  EXPECT_EQ(labels_stats["pileup_taken"], 1);
  EXPECT_EQ(labels_stats["primary_lost"], 0);
  EXPECT_EQ(labels_stats["tracks"], 12);
  EXPECT_DOUBLE_EQ(labels_stats["error_rate"].get<double>(), 1.0 / 12);
  EXPECT_EQ(metrics_.counter("l1t_label_errors_total", "", {{"kind", "pileup_taken"}}).Value(), 1);
}

TEST_F(LabellerNodeTest, ReconstructedLabelsWithoutTrueZAreRefusedNotGuessed) {
  auto node = make(mode("scouting", 1));
  const Sample s = make_sample(4);  // an old sender's truth: no track_true_z0
  node.on_event(s.event);
  node.on_truth(s.truth);
  EXPECT_TRUE(node.due().empty());
  EXPECT_EQ(node.stats()["messages_rejected"], 1);
}

TEST_F(LabellerNodeTest, EndOfFillHoldsAFillsLabelsUntilTheNextFillBegins) {
  config::LabellerSettings cfg = settings(1, 10);
  cfg.delivery = "end_of_fill";
  auto node = make(cfg);
  for (uint64_t id = 1; id <= 4; ++id) {
    Sample s = make_sample(id);
    s.event.set_fill(7);
    node.on_event(s.event);
    node.on_truth(s.truth);
  }
  now_ += 1h;
  EXPECT_TRUE(node.due().empty()) << "the fill is not over";
  Sample next = make_sample(5);
  next.event.set_fill(8);
  node.on_event(next.event);
  EXPECT_TRUE(node.due().empty()) << "the delay runs from the fill's end";
  now_ += 10ms;
  EXPECT_EQ(ids(node.due()), (std::vector<uint64_t>{1, 2, 3, 4}));
  node.on_truth(next.truth);
  now_ += 1h;
  EXPECT_TRUE(node.due().empty());
  EXPECT_EQ(ids(node.flush()), (std::vector<uint64_t>{5})) << "shutdown ends the last fill";
}

TEST_F(LabellerNodeTest, RandomDelaysReleaseEachBatchWhenItsOwnDelayEnds) {
  config::LabellerSettings cfg = settings(1, 0);
  cfg.delay_exp_ms = 1000;
  auto node = make(cfg);
  std::vector<std::pair<double, uint64_t>> expected;  // (delay ms, id) from each event's draws
  for (uint64_t id = 1; id <= 30; ++id) {
    const Sample s = make_sample(id);
    node.on_event(s.event);
    node.on_truth(s.truth);
    trigger::LabelDraws draws(cfg.seed, id);
    draws.labelled(1);
    expected.push_back({draws.exponential(1000), id});
  }
  std::sort(expected.begin(), expected.end());
  std::vector<uint64_t> order;
  for (int step = 0; step < 20000 && order.size() < 30; ++step) {
    now_ += 1ms;
    for (uint64_t id : ids(node.due())) order.push_back(id);
  }
  std::vector<uint64_t> expected_order;
  for (const auto& e : expected) expected_order.push_back(e.second);
  EXPECT_EQ(order, expected_order);
  EXPECT_GT(expected.back().first, 1000) << "an exponential of mean 1 s: some wait longer";
}

}  // namespace
}  // namespace l1t::labeller
