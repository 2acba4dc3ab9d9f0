#include "services/inference/inference_node.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "common/nn/inference/fixed_predict.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/quantise.h"
#include "common/physics/event_generator.h"
#include "common/physics/track_word.h"
#include "common/transport/model_codec.h"
#include "common/trigger/event_features.h"

namespace l1t::inference {
namespace {

using Source = InferenceNode::Source;

nn::FixedModel model(uint64_t seed, nn::QuantisationConfig q = {}) {
  return nn::quantise(nn::FloatMlp({5, 25, 30, 1}, seed), q);
}

v1::ModelUpdate update(uint64_t version, uint64_t seed, uint32_t activate_at_fill = 0) {
  v1::ModelUpdate u;
  transport::encode_model(model(seed), &u);
  u.set_version(version);
  u.set_activate_at_fill(activate_at_fill);
  return u;
}

// What the FPGA would score for each track of the event: the reference path, not the node's.
std::vector<int32_t> expected_scores(const nn::FixedModel& m,
                                     const std::vector<physics::Track>& t) {
  std::vector<float> features;
  std::vector<int64_t> inputs;
  trigger::event_features(t, &features);
  trigger::quantise_inputs(features, m.input, &inputs);
  const nn::FixedPredictor predictor(m);
  const size_t width = inputs.size() / t.size();
  std::vector<int32_t> scores(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    int64_t out = 0;
    predictor.predict(inputs.data() + i * width, &out);
    scores[i] = static_cast<int32_t>(out);
  }
  return scores;
}

class InferenceNodeTest : public ::testing::Test {
 protected:
  InferenceNodeTest() : node_(settings(), metrics_, [this] { return now_ns_; }) {
    node_.set_trainer_sender([this](std::string_view topic, const google::protobuf::MessageLite&) {
      to_trainer_.emplace_back(topic);
      return true;
    });
  }
  static config::InferenceSettings settings() {
    config::InferenceSettings s;
    s.node = "inference-test";
    return s;
  }

  v1::Event event(uint64_t id, uint32_t fill) {
    physics::GeneratedEvent g = generator_.next({});
    tracks_ = g.tracks;
    v1::Event e;
    e.mutable_header()->set_schema_version(1);
    e.mutable_header()->set_sequence(id);
    e.set_event_id(id);
    e.set_fill(fill);
    e.set_timestamp_ns(now_ns_ - 1000);
    e.set_n_tracks(static_cast<uint32_t>(g.tracks.size()));
    e.set_track_words(physics::pack_tracks(g.tracks));
    return e;
  }

  // Starts the node as l1t-inference does: the frozen v1 and the current snapshot.
  void start(uint64_t current_version = 1, uint64_t seed = 1) {
    node_.on_model(update(1, 1), Source::kSnapshot);
    if (current_version > 1) node_.on_model(update(current_version, seed), Source::kSnapshot);
    ASSERT_TRUE(node_.ready());
  }

