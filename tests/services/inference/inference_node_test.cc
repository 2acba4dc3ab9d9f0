#include "services/inference/inference_node.h"

#include <gtest/gtest.h>

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
