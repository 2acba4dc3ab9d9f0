// Malformed bytes on every input socket of every real process are logged, counted and skipped,
// and the process keeps working: each test sends garbage, then a good message, and checks both.
#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <thread>

#include "common/nn/training/float_mlp.h"
#include "common/nn/training/quantise.h"
#include "common/physics/event_generator.h"
#include "common/physics/features.h"
#include "common/physics/track_word.h"
#include "common/transport/envelope.h"
#include "common/transport/model_codec.h"
#include "common/transport/socket.h"
#include "tests/support/http_get.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

using namespace std::chrono_literals;

v1::ModelUpdate model_update(uint64_t version, const fixed::Spec& precision = {16, 6}) {
  nn::QuantisationConfig q;
  q.input = precision;
  q.layer.weight = q.layer.bias = q.layer.accum = q.layer.result = q.layer.activation_result =
      precision;
  v1::ModelUpdate u;
  transport::HeaderStamper("test").stamp(u.mutable_header());
  transport::encode_model(nn::quantise(nn::FloatMlp({5, 25, 30, 1}, 7), q), &u);
  u.set_version(version);
  return u;
}

std::pair<v1::Event, v1::Truth> make_event(uint64_t id) {
  physics::EventGenerator gen({}, id);
  const auto ev = gen.next({});
  v1::Event e;
  transport::HeaderStamper("test").stamp(e.mutable_header());
  e.mutable_header()->set_sequence(id);
  e.set_event_id(id);
  e.set_n_tracks(static_cast<uint32_t>(ev.tracks.size()));
  e.set_timestamp_ns(transport::unix_now_ns());
  physics::pack_tracks(ev.tracks, e.mutable_track_words());
  v1::Truth t;
  transport::HeaderStamper("test").stamp(t.mutable_header());
  t.set_event_id(id);
  for (auto o : ev.origin) t.mutable_origin()->push_back(static_cast<char>(o));
  return {e, t};
}

// Garbage that every input must survive: random bytes, a lone frame, a wrong schema version.
template <class M>
void send_garbage(zmq::socket_t& s, std::string_view topic, M good) {
  // Field 1 announced with 127 bytes, followed by far fewer: cannot parse.
  transport::send(s, topic, std::string("\x0a\x7f garbage", 10), true);
  s.send(zmq::str_buffer("just one frame"), zmq::send_flags::none);
  good.mutable_header()->set_schema_version(99);
  transport::send(s, topic, good, true);
}

std::string scrape(int port) {
  auto body = testing::http_get(port, "/metrics");
  return body.value_or("");
}

