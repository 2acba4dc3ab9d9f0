// Update policies with real processes: a trainer with on_drift publishes only after an
// inference node's drift alarm, one with fill_boundary stamps updates with the fill after the
// nodes' newest; a real inference node holds such an update until its fill begins, sends
// heartbeats with its fill, and raises a drift alarm when its scores move.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "common/physics/track_word.h"
#include "common/transport/model_codec.h"
#include "tests/integration/trainer_test_support.h"
#include "tests/support/http_get.h"

namespace l1t {
namespace {

using namespace std::chrono_literals;

// ---- The trainer's side ----

class TrainerPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_dir("trainer-policy");
    initial_ = testing::small_initial_model(dir_);
    batches_ = testing::labelled_batches(40, 41);
  }
  std::string dir_, initial_;
  std::vector<v1::LabelledBatch> batches_;  // about 270 tracks each
};

TEST_F(TrainerPolicyTest, OnDriftPublishesOnlyAfterAnAlarmAndOncePerAlarm) {
  testing::Service trainer("trainer");
  trainer.start(
      testing::trainer_overrides(initial_, {"trainer.update_policy=on_drift",
                                            "trainer.publish_every=1000", "trainer.gate_window=0"}),
      dir_);
  ASSERT_FALSE(HasFatalFailure());
  testing::TrainerClient client(trainer);
  client.send_labels(batches_, 0, 15);  // 4,000 tracks: four times publish_every
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(client.newest_published(), 0u) << "published without an alarm";

  v1::DriftAlarm alarm;
  alarm.set_node("test-node");
  alarm.set_fill(1);
  alarm.set_statistic("fraction_scored_primary");
  alarm.set_direction(-1);
  client.send_control(transport::kTopicAlarm, alarm);
  std::this_thread::sleep_for(300ms);
  client.send_labels(batches_, 15, 16);
  ASSERT_TRUE(client.wait_for_version(2, 10s)) << "no version after the alarm; log in " << dir_;

  client.send_labels(batches_, 16, 30);  // plenty for more candidates, but no new alarm
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(client.newest_published(), 2u) << "one alarm, one publication";

  client.send_control(transport::kTopicAlarm, alarm);
  std::this_thread::sleep_for(300ms);
  client.send_labels(batches_, 30, 31);
  ASSERT_TRUE(client.wait_for_version(3, 10s));
  ASSERT_EQ(trainer.child.stop(10s), 0);
  const auto stats = trainer.stats();
  EXPECT_EQ(stats["drift_alarms"].get<int>(), 2);
  EXPECT_EQ(stats["update_policy"].get<std::string>(), "on_drift");
  EXPECT_EQ(stats["model_version_final"].get<int>(), 3);
}

TEST_F(TrainerPolicyTest, FillBoundaryMakesUpdatesActiveFromTheNextFill) {
  testing::Service trainer("trainer");
  trainer.start(
      testing::trainer_overrides(initial_, {"trainer.update_policy=fill_boundary",
                                            "trainer.publish_every=1000", "trainer.gate_window=0"}),
      dir_);
  ASSERT_FALSE(HasFatalFailure());
  testing::TrainerClient client(trainer);
  // Before any node reported a fill: from the first fill on.
  client.send_labels(batches_, 0, 5);
  ASSERT_TRUE(client.wait_for_version(2, 10s)) << "log in " << dir_;
  EXPECT_EQ(client.published.front().activate_at_fill(), 1u);

  for (uint32_t fill : {7u, 12u}) {
    v1::Heartbeat hb;
    hb.set_process("test-node");
    hb.set_state("running");
    hb.set_fill(fill);
    client.send_control(transport::kTopicHeartbeat, hb);
    std::this_thread::sleep_for(300ms);
    const uint64_t before = client.newest_published();
    client.send_labels(batches_, 5 + fill, 10 + fill);
    ASSERT_TRUE(client.wait_for_version(before + 1, 10s));
    EXPECT_EQ(client.published.back().activate_at_fill(), fill + 1);
  }
  ASSERT_EQ(trainer.child.stop(10s), 0);
}

