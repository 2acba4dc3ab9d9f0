// Intruders against real processes with CURVE on (the shipped default): a client without CURVE,
// one with a key pair no allow-list holds, and one with a real key of the wrong role try what
// only one role may do. Each is refused and counted in l1t_auth_failures_total{channel}; the
// role that may do it, with its own keys, does it in the same test, so a refusal is not
// mistaken for a dead socket.
#include <gtest/gtest.h>
#include <zmq.h>

#include <atomic>
#include <thread>

#include "common/security/key_pair.h"
#include "common/security/roles.h"
#include "common/transport/model_codec.h"
#include "tests/integration/trainer_test_support.h"
#include "tests/support/http_get.h"

namespace l1t {
namespace {

using namespace std::chrono_literals;

// Who a test client claims to be.
enum class Identity { kNoCurve, kUnlistedKey, kWrongRole, kRightRole };
const char* name(Identity who) {
  switch (who) {
    case Identity::kNoCurve:
      return "a client without CURVE";
    case Identity::kUnlistedKey:
      return "a key on no allow-list";
    case Identity::kWrongRole:
      return "a listed key of the wrong role";
    case Identity::kRightRole:
      return "the role's own key";
  }
  return "";
}

void set_key(zmq::socket_t& s, int option, const std::string& z85) {
  ASSERT_EQ(zmq_setsockopt(s.handle(), option, z85.c_str(), z85.size() + 1), 0);
}

// A client of channel, bound by server_role, as who (wrong_role and right_role: real roles).
zmq::socket_t client(zmq::context_t& ctx, zmq::socket_type type, Identity who,
                     const std::string& channel, const std::string& wrong_role,
                     const std::string& right_role) {
  transport::SocketOptions opts;
  opts.linger_ms = 0;
  auto s = transport::make_socket(ctx, type, opts);
  if (who == Identity::kUnlistedKey) {
    // Knows the server's public key (it is public), but its own pair is its own.
    security::KeyPair own;
    std::string error, server;
    EXPECT_TRUE(security::generate_key_pair(&own, &error)) << error;
    EXPECT_TRUE(security::read_key_file(
        security::public_key_path(testing::keys_dir(), security::server_role(channel)), &server,
        &error))
        << error;
    set_key(s, ZMQ_CURVE_SERVERKEY, server);
    set_key(s, ZMQ_CURVE_PUBLICKEY, own.public_key);
    set_key(s, ZMQ_CURVE_SECRETKEY, own.secret_key);
  } else if (who == Identity::kWrongRole) {
    testing::secure_client(s, wrong_role, channel);
  } else if (who == Identity::kRightRole) {
    testing::secure_client(s, right_role, channel);
  }
  return s;
}

double metric(int port, const std::string& series) {
  const auto text = testing::http_get(port, "/metrics");
  return text ? testing::metric_value(*text, series) : -1;
}

std::string auth_failures(const std::string& channel) {
  return "l1t_auth_failures_total{channel=\"" + channel + "\"}";
}

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_dir("security");
    initial_ = testing::small_initial_model(dir_);
  }
  void start_trainer(const std::vector<std::string>& extra) {
    trainer_.start(testing::trainer_overrides(initial_, extra), dir_);
  }
  double trainer_metric(const std::string& series) {
    return metric(trainer_.metrics_port(), series);
  }

  std::string dir_, initial_;
  testing::Service trainer_{"trainer"};
  zmq::context_t ctx_{1};
};

// Waits for an answer on a DEALER; false if none comes within the time.
bool answered(zmq::socket_t& dealer, std::chrono::milliseconds within) {
  return testing::eventually([&] { return transport::receive(dealer).has_value(); }, within);
}