// promtool must accept what the process exposes.
void expect_promtool_clean(const std::string& text, const std::string& dir) {
  const std::string path = dir + "/metrics.txt";
  std::ofstream(path) << text;
  const int rc = std::system(
      ("promtool check metrics < " + path + " > " + dir + "/promtool.out 2>&1").c_str());
  std::ifstream out(dir + "/promtool.out");
  const std::string msg((std::istreambuf_iterator<char>(out)), {});
  EXPECT_EQ(rc, 0) << msg;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

TEST(BadInputTest, InferenceNodeSkipsBadEventsAndRefusesBadWeights) {
  const std::string dir = testing::temp_dir("bad-inference");
  zmq::context_t ctx(1);
  auto push = transport::make_socket(ctx, zmq::socket_type::push);
  auto weights = transport::make_publisher(ctx);
  auto router = transport::make_socket(ctx, zmq::socket_type::router);
  auto decisions = transport::make_socket(ctx, zmq::socket_type::sub);
  decisions.set(zmq::sockopt::subscribe, "");
  // In the emulator's, the trainer's and the monitor's places, with their keys.
  testing::secure_server(push, "emulator", "events");
  testing::secure_server(weights, "trainer", "weights");
  testing::secure_server(router, "trainer", "control");
  testing::secure_server(decisions, "monitor", "decisions");
  const auto events_ep = transport::bind(push, "tcp://127.0.0.1:*");
  const auto weights_ep = transport::bind(weights, "tcp://127.0.0.1:*");
  const auto snapshot_ep = transport::bind(router, "tcp://127.0.0.1:*");
  const auto decisions_ep = transport::bind(decisions, "tcp://127.0.0.1:*");

  // Plays the trainer's snapshot service: first garbage, then the real weights.
  std::atomic<bool> stop{false};
  std::thread snapshots([&] {
    bool garbage_sent = false;
    while (!stop) {
      auto msg = transport::receive(router, true);
      if (!msg) {
        std::this_thread::sleep_for(5ms);
        continue;
      }
      router.send(*msg->routing_id, zmq::send_flags::sndmore);
      if (!garbage_sent) {
        transport::send(router, transport::kTopicSnapshot, std::string("not a model"), true);
        garbage_sent = true;
      } else {
        transport::send(router, transport::kTopicSnapshot, model_update(1), true);
      }
    }
  });
  testing::Service node("inference");
  node.start({"endpoints.events=" + events_ep, "endpoints.weights=" + weights_ep,
              "endpoints.control=" + snapshot_ep, "endpoints.decisions=" + decisions_ep,
              "metrics.inference=0"},
             dir);
  stop = true;
  snapshots.join();
  if (::testing::Test::HasFatalFailure()) return;

  auto [event, truth] = make_event(1);
  send_garbage(push, transport::kTopicEvent, event);
  v1::Event short_words = event;
  short_words.mutable_track_words()->resize(13);
  transport::send(push, transport::kTopicEvent, short_words, true);
  // Weights of the wrong precision and garbage on the weights channel are refused.
  std::this_thread::sleep_for(300ms);  // let the SUB connection settle
  transport::send(weights, transport::kTopicWeights, model_update(5, {8, 3}), true);
  transport::send(weights, transport::kTopicWeights, std::string("\x12\x34"), true);
  v1::ModelUpdate bad_checksum = model_update(6);
  bad_checksum.mutable_layers(0)->set_weights(0, 1);
  transport::send(weights, transport::kTopicWeights, bad_checksum, true);
  transport::send(weights, transport::kTopicWeights, model_update(2), true);
  // The good event is still decided, with the good update (v2) in service. It is resent until a
  // decision comes back, because a loaded machine may take a while to join the decision stream.
  v1::Decision d;
  auto last_send = std::chrono::steady_clock::now() - 1h;
  const bool decided = eventually([&] {
    if (std::chrono::steady_clock::now() - last_send > 1s) {
      transport::send(push, transport::kTopicEvent, event, true);
      last_send = std::chrono::steady_clock::now();
    }
    auto msg = transport::receive(decisions);
    return msg && d.ParseFromArray(msg->payload.data(), static_cast<int>(msg->payload.size()));
  });
  if (!decided) {
    node.child.stop(10s);
    FAIL() << "no decision; stats " << node.stats().dump() << "; log in " << dir;
  }
  EXPECT_EQ(d.event_id(), 1u);
  EXPECT_EQ(d.model_version(), 2u);
  EXPECT_EQ(d.score_live_size(), static_cast<int>(event.n_tracks()));
  EXPECT_TRUE(node.child.running());

  std::string text;
  ASSERT_TRUE(eventually([&] {
    text = scrape(node.metrics_port());
    return testing::metric_value(text, "l1t_events_total") >= 1;
  }));
  const std::string rejected = "l1t_messages_rejected_total{channel=\"events\",reason=";
  EXPECT_GE(testing::metric_value(text, rejected + "\"malformed\"}"), 2) << text;
  EXPECT_GE(testing::metric_value(text, rejected + "\"schema_version\"}"), 1) << text;
  EXPECT_GE(testing::metric_value(text, rejected + "\"track_words\"}"), 1) << text;
  EXPECT_GE(testing::metric_value(text, "l1t_model_updates_total{result=\"refused\"}"), 2) << text;
  EXPECT_GE(testing::metric_value(
                text, "l1t_messages_rejected_total{channel=\"weights\",reason=\"malformed\"}"),
            1)
      << text;
  EXPECT_GE(testing::metric_value(
                text, "l1t_messages_rejected_total{channel=\"control\",reason=\"malformed\"}"),
            1)
      << text;
  EXPECT_EQ(testing::metric_value(text, "l1t_model_version{model=\"live\"}"), 2) << text;
  expect_promtool_clean(text, dir);

  EXPECT_EQ(node.child.stop(10s), 0);
  const auto stats = node.stats();
  EXPECT_GE(stats["events_decided"].get<int>(), 1);
  EXPECT_GE(stats["model_versions_refused"].get<int>(), 2);
}

// Messages that parse but must not be used (issue #12): too large, a repeated sequence, a
// degradation that means nothing, too many tracks, a weight outside its precision. Each is
// refused by reason on a real inference node, which keeps deciding events and taking weights.
TEST(BadInputTest, InferenceNodeRefusesWhatItMustNotUseByReason) {
  const std::string dir = testing::temp_dir("bad-inference-semantic");
  zmq::context_t ctx(1);
  auto push = transport::make_socket(ctx, zmq::socket_type::push);
  auto weights = transport::make_publisher(ctx);
  auto router = transport::make_socket(ctx, zmq::socket_type::router);
  auto decisions = transport::make_socket(ctx, zmq::socket_type::sub);
  decisions.set(zmq::sockopt::subscribe, "");
  // In the emulator's, the trainer's and the monitor's places, with their keys.
  testing::secure_server(push, "emulator", "events");
  testing::secure_server(weights, "trainer", "weights");
  testing::secure_server(router, "trainer", "control");
  testing::secure_server(decisions, "monitor", "decisions");
  const auto events_ep = transport::bind(push, "tcp://127.0.0.1:*");
  const auto weights_ep = transport::bind(weights, "tcp://127.0.0.1:*");
  const auto snapshot_ep = transport::bind(router, "tcp://127.0.0.1:*");
  const auto decisions_ep = transport::bind(decisions, "tcp://127.0.0.1:*");
  // The trainer's snapshot service, answering every request with the same stored update (its
  // header as it was: the node must take a repeat here).
  std::atomic<bool> stop{false};
  std::thread snapshots([&] {
    const v1::ModelUpdate base = model_update(1);
    while (!stop) {
      auto msg = transport::receive(router, true);
      if (!msg) {
        std::this_thread::sleep_for(5ms);
        continue;
      }
      router.send(*msg->routing_id, zmq::send_flags::sndmore);
      transport::send(router, transport::kTopicSnapshot, base, true);
    }
  });
  constexpr int64_t kLimit = 1 << 16;  // so that an oversized frame is cheap to send
  testing::Service node("inference");
  node.start({"endpoints.events=" + events_ep, "endpoints.weights=" + weights_ep,
              "endpoints.control=" + snapshot_ep, "endpoints.decisions=" + decisions_ep,
              "metrics.inference=0", "limits.max_message_bytes=" + std::to_string(kLimit)},
             dir);
  stop = true;
  snapshots.join();
  if (::testing::Test::HasFatalFailure()) return;

  transport::HeaderStamper stamp("test-emulator");
  physics::EventGenerator gen({}, 5);
  const std::vector<physics::Track> tracks = gen.next({}).tracks;
  auto event = [&](uint64_t id, size_t n_tracks) {
    v1::Event e;
    stamp.stamp(e.mutable_header());
    e.set_event_id(id);
    e.set_fill(1);
    e.set_timestamp_ns(transport::unix_now_ns());
    std::vector<physics::Track> t;
    while (t.size() < n_tracks) t.push_back(tracks[t.size() % tracks.size()]);
    e.set_n_tracks(static_cast<uint32_t>(t.size()));
    physics::pack_tracks(t, e.mutable_track_words());
    return e;
  };
  std::map<uint64_t, v1::Decision> decided;  // by event id
  auto collect = [&] {
    while (auto msg = transport::receive(decisions)) {
      v1::Decision d;
      if (d.ParseFromArray(msg->payload.data(), static_cast<int>(msg->payload.size()))) {
        decided[d.event_id()] = d;
      }
    }
  };
  // Sends fresh events (ids from *next on) until one is decided with this weight version.
  uint64_t next_id = 1;
  auto decide_one = [&](uint64_t version) {
    auto last_send = std::chrono::steady_clock::now() - 1h;
    std::optional<uint64_t> got;
    eventually([&] {
      if (std::chrono::steady_clock::now() - last_send > 500ms) {
        // Never blocks: a send without a connected peer waits for the next round.
        transport::send(push, transport::kTopicEvent, event(next_id++, tracks.size()), false);
        last_send = std::chrono::steady_clock::now();
      }
      collect();
      for (const auto& [id, d] : decided) {
        if (d.model_version() == version) got = id;
      }
      return got.has_value();
    });
    return got;
  };
  ASSERT_TRUE(decide_one(1)) << "no decision; log in " << dir;

  // 1. Too large: an event of 6000 tracks' words, 72 kB against the 64 kB limit.
  const uint64_t big_id = 1000;
  transport::send(push, transport::kTopicEvent, event(big_id, 6000), true);
  // 2. A repeated sequence: the same event (and header) twice; decided once.
  const uint64_t twice_id = 1001;
  const v1::Event twice = event(twice_id, tracks.size());
  transport::send(push, transport::kTopicEvent, twice, true);
  transport::send(push, transport::kTopicEvent, twice, true);
  // 3. A degradation state with a NaN smear.
  const uint64_t nan_id = 1002;
  v1::Event nan_smear = event(nan_id, tracks.size());
  nan_smear.mutable_degradation()->set_smear(std::numeric_limits<double>::quiet_NaN());
  transport::send(push, transport::kTopicEvent, nan_smear, true);
  // 4. Too many tracks: 2500 (limits.max_tracks_per_event is 2000), 30 kB: within the bytes.
  const uint64_t crowded_id = 1003;
  transport::send(push, transport::kTopicEvent, event(crowded_id, 2500), true);
  // 5. A weight outside its precision, with a checksum that matches it.
  std::this_thread::sleep_for(300ms);  // let the SUB connection settle
  {
    nn::QuantisationConfig q;
    nn::FixedModel m = nn::quantise(nn::FloatMlp({5, 25, 30, 1}, 7), q);
    m.layers[1].weights[0] = m.layers[1].weight.max_raw() + 1;
    v1::ModelUpdate u;
    transport::HeaderStamper("test-trainer").stamp(u.mutable_header());
    transport::encode_model(m, &u);
    u.set_version(5);
    transport::send(weights, transport::kTopicWeights, u, true);
  }
  transport::send(weights, transport::kTopicWeights, model_update(2), true);
  // The node goes on: good events are decided with the good update (v2) in service.
  ASSERT_TRUE(decide_one(2)) << "no decision with v2; log in " << dir;
  collect();
  EXPECT_EQ(decided.count(twice_id), 1u) << "decided once";
  for (uint64_t id : {big_id, nan_id, crowded_id}) EXPECT_EQ(decided.count(id), 0u) << id;
  for (const auto& [id, d] : decided) EXPECT_NE(d.model_version(), 5u);

  // 6. Far beyond the limit (5x): the node connects to the events source, so libzmq keeps the
  // connection (it would not come back: device.h) and the Device refuses the frame.
  transport::send(push, transport::kTopicEvent, std::string(5 * kLimit, 'x'), true);
  decided.clear();
  ASSERT_TRUE(decide_one(2)) << "no decision after a frame of 5x the limit; log in " << dir;
  EXPECT_TRUE(node.child.running());

  std::string text;
  const std::string rejected = "l1t_messages_rejected_total{channel=\"events\",reason=";
  ASSERT_TRUE(eventually([&] {
    text = scrape(node.metrics_port());
    return testing::metric_value(text, rejected + "\"too_many_tracks\"}") >= 1;
  })) << text;
  EXPECT_EQ(testing::metric_value(text, rejected + "\"too_large\"}"), 2) << text;
  EXPECT_EQ(testing::metric_value(text, rejected + "\"repeat\"}"), 1) << text;
  EXPECT_EQ(testing::metric_value(text, rejected + "\"degradation\"}"), 1) << text;
  EXPECT_EQ(testing::metric_value(text, rejected + "\"too_many_tracks\"}"), 1) << text;
  EXPECT_EQ(testing::metric_value(
                text, "l1t_messages_rejected_total{channel=\"weights\",reason=\"weight_range\"}"),
            1)
      << text;
  EXPECT_EQ(testing::metric_value(
                text, "l1t_messages_rejected_total{channel=\"control\",reason=\"repeat\"}"),
            -1)
      << "snapshot answers repeat by design: " << text;
  EXPECT_GE(testing::metric_value(text, "l1t_sequence_gaps_total{channel=\"events\"}"), 0) << text;
  EXPECT_EQ(testing::metric_value(text, "l1t_model_version{model=\"live\"}"), 2) << text;
  expect_promtool_clean(text, dir);

  EXPECT_EQ(node.child.stop(10s), 0);
  const auto stats = node.stats();
  const auto& by_reason = stats["messages_rejected_by_reason"]["events"];
  EXPECT_EQ(by_reason["too_large"], 2) << stats.dump();
  EXPECT_EQ(by_reason["repeat"], 1) << stats.dump();
  EXPECT_EQ(by_reason["degradation"], 1) << stats.dump();
  EXPECT_EQ(by_reason["too_many_tracks"], 1) << stats.dump();
  EXPECT_GE(stats["model_versions_refused"].get<int>(), 1);
}

TEST(BadInputTest, LabellerSkipsBadEventsAndTruth) {
  const std::string dir = testing::temp_dir("bad-labeller");
  zmq::context_t ctx(1);
  auto pub = transport::make_publisher(ctx);
  auto pull = transport::make_socket(ctx, zmq::socket_type::pull);
  testing::secure_server(pub, "emulator", "truth");
  testing::secure_server(pull, "trainer", "labels");
  const auto truth_ep = transport::bind(pub, "tcp://127.0.0.1:*");
  const auto labels_ep = transport::bind(pull, "tcp://127.0.0.1:*");
  testing::Service labeller("labeller");
  labeller.start({"endpoints.truth=" + truth_ep, "endpoints.labels=" + labels_ep,
                  "metrics.labeller=0", "labeller.fraction=1", "labeller.delay_ms=0"},
                 dir);
  if (::testing::Test::HasFatalFailure()) return;
  // Wait for the subscription to arrive, so nothing sent below is lost to the slow joiner.
  ASSERT_TRUE(eventually([&] {
    zmq::message_t m;
    return static_cast<bool>(pub.recv(m, zmq::recv_flags::dontwait));
  }));
  auto [event, truth] = make_event(3);
  send_garbage(pub, transport::kTopicEvent, event);
  send_garbage(pub, transport::kTopicTruth, truth);
  transport::send(pub, transport::kTopicEvent, event, true);
  transport::send(pub, transport::kTopicTruth, truth, true);

  v1::LabelledBatch batch;
  ASSERT_TRUE(eventually([&] {
    auto msg = transport::receive(pull);
    return msg && batch.ParseFromArray(msg->payload.data(), static_cast<int>(msg->payload.size()));
  })) << "no labels; log in "
      << dir;
  EXPECT_EQ(batch.event_ids(0), 3u);
  EXPECT_EQ(batch.labels_size(), static_cast<int>(event.n_tracks()));
  EXPECT_EQ(batch.features_size(), batch.labels_size() * physics::kNumFeatures);

  const std::string text = scrape(labeller.metrics_port());
  const std::string rejected = "l1t_messages_rejected_total{channel=\"events_truth\",reason=";
  // The lone frame is filtered out by the SUB socket (its topic matches no subscription).
  EXPECT_GE(testing::metric_value(text, rejected + "\"malformed\"}"), 2) << text;
  EXPECT_GE(testing::metric_value(text, rejected + "\"schema_version\"}"), 2) << text;
  expect_promtool_clean(text, dir);
  EXPECT_EQ(labeller.child.stop(10s), 0);
}

TEST(BadInputTest, TrainerSkipsBadBatchesAndSnapshotRequests) {
  const std::string dir = testing::temp_dir("bad-trainer");
  testing::Service trainer("trainer");
  trainer.start({"endpoints.labels=tcp://127.0.0.1:*", "endpoints.weights=tcp://127.0.0.1:*",
                 "endpoints.control=tcp://127.0.0.1:*", "metrics.trainer=0",
                 "trainer.pretrain_events=20", "trainer.pretrain_epochs=1"},
                dir);
  if (::testing::Test::HasFatalFailure()) return;
  zmq::context_t ctx(1);
  auto push = transport::make_socket(ctx, zmq::socket_type::push);
  testing::secure_client(push, "labeller", "labels");
  push.connect(trainer.endpoint("labels"));
  auto dealer = transport::make_socket(ctx, zmq::socket_type::dealer);
  testing::secure_client(dealer, "inference", "control");
  dealer.connect(trainer.endpoint("control"));

  v1::LabelledBatch good;
  transport::HeaderStamper("test").stamp(good.mutable_header());
  good.set_n_features(physics::kNumFeatures);
  for (int i = 0; i < 10 * physics::kNumFeatures; ++i) good.add_features(0.1f * i);
  for (int i = 0; i < 10; ++i) good.add_labels(i % 2);
  send_garbage(push, transport::kTopicLabels, good);
  v1::LabelledBatch wrong_shape = good;
  wrong_shape.set_n_features(7);
  transport::send(push, transport::kTopicLabels, wrong_shape, true);
  // Batches that parse and have the right shape but lie: never trained on.
  v1::LabelledBatch nan_feature = good;
  nan_feature.set_features(3, std::numeric_limits<float>::quiet_NaN());
  transport::send(push, transport::kTopicLabels, nan_feature, true);
  v1::LabelledBatch infinite = good;
  infinite.set_features(0, std::numeric_limits<float>::infinity());
  transport::send(push, transport::kTopicLabels, infinite, true);
  v1::LabelledBatch bad_label = good;
  bad_label.set_labels(2, 5.0f);
  bad_label.set_labels(4, -3.0f);
  transport::send(push, transport::kTopicLabels, bad_label, true);
  transport::send(push, transport::kTopicLabels, good, true);

  send_garbage(dealer, transport::kTopicSnapshot, v1::SnapshotRequest());
  v1::SnapshotRequest req;
  transport::HeaderStamper("test").stamp(req.mutable_header());
  transport::send(dealer, transport::kTopicSnapshot, req, true);
  v1::ModelUpdate update;
  ASSERT_TRUE(eventually([&] {
    auto msg = transport::receive(dealer);
    return msg && update.ParseFromArray(msg->payload.data(), static_cast<int>(msg->payload.size()));
  })) << "no snapshot reply; log in "
      << dir;
  EXPECT_EQ(update.version(), 1u);
  nn::FixedModel model;
  std::string error;
  EXPECT_TRUE(transport::decode_model(update, &model, &error)) << error;

  std::string text;
  ASSERT_TRUE(eventually([&] {
    text = scrape(trainer.metrics_port());
    return testing::metric_value(text, "l1t_training_samples_total") >= 10;
  })) << text;
  const std::string rejected = "l1t_messages_rejected_total{channel=";
  EXPECT_GE(testing::metric_value(text, rejected + "\"labels\",reason=\"malformed\"}"), 2) << text;
  EXPECT_GE(testing::metric_value(text, rejected + "\"labels\",reason=\"shape\"}"), 1) << text;
  EXPECT_EQ(testing::metric_value(text, rejected + "\"labels\",reason=\"non_finite\"}"), 2) << text;
  EXPECT_EQ(testing::metric_value(text, rejected + "\"labels\",reason=\"label\"}"), 1) << text;
  // The poison came before the good batch on one ordered stream: only the good one was trained.
  EXPECT_EQ(testing::metric_value(text, "l1t_training_samples_total"), 10) << text;
  EXPECT_GE(testing::metric_value(text, rejected + "\"control\",reason=\"malformed\"}"), 2) << text;
  expect_promtool_clean(text, dir);
  EXPECT_EQ(trainer.child.stop(10s), 0);
}

}  // namespace
}  // namespace l1t