// ---- The inference node's side: the test plays the trainer, the emulator and the monitor ----

// A trainer stand-in on a ROUTER: answers snapshot requests with the base model and records the
// heartbeats and drift alarms that arrive.
class FakeTrainerRouter {
 public:
  FakeTrainerRouter(zmq::context_t& ctx, v1::ModelUpdate base) : base_(std::move(base)) {
    zmq::socket_t router = transport::make_socket(ctx, zmq::socket_type::router);
    testing::secure_server(router, "trainer", "control");
    endpoint_ = transport::bind(router, "tcp://127.0.0.1:*");
    thread_ = std::thread([this, r = std::move(router)]() mutable { serve(r); });
  }
  ~FakeTrainerRouter() {
    stop_ = true;
    thread_.join();
  }
  const std::string& endpoint() const { return endpoint_; }
  std::vector<uint32_t> heartbeat_fills() {
    std::lock_guard<std::mutex> lock(mu_);
    return fills_;
  }
  std::vector<v1::DriftAlarm> alarms() {
    std::lock_guard<std::mutex> lock(mu_);
    return alarms_;
  }

 private:
  void serve(zmq::socket_t& router) {
    while (!stop_) {
      zmq::pollitem_t items[] = {{router.handle(), 0, ZMQ_POLLIN, 0}};
      transport::poll(items, 1, 20ms);
      while (auto msg = transport::receive(router, true)) {
        std::lock_guard<std::mutex> lock(mu_);
        if (msg->topic == transport::kTopicSnapshot) {
          router.send(*msg->routing_id, zmq::send_flags::sndmore);
          transport::send(router, transport::kTopicSnapshot, base_, false);
        } else if (msg->topic == transport::kTopicHeartbeat) {
          v1::Heartbeat hb;
          if (transport::decode(msg->topic, transport::kTopicHeartbeat, msg->payload_view(), &hb) ==
              transport::Reject::kOk) {
            fills_.push_back(hb.fill());
          }
        } else if (msg->topic == transport::kTopicAlarm) {
          v1::DriftAlarm a;
          if (transport::decode(msg->topic, transport::kTopicAlarm, msg->payload_view(), &a) ==
              transport::Reject::kOk) {
            alarms_.push_back(a);
          }
        }
      }
    }
  }

  v1::ModelUpdate base_;
  std::string endpoint_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<uint32_t> fills_;
  std::vector<v1::DriftAlarm> alarms_;
  std::thread thread_;
};