  metrics::Metrics metrics_{"127.0.0.1", 0};
  int64_t now_ns_ = 1'000'000'000;
  InferenceNode node_;
  physics::EventGenerator generator_{physics::GeneratorConfig{}, 7};
  std::vector<physics::Track> tracks_;
  std::vector<std::string> to_trainer_;
};

TEST_F(InferenceNodeTest, EventInDecisionOutBitExact) {
  EXPECT_FALSE(node_.ready());
  start(2, 5);
  const v1::Event e = event(42, 1);
  const v1::Decision* d = node_.on_event(e);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->event_id(), 42u);
  EXPECT_EQ(d->node(), "inference-test");
  EXPECT_EQ(d->model_version(), 2u);
  EXPECT_EQ(d->score_frac_bits(), 10);
  EXPECT_EQ(d->decided_unix_ns() - d->event_timestamp_ns(), 1000);
  const auto live = expected_scores(model(5), tracks_);
  const auto frozen = expected_scores(model(1), tracks_);
  ASSERT_EQ(d->score_live_size(), static_cast<int>(tracks_.size()));
  EXPECT_EQ(std::vector<int32_t>(d->score_live().begin(), d->score_live().end()), live);
  EXPECT_EQ(std::vector<int32_t>(d->score_frozen().begin(), d->score_frozen().end()), frozen);
  EXPECT_NE(live, frozen) << "the frozen slot kept v1 while the live one took v2";
  double ht = 0;
  for (size_t t = 0; t < tracks_.size(); ++t) ht += live[t] >= 512 ? tracks_[t].pt() : 0;
  EXPECT_DOUBLE_EQ(d->track_ht_live(), ht);
  EXPECT_EQ(d->accept(), ht > settings().accept_ht_gev);
  EXPECT_EQ(node_.counters().events, 1u);
}

TEST_F(InferenceNodeTest, AHeldUpdateGoesLiveAtTheFirstEventOfItsFillAndNeverInsideOne) {
  start();
  ASSERT_NE(node_.on_event(event(1, 1)), nullptr);
  node_.on_model(update(2, 9, /*activate_at_fill=*/2), Source::kBroadcast);
  EXPECT_EQ(node_.counters().versions_held, 1u);
  EXPECT_EQ(node_.on_event(event(2, 1))->model_version(), 1u) << "still fill 1";
  EXPECT_EQ(node_.on_event(event(3, 2))->model_version(), 2u) << "the first event of fill 2";
  // Marked for fill 3 but arriving inside fill 3: it waits for the next boundary.
  ASSERT_NE(node_.on_event(event(4, 3)), nullptr);
  node_.on_model(update(3, 11, 3), Source::kBroadcast);
  EXPECT_EQ(node_.on_event(event(5, 3))->model_version(), 2u);
  EXPECT_EQ(node_.on_event(event(6, 3))->model_version(), 2u);
  EXPECT_EQ(node_.on_event(event(7, 4))->model_version(), 3u);
  EXPECT_EQ(node_.counters().versions_applied, 3u);
}

TEST_F(InferenceNodeTest, AnUpdateWithoutAFillGoesLiveBeforeTheNextEvent) {
  start();
  ASSERT_NE(node_.on_event(event(1, 1)), nullptr);
  node_.on_model(update(2, 3), Source::kBroadcast);
  EXPECT_EQ(node_.live_version(), 2u);
  EXPECT_EQ(node_.on_event(event(2, 1))->model_version(), 2u);
}

TEST_F(InferenceNodeTest, EachDecisionCarriesTheWorkingPointOfTheWeightsThatMadeIt) {
  start();
  EXPECT_DOUBLE_EQ(node_.on_event(event(1, 1))->live_threshold(), 0.0) << "none stated";
  v1::ModelUpdate u = update(2, 3);
  u.set_working_point_threshold(0.125);
  node_.on_model(u, Source::kBroadcast);
  EXPECT_DOUBLE_EQ(node_.on_event(event(2, 1))->live_threshold(), 0.125);
}

TEST_F(InferenceNodeTest, RefusesAnotherFootprintOrCorruptWeightsAndKeepsServing) {
  start();
  v1::ModelUpdate eight_bit;
  nn::QuantisationConfig q;
  q.layer.weight = fixed::Spec{8, 3};
  transport::encode_model(model(2, q), &eight_bit);
  eight_bit.set_version(2);
  node_.on_model(eight_bit, Source::kBroadcast);
  auto corrupt = update(3, 4, /*activate_at_fill=*/5);
  corrupt.mutable_layers(0)->mutable_biases()->RemoveLast();
  node_.on_model(corrupt, Source::kBroadcast);  // refused when held, not at its boundary
  EXPECT_EQ(node_.counters().versions_refused, 2u);
  EXPECT_EQ(node_.counters().versions_held, 0u);
  EXPECT_EQ(node_.live_version(), 1u);
  EXPECT_EQ(node_.on_event(event(1, 5))->model_version(), 1u);
}

TEST_F(InferenceNodeTest, AStaleSnapshotChangesNothing) {
  start(3, 3);
  node_.on_model(update(2, 8), Source::kSnapshot);
  EXPECT_EQ(node_.live_version(), 3u);
  EXPECT_EQ(node_.counters().versions_refused, 0u);
}

TEST_F(InferenceNodeTest, BadTrackWordsAreCountedAndNotDecided) {
  start();
  v1::Event e = event(1, 1);
  e.set_n_tracks(e.n_tracks() + 1);
  EXPECT_EQ(node_.on_event(e), nullptr);
  e = event(2, 1);
  e.mutable_track_words()->pop_back();
  EXPECT_EQ(node_.on_event(e), nullptr);
  EXPECT_EQ(node_.counters().rejected, 2u);
  EXPECT_EQ(node_.counters().events, 0u);
}

TEST_F(InferenceNodeTest, TellsTheTrainerAtEachNewFill) {
  start();
  node_.on_event(event(1, 1));
  node_.on_event(event(2, 1));
  node_.on_event(event(3, 2));
  EXPECT_EQ(to_trainer_, (std::vector<std::string>{"heartbeat", "heartbeat"}));
  node_.decision_sent(false);
  EXPECT_EQ(node_.stats()["decisions_dropped"], 1u);
}

}  // namespace
}  // namespace l1t::inference

