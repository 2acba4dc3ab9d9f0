// The default limits against the largest messages the chain really sends: each must fit within
// limits.max_message_bytes with a wide margin, and the default track cap must be several times
// what PU 200 gives (configs/default.yaml quotes these sizes).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "common/config/scenario.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/quantise.h"
#include "common/physics/event_generator.h"
#include "common/physics/track_word.h"
#include "common/transport/envelope.h"
#include "common/transport/model_codec.h"
#include "common/trigger/degradation_codec.h"
#include "common/trigger/training_data.h"

namespace l1t {
namespace {

size_t model_bytes(std::vector<int> sizes) {
  v1::ModelUpdate u;
  transport::HeaderStamper("trainer").stamp(u.mutable_header());
  transport::encode_model(nn::quantise(nn::FloatMlp(sizes, 3), {}), &u);
  u.set_version(1000);
  u.set_algorithm("am-adam");
  u.set_strategy("replay");
  return u.ByteSizeLong();
}

TEST(LimitsTest, TheLargestLegitimateMessagesFitWithAWideMargin) {
  const config::Limits limits;
  physics::EventGenerator gen({}, 11);  // PU 200
  physics::DegradationState state;
  state.smear = 0.1;
  state.tracker.bad_strip_fraction = 0.1;
  state.tracker.bias_rail_fraction = 1;
  size_t max_tracks = 0, max_event = 0, max_truth = 0, sum_tracks = 0;
  const int n = 200;
  transport::HeaderStamper stamp("emulator");
  for (int i = 0; i < n; ++i) {
    const physics::GeneratedEvent ev = gen.next({});
    v1::Event e;
    stamp.stamp(e.mutable_header());
    e.set_event_id(1'000'000 + i);
    e.set_run(355100);
    e.set_fill(9000);
    e.set_lumisection(3000);
    e.set_timestamp_ns(transport::unix_now_ns());
    e.set_integrated_lumi_pb(1234.5);
    e.set_pileup_mean(200);
    trigger::to_wire(state, e.mutable_degradation());
    e.set_n_tracks(static_cast<uint32_t>(ev.tracks.size()));
    physics::pack_tracks(ev.tracks, e.mutable_track_words());
    v1::Truth t;
    stamp.stamp(t.mutable_header());
    t.set_event_id(e.event_id());
    t.set_pv_z0(1.25);
    *t.mutable_degradation() = e.degradation();
    t.mutable_origin()->assign(ev.tracks.size(), '\x01');
    max_tracks = std::max(max_tracks, ev.tracks.size());
    sum_tracks += ev.tracks.size();
    max_event = std::max(max_event, e.ByteSizeLong());
    // Truth grows per-track floats (pT, phi) in some builds: count them, 2 x 4 bytes a track.
    max_truth = std::max(max_truth, t.ByteSizeLong() + 8 * ev.tracks.size());
  }
  physics::EventGenerator batch_gen({}, 12);
  size_t max_batch = 0;
  for (int i = 0; i < 50; ++i) {
    const trigger::TrainingSet rows = trigger::make_training_set(batch_gen, 1, state);
    v1::LabelledBatch b;
    stamp.stamp(b.mutable_header());
    b.set_n_features(static_cast<uint32_t>(rows.x.size() / std::max<size_t>(1, rows.rows())));
    b.add_event_ids(i + 1);
    b.mutable_features()->Add(rows.x.begin(), rows.x.end());
    b.mutable_labels()->Add(rows.y.begin(), rows.y.end());
    trigger::to_wire(state, b.mutable_degradation());
    max_batch = std::max(max_batch, b.ByteSizeLong());
  }
  const size_t model = model_bytes({5, 25, 30, 1});
  const size_t big_model = model_bytes({5, 256, 256, 1});
  std::printf(
      "tracks per event: mean %.0f, max %zu; bytes: event %zu, truth %zu, labelled batch %zu, "
      "model 5-25-30-1 %zu, model 5-256-256-1 %zu; limit %lld\n",
      static_cast<double>(sum_tracks) / n, max_tracks, max_event, max_truth, max_batch, model,
      big_model, static_cast<long long>(limits.max_message_bytes));
  const auto limit = static_cast<size_t>(limits.max_message_bytes);
  for (size_t bytes : {max_event, max_truth, max_batch, model}) EXPECT_LT(50 * bytes, limit);
  EXPECT_LT(2 * big_model, limit);
  EXPECT_GT(static_cast<size_t>(limits.max_tracks_per_event), 4 * max_tracks);
  // An event at the track cap still fits the byte cap, so the track cap is the one that speaks.
  EXPECT_LT(static_cast<size_t>(limits.max_tracks_per_event) * physics::kTrackWordBytes * 2, limit);
}

}  // namespace
}  // namespace l1t