class InferenceNodeHarness : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_dir("inference-policy");
    std::string error;
    ASSERT_TRUE(transport::read_model_file(testing::small_initial_model(dir_), &base_, &error))
        << error;
    base_.set_version(1);
    router_ = std::make_unique<FakeTrainerRouter>(ctx_, base_);
    testing::secure_server(events_, "emulator", "events");
    testing::secure_server(weights_, "trainer", "weights");
    testing::secure_server(decisions_, "monitor", "decisions");
    events_ep_ = transport::bind(events_, "tcp://127.0.0.1:*");
    weights_ep_ = transport::bind(weights_, "tcp://127.0.0.1:*");
    decisions_.set(zmq::sockopt::subscribe, "");
    decisions_ep_ = transport::bind(decisions_, "tcp://127.0.0.1:*");
  }

  void start_node(std::vector<std::string> more = {}) {
    std::vector<std::string> o{"endpoints.events=" + events_ep_,
                               "endpoints.weights=" + weights_ep_,
                               "endpoints.control=" + router_->endpoint(),
                               "endpoints.decisions=" + decisions_ep_,
                               "metrics.inference=0",
                               "inference.heartbeat_s=0.2"};
    o.insert(o.end(), more.begin(), more.end());
    node_.start(o, dir_);
    ASSERT_FALSE(HasFatalFailure());
    // The node's weights subscription has reached our publisher once XPUB reports it.
    ASSERT_TRUE(testing::eventually([&] { return transport::receive(weights_).has_value(); }, 10s));
    // Decisions sent before our subscription reached the node's publisher are lost: one event
    // at a time until one comes back (these events are of fill 1, on the base model).
    ASSERT_TRUE(testing::eventually([&] { return decide(1, 1, 0.0, 500ms)[0] == 1; }, 20s))
        << "no decision came back; log in " << dir_;
  }

  // Sends n events of one fill (generated at the given smear) and returns their decisions'
  // model versions, in event order.
  std::vector<uint64_t> decide(int n, uint32_t fill, double smear = 0.0,
                               std::chrono::milliseconds timeout = 20s) {
    physics::DegradationState state;
    state.smear = smear;
    std::vector<uint64_t> first_id_versions;
    const uint64_t first = next_id_;
    for (int i = 0; i < n; ++i) {
      const physics::GeneratedEvent ev = generator_.next(state);
      v1::Event e;
      stamp_.stamp(e.mutable_header());
      e.set_event_id(next_id_++);
      e.set_run(1);
      e.set_fill(fill);
      e.set_timestamp_ns(transport::unix_now_ns());
      e.mutable_degradation()->set_smear(smear);
      e.set_n_tracks(static_cast<uint32_t>(ev.tracks.size()));
      physics::pack_tracks(ev.tracks, e.mutable_track_words());
      transport::send(events_, transport::kTopicEvent, e, true);
    }
    std::vector<uint64_t> versions(static_cast<size_t>(n), 0);
    size_t got = 0;
    testing::eventually(
        [&] {
          while (auto msg = transport::receive(decisions_)) {
            v1::Decision d;
            if (!d.ParseFromArray(msg->payload.data(), static_cast<int>(msg->payload.size()))) {
              continue;
            }
            if (d.event_id() >= first && d.event_id() < first + n) {
              versions[d.event_id() - first] = d.model_version();
              ++got;
            }
          }
          return got == static_cast<size_t>(n);
        },
        timeout);
    if (timeout >= 20s) {
      EXPECT_EQ(got, static_cast<size_t>(n)) << "decisions missing; log in " << dir_;
    }
    return versions;
  }

  void publish(uint64_t version, uint32_t activate_at_fill) {
    v1::ModelUpdate u = base_;
    stamp_.stamp(u.mutable_header());
    u.set_version(version);
    u.set_parent_version(version - 1);
    u.set_activate_at_fill(activate_at_fill);
    transport::send(weights_, transport::kTopicWeights, u, true);
  }

  double node_metric(const std::string& series) {
    const auto text = testing::http_get(node_.metrics_port(), "/metrics");
    return text ? testing::metric_value(*text, series) : -1;
  }

  std::string dir_;
  zmq::context_t ctx_{1};
  v1::ModelUpdate base_;
  std::unique_ptr<FakeTrainerRouter> router_;
  zmq::socket_t events_{transport::make_socket(ctx_, zmq::socket_type::push)};
  zmq::socket_t weights_{transport::make_publisher(ctx_)};
  zmq::socket_t decisions_{transport::make_socket(ctx_, zmq::socket_type::sub)};
  std::string events_ep_, weights_ep_, decisions_ep_;
  testing::Service node_{"inference"};
  physics::EventGenerator generator_{physics::GeneratorConfig{}, 51};
  transport::HeaderStamper stamp_{"test-emulator"};
  uint64_t next_id_ = 1;
};

using InferenceFillBoundaryTest = InferenceNodeHarness;