namespace l1t::inference {
namespace {

double rejected(metrics::Metrics& m, const std::string& channel, const std::string& reason) {
  for (const auto& family : m.registry().Collect()) {
    if (family.name != "l1t_messages_rejected_total") continue;
    for (const auto& metric : family.metric) {
      std::string c, r;
      for (const auto& label : metric.label) {
        if (label.name == "channel") c = label.value;
        if (label.name == "reason") r = label.value;
      }
      if (c == channel && r == reason) return metric.counter.value;
    }
  }
  return 0;
}

TEST_F(InferenceNodeTest, AnEventWithMoreTracksThanTheLimitIsRefusedNotScored) {
  config::Limits limits;
  limits.max_tracks_per_event = 50;
  node_.set_limits(limits);
  start();
  v1::Event e = event(1, 1);
  ASSERT_GT(e.n_tracks(), 50u) << "PU 200 has ~270 tracks";
  EXPECT_EQ(node_.on_event(e), nullptr);
  // The words of far more tracks than announced: refused before they are unpacked.
  v1::Event lying = event(2, 1);
  lying.set_n_tracks(10);
  EXPECT_EQ(node_.on_event(lying), nullptr);
  EXPECT_EQ(node_.counters().too_many_tracks, 2u);
  EXPECT_EQ(node_.counters().events, 0u);
  EXPECT_EQ(rejected(metrics_, "events", "too_many_tracks"), 2);
  // The node goes on: an event within the limit is decided.
  limits.max_tracks_per_event = 2000;
  node_.set_limits(limits);
  ASSERT_NE(node_.on_event(event(3, 1)), nullptr);
  EXPECT_EQ(node_.counters().events, 1u);
  EXPECT_EQ(node_.stats()["events_too_many_tracks"], 2);
}

TEST_F(InferenceNodeTest, AWeightOutsideItsPrecisionIsRefusedWithItsReason) {
  start();
  nn::FixedModel m = model(9);
  m.layers[0].weights[3] = m.layers[0].weight.max_raw() + 1;
  v1::ModelUpdate u;
  transport::encode_model(m, &u);  // a checksum that matches the bad weight
  u.set_version(2);
  node_.on_model(u, Source::kBroadcast);
  node_.on_model(u, Source::kSnapshot);
  EXPECT_EQ(node_.live_version(), 1u);
  EXPECT_EQ(node_.counters().versions_refused, 2u);
  EXPECT_EQ(rejected(metrics_, "weights", "weight_range"), 1);
  EXPECT_EQ(rejected(metrics_, "control", "weight_range"), 1);
  node_.on_model(update(2, 9), Source::kBroadcast);
  EXPECT_EQ(node_.live_version(), 2u) << "good weights after are applied";
}

}  // namespace
}  // namespace l1t::inference