TEST_F(SecurityTest, OnlyTheOperatorRollsTheTrainerBack) {
  start_trainer({"trainer.gate_window=0"});
  ASSERT_FALSE(HasFatalFailure());
  for (Identity who : {Identity::kNoCurve, Identity::kUnlistedKey, Identity::kWrongRole}) {
    // The wrong role: an inference node's key, admitted to control but not to roll back.
    auto dealer = client(ctx_, zmq::socket_type::dealer, who, "control", "inference", "operator");
    dealer.connect(trainer_.endpoint("control"));
    v1::RollbackRequest req;
    transport::HeaderStamper("rogue").stamp(req.mutable_header());
    req.set_requester("rogue");
    req.set_version(1);
    // Never blocking: a refused handshake leaves a rogue nowhere to queue its message.
    transport::send(dealer, transport::kTopicRollback, req, false);
    EXPECT_FALSE(answered(dealer, 1500ms)) << name(who) << " was answered";
    v1::RollbackRequest list = req;
    list.set_list_only(true);
    transport::HeaderStamper("rogue-list").stamp(list.mutable_header());
    transport::send(dealer, transport::kTopicRollback, list, false);
    EXPECT_FALSE(answered(dealer, 500ms)) << name(who) << " was shown the versions";
  }
  EXPECT_EQ(trainer_metric("l1t_model_rollbacks_total"), 0);
  // One failed handshake each for the first two (retried, so maybe more), one refusal for the
  // third.
  EXPECT_TRUE(
      testing::eventually([&] { return trainer_metric(auth_failures("control")) >= 3; }, 5s))
      << trainer_metric(auth_failures("control"));

  // The operator, with the command and its key.
  const int code = testing::run_command(
      {testing::binary("l1t-trainer"), "--config", testing::default_config(), "--set",
       "security.keys_dir=" + testing::keys_dir(), "--set",
       "endpoints.control=" + trainer_.endpoint("control"), "--rollback-to", "1"},
      dir_ + "/rollback.log");
  EXPECT_EQ(code, 0) << testing::read_text(dir_ + "/rollback.log");
  EXPECT_EQ(trainer_metric("l1t_model_rollbacks_total"), 1);
  ASSERT_EQ(trainer_.child.stop(10s), 0);
  const auto stats = trainer_.stats();
  EXPECT_EQ(stats["model_rollbacks"].get<int>(), 1) << stats.dump();
  EXPECT_GE(stats["messages_rejected_by_reason"]["control"]["unauthorised"].get<int>(), 2)
      << stats.dump();
}

TEST_F(SecurityTest, OnlyLabellersPushLabels) {
  start_trainer({});
  ASSERT_FALSE(HasFatalFailure());
  const auto batches = testing::labelled_batches(3, 5);
  std::vector<zmq::socket_t> rogues;
  for (Identity who : {Identity::kNoCurve, Identity::kUnlistedKey, Identity::kWrongRole}) {
    // The wrong role: an inference node's key, not admitted to labels at all.
    rogues.push_back(client(ctx_, zmq::socket_type::push, who, "labels", "inference", "labeller"));
    rogues.back().connect(trainer_.endpoint("labels"));
    for (const auto& b : batches) transport::send(rogues.back(), transport::kTopicLabels, b, false);
  }
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(trainer_metric("l1t_training_samples_total"), 0) << "a rogue's labels were trained on";
  EXPECT_TRUE(testing::eventually([&] { return trainer_metric(auth_failures("labels")) >= 3; }, 5s))
      << trainer_metric(auth_failures("labels"));

  auto labeller =
      client(ctx_, zmq::socket_type::push, Identity::kRightRole, "labels", "", "labeller");
  labeller.connect(trainer_.endpoint("labels"));
  for (const auto& b : batches) transport::send(labeller, transport::kTopicLabels, b, true);
  EXPECT_TRUE(
      testing::eventually([&] { return trainer_metric("l1t_training_samples_total") > 0; }, 10s))
      << "the labeller's own labels were not trained on; log in " << dir_;
}

TEST_F(SecurityTest, OnlyInferenceNodesRaiseDriftAlarms) {
  start_trainer({"trainer.update_policy=on_drift"});
  ASSERT_FALSE(HasFatalFailure());
  v1::DriftAlarm alarm;
  alarm.set_node("rogue");
  alarm.set_fill(1);
  alarm.set_statistic("fraction_scored_primary");
  alarm.set_direction(-1);
  std::vector<zmq::socket_t> rogues;
  // The wrong roles: a labeller (not admitted to control) and the operator (admitted, but an
  // alarm is not what it may send).
  for (auto [who, wrong] :
       std::vector<std::pair<Identity, std::string>>{{Identity::kNoCurve, ""},
                                                     {Identity::kUnlistedKey, ""},
                                                     {Identity::kWrongRole, "labeller"},
                                                     {Identity::kWrongRole, "operator"}}) {
    rogues.push_back(client(ctx_, zmq::socket_type::dealer, who, "control", wrong, "inference"));
    rogues.back().connect(trainer_.endpoint("control"));
    transport::HeaderStamper("rogue-" + wrong).stamp(alarm.mutable_header());
    transport::send(rogues.back(), transport::kTopicAlarm, alarm, false);
  }
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(trainer_metric("l1t_drift_alarms_total"), 0) << "a rogue raised an alarm";
  EXPECT_TRUE(
      testing::eventually([&] { return trainer_metric(auth_failures("control")) >= 4; }, 5s))
      << trainer_metric(auth_failures("control"));

  auto node =
      client(ctx_, zmq::socket_type::dealer, Identity::kRightRole, "control", "", "inference");
  node.connect(trainer_.endpoint("control"));
  transport::HeaderStamper("test-node").stamp(alarm.mutable_header());
  transport::send(node, transport::kTopicAlarm, alarm, true);
  EXPECT_TRUE(
      testing::eventually([&] { return trainer_metric("l1t_drift_alarms_total") == 1; }, 10s))
      << "an inference node's alarm did not arrive; log in " << dir_;
}