TEST_F(InferenceFillBoundaryTest, HoldsAnUpdateUntilItsFillBeginsAndNeverSwapsInsideAFill) {
  start_node();
  ASSERT_FALSE(HasFatalFailure());
  for (uint64_t v : decide(5, 1)) EXPECT_EQ(v, 1u);

  publish(2, 2);  // active from fill 2 on
  const std::string held = "l1t_model_updates_total{result=\"held\"}";
  ASSERT_TRUE(testing::eventually([&] { return node_metric(held) >= 1; }, 10s))
      << "the node never took the update; log in " << dir_;
  for (uint64_t v : decide(20, 1)) EXPECT_EQ(v, 1u) << "swapped inside fill 1";
  for (uint64_t v : decide(10, 2)) EXPECT_EQ(v, 2u) << "not active from the first event of fill 2";

  // Meant for fill 2 but arriving while fill 2 runs: it waits for the next boundary.
  publish(3, 2);
  ASSERT_TRUE(testing::eventually([&] { return node_metric(held) >= 2; }, 10s));
  for (uint64_t v : decide(20, 2)) EXPECT_EQ(v, 2u) << "swapped inside fill 2";
  for (uint64_t v : decide(5, 3)) EXPECT_EQ(v, 3u);

  // An update marked 0 is active at once, between two events.
  publish(4, 0);
  ASSERT_TRUE(testing::eventually(
      [&] { return node_metric("l1t_model_version{model=\"live\"}") == 4; }, 10s));
  for (uint64_t v : decide(5, 3)) EXPECT_EQ(v, 4u);

  // Heartbeats told the trainer side about every fill the node entered.
  ASSERT_TRUE(testing::eventually([&] {
    const auto fills = router_->heartbeat_fills();
    return std::find(fills.begin(), fills.end(), 3u) != fills.end();
  }));
  const auto fills = router_->heartbeat_fills();
  for (uint32_t f : {1u, 2u, 3u}) {
    EXPECT_NE(std::find(fills.begin(), fills.end(), f), fills.end())
        << "no heartbeat in fill " << f;
  }
  ASSERT_EQ(node_.child.stop(10s), 0);
  const auto stats = node_.stats();
  EXPECT_EQ(stats["model_versions_held"].get<int>(), 2);
  EXPECT_EQ(stats["model_version_final"].get<int>(), 4);
}

using InferenceDriftTest = InferenceNodeHarness;

TEST_F(InferenceDriftTest, AlarmsTheTrainerWhenTheLiveScoresDrift) {
  // Small blocks so the test needs hundreds of events, not thousands.
  start_node({"inference.drift_block_events=10", "inference.drift_reference_blocks=30"});
  ASSERT_FALSE(HasFatalFailure());
  decide(400, 1);  // the reference (300 events) and some more, undegraded
  EXPECT_TRUE(router_->alarms().empty()) << "an alarm without drift";
  // A strong smear moves the fraction of tracks the model scores as primary.
  decide(400, 1, 0.3);
  ASSERT_TRUE(testing::eventually([&] { return !router_->alarms().empty(); }, 10s))
      << "no drift alarm; log in " << dir_;
  const v1::DriftAlarm a = router_->alarms().front();
  EXPECT_EQ(a.node(), "inference-0");
  EXPECT_EQ(a.fill(), 1u);
  EXPECT_EQ(a.model_version(), 1u);
  EXPECT_EQ(a.statistic(), "fraction_scored_primary");
  EXPECT_GT(a.cusum(), a.threshold());
  // The mean since the reference includes the undegraded events before the smear began.
  EXPECT_GT(std::abs(a.recent_mean() - a.reference_mean()), 0.5 * a.reference_sigma())
      << a.ShortDebugString();
  EXPECT_EQ(a.direction(), a.recent_mean() > a.reference_mean() ? 1 : -1) << a.ShortDebugString();
  EXPECT_GE(a.events(), 100u) << a.ShortDebugString();
  ASSERT_EQ(node_.child.stop(10s), 0);
  EXPECT_GE(node_.stats()["drift_alarms"].get<int>(), 1);
}

}  // namespace
}  // namespace l1t