namespace l1t::inference {
namespace {

// A labelled batch of one crossing as the labeller sends it: features as the node computes
// them, truth labels.
v1::LabelledBatch labelled(uint64_t id, physics::EventGenerator& gen,
                           physics::GeneratedEvent* out = nullptr) {
  const physics::GeneratedEvent g = gen.next({});
  if (out) *out = g;
  std::vector<float> features;
  trigger::event_features(g.tracks, &features);
  v1::LabelledBatch b;
  b.add_event_ids(id);
  b.set_n_features(5);
  b.mutable_features()->Add(features.begin(), features.end());
  for (auto o : g.origin) b.add_labels(o == physics::Origin::kPrimary ? 1.0f : 0.0f);
  return b;
}

TEST_F(InferenceNodeTest, LabelCopiesAreScoredByTheLiveModelAndBadOnesRefused) {
  start(2, 5);
  physics::EventGenerator gen(physics::GeneratorConfig{}, 9);
  double tp = 0, p = 0;  // the live model's (v2, seed 5) efficiency at 0.5, scored here
  for (uint64_t id = 1; id <= 40; ++id) {
    physics::GeneratedEvent g;
    node_.on_labels(labelled(id, gen, &g));
    const auto scores = expected_scores(model(5), g.tracks);
    for (size_t t = 0; t < g.tracks.size(); ++t) {
      if (g.origin[t] != physics::Origin::kPrimary) continue;
      p += 1;
      tp += scores[t] >= 512;
    }
  }
  const auto watch = node_.label_watch().json();
  EXPECT_EQ(watch["labelled_events"], 40);
  ASSERT_TRUE(node_.label_watch().realized().valid);
  EXPECT_DOUBLE_EQ(node_.label_watch().realized().efficiency, tp / p);

  v1::LabelledBatch bad = labelled(41, gen);
  bad.set_labels(0, 7.0f);  // not a label
  node_.on_labels(bad);
  v1::LabelledBatch short_features = labelled(42, gen);
  short_features.mutable_features()->RemoveLast();
  node_.on_labels(short_features);
  v1::LabelledBatch nan = labelled(43, gen);
  nan.set_features(0, std::nanf(""));
  node_.on_labels(nan);
  EXPECT_EQ(node_.label_watch().json()["labelled_events"], 40) << "none of the bad ones counted";
  EXPECT_EQ(metrics_.rejected("label_copies", "shape").Value(), 3);
}

TEST_F(InferenceNodeTest, OnlyTheNamedDetectorsAlarmsGoToTheTrainer) {
  drift::WatchSettings s;
  s.reference_events = 200;
  s.window_events = 200;
  s.block_events = 10;
  s.false_alarm_events = 1e5;  // simulated once here (a few seconds)
  s.detectors = {"page_hinkley"};
  s.trainer_alarms = {"page_hinkley"};
  node_.set_drift_watch(s);
  start(2, 5);
  // Undegraded, then a large z0 shift: the watch calls it, and the alarm is sent.
  uint64_t id = 0;
  for (int i = 0; i < 300; ++i) ASSERT_NE(node_.on_event(event(++id, 1)), nullptr);
  const size_t before = std::count(to_trainer_.begin(), to_trainer_.end(), "alarm");
  physics::DegradationState shifted;
  shifted.tracker.z0_shift_cm = 2.0;
  for (int i = 0; i < 300; ++i) {
    physics::GeneratedEvent g = generator_.next(shifted);
    v1::Event e = event(++id, 1);
    e.set_n_tracks(static_cast<uint32_t>(g.tracks.size()));
    e.set_track_words(physics::pack_tracks(g.tracks));
    ASSERT_NE(node_.on_event(e), nullptr);
  }
  ASSERT_GT(node_.drift_watch().alarms_total(), 0u);
  const size_t sent = std::count(to_trainer_.begin(), to_trainer_.end(), "alarm") - before;
  size_t ph = 0;
  for (const auto& a : node_.drift_watch().alarms()) ph += a.detector == "page_hinkley";
  EXPECT_EQ(sent, ph) << "every Page-Hinkley alarm, once; the CUSUM's are not named";
}

}  // namespace
}  // namespace l1t::inference