// Who binds the weights endpoint an inference node connects to.
enum class Publisher { kNoCurve, kImpostorKey, kTrainer };

TEST_F(SecurityTest, NoImpostorGetsWeightsIntoAnInferenceNode) {
  v1::ModelUpdate base;
  std::string error;
  ASSERT_TRUE(transport::read_model_file(initial_, &base, &error)) << error;
  base.set_version(1);
  for (Publisher who : {Publisher::kNoCurve, Publisher::kImpostorKey, Publisher::kTrainer}) {
    SCOPED_TRACE(static_cast<int>(who));
    zmq::context_t ctx(1);
    transport::SocketOptions opts;
    opts.linger_ms = 0;
    // The real trainer's snapshot service, the emulator and the monitor, with their keys.
    auto router = transport::make_socket(ctx, zmq::socket_type::router, opts);
    auto events = transport::make_socket(ctx, zmq::socket_type::push, opts);
    auto decisions = transport::make_socket(ctx, zmq::socket_type::sub, opts);
    testing::secure_server(router, "trainer", "control");
    testing::secure_server(events, "emulator", "events");
    testing::secure_server(decisions, "monitor", "decisions");
    // The weights publisher under test: the trainer, or someone bound in its place.
    auto weights = transport::make_publisher(ctx, opts);
    if (who == Publisher::kTrainer) {
      testing::secure_server(weights, "trainer", "weights");
    } else if (who == Publisher::kImpostorKey) {
      security::KeyPair impostor;
      ASSERT_TRUE(security::generate_key_pair(&impostor, &error)) << error;
      const int on = 1;
      ASSERT_EQ(zmq_setsockopt(weights.handle(), ZMQ_CURVE_SERVER, &on, sizeof on), 0);
      set_key(weights, ZMQ_CURVE_SECRETKEY, impostor.secret_key);
    }
    const std::string control_ep = transport::bind(router, "tcp://127.0.0.1:*");
    const std::string weights_ep = transport::bind(weights, "tcp://127.0.0.1:*");
    std::atomic<bool> stop{false};
    std::thread snapshots([&] {
      while (!stop) {
        auto msg = transport::receive(router, true);
        if (!msg) {
          std::this_thread::sleep_for(5ms);
          continue;
        }
        if (msg->topic != transport::kTopicSnapshot) continue;
        router.send(*msg->routing_id, zmq::send_flags::sndmore);
        transport::send(router, transport::kTopicSnapshot, base, true);
      }
    });
    // A directory per node: its ready file is new.
    const std::string node_dir = dir_ + "/node-" + std::to_string(static_cast<int>(who));
    std::filesystem::create_directories(node_dir);
    testing::Service node("inference");
    node.start({"endpoints.events=" + transport::bind(events, "tcp://127.0.0.1:*"),
                "endpoints.weights=" + weights_ep, "endpoints.control=" + control_ep,
                "endpoints.decisions=" + transport::bind(decisions, "tcp://127.0.0.1:*"),
                "metrics.inference=0"},
               node_dir);
    stop = true;
    snapshots.join();
    ASSERT_FALSE(HasFatalFailure());
    // Version 2 on the weights topic, again and again, for two seconds.
    v1::ModelUpdate forged = base;
    forged.set_version(2);
    transport::HeaderStamper stamp("trainer");
    for (int i = 0; i < 40; ++i) {
      stamp.stamp(forged.mutable_header());
      transport::send(weights, transport::kTopicWeights, forged, false);
      std::this_thread::sleep_for(50ms);
    }
    const double received =
        metric(node.metrics_port(), "l1t_messages_received_total{channel=\"weights\"}");
    if (who == Publisher::kTrainer) {
      EXPECT_GT(received, 0) << "the real trainer's weights did not arrive; log in " << node_dir;
      EXPECT_EQ(metric(node.metrics_port(), auth_failures("weights")), 0);
    } else {
      EXPECT_LE(received, 0) << "an impostor's weights reached the node";
      EXPECT_EQ(metric(node.metrics_port(), "l1t_model_version"), 1);
      EXPECT_GE(metric(node.metrics_port(), auth_failures("weights")), 1);
    }
    ASSERT_EQ(node.child.stop(10s), 0);
  }
}

}  // namespace
}  // namespace l1t
