#include "common/device/device.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <thread>

#include "common/runtime/signals.h"

namespace l1t::device {
namespace {

using namespace std::chrono_literals;

// These tests are about the loop, not authentication (security_test.cc): CURVE off.
const config::Security kPlain{/*curve=*/false, ""};

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (name + "-" + std::to_string(::getpid()) + ".json"))
      .string();
}

double counter_value(metrics::Metrics& m, const std::string& name, const std::string& channel,
                     const std::string& reason = "") {
  for (const auto& family : m.registry().Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      bool match = true;
      for (const auto& label : metric.label) {
        if (label.name == "channel" && label.value != channel) match = false;
        if (label.name == "reason" && label.value != reason) match = false;
      }
      if (match) return metric.counter.value;
    }
  }
  return -1;
}

v1::Heartbeat beat(uint64_t out, uint32_t schema = transport::kSchemaVersion) {
  v1::Heartbeat hb;
  hb.mutable_header()->set_schema_version(schema);
  hb.set_messages_out(out);
  return hb;
}

class DeviceTest : public ::testing::Test {
 protected:
  DeviceTest() {
    options_.ready_file = temp_path("device-ready");
    options_.stats_file = temp_path("device-stats");
  }
  ~DeviceTest() override {
    std::filesystem::remove(options_.ready_file);
    std::filesystem::remove(options_.stats_file);
  }
  runtime::ProcessOptions options_;
  zmq::context_t peer_ctx_{1};
};

TEST_F(DeviceTest, DecodesForTheHandlerAndCountsWhatItRejectsByReason) {
  Device dev("test", options_, "127.0.0.1", 0, {}, kPlain);
  dev.open("in", zmq::socket_type::pull, Method::kBind, "tcp://127.0.0.1:*");
  std::vector<uint64_t> seen;
  dev.on<v1::Heartbeat>("in", transport::kTopicHeartbeat,
                        [&](v1::Heartbeat& hb) { seen.push_back(hb.messages_out()); });
  auto push = transport::make_socket(peer_ctx_, zmq::socket_type::push);
  push.connect(dev.endpoint("in"));
  transport::send(push, transport::kTopicHeartbeat, beat(1), true);
  transport::send(push, transport::kTopicHeartbeat, std::string("\x01\x02garbage"), true);
  transport::send(push, transport::kTopicHeartbeat, beat(2, 99), true);
  transport::send(push, transport::kTopicAlarm, beat(3), true);
  push.send(zmq::str_buffer("heartbeat"), zmq::send_flags::sndmore);
  push.send(zmq::str_buffer("a"), zmq::send_flags::sndmore);
  push.send(zmq::str_buffer("b"), zmq::send_flags::none);  // three frames
  transport::send(push, transport::kTopicHeartbeat, beat(4), true);
  ASSERT_TRUE(dev.run_until([&] { return seen.size() == 2; }, 10ms));
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 4}));
  EXPECT_EQ(dev.rejected(), 4u);
  auto& m = dev.metrics();
  EXPECT_EQ(counter_value(m, "l1t_messages_received_total", "in"), 6);
  EXPECT_EQ(counter_value(m, "l1t_messages_rejected_total", "in", "malformed"), 2);
  EXPECT_EQ(counter_value(m, "l1t_messages_rejected_total", "in", "schema_version"), 1);
  EXPECT_EQ(counter_value(m, "l1t_messages_rejected_total", "in", "wrong_topic"), 1);
}

TEST_F(DeviceTest, WritesBoundEndpointsToTheReadyFileAndCountersToTheStatsFile) {
  {
    Device dev("test", options_, "127.0.0.1", 0, {}, kPlain);
    dev.open("labels", zmq::socket_type::pull, Method::kBind, "tcp://127.0.0.1:*");
    dev.open("up", zmq::socket_type::push, Method::kConnect, "tcp://127.0.0.1:1");
    dev.ready({{"model_version", 3}});
    nlohmann::json ready;
    ASSERT_TRUE(runtime::read_json_file(options_.ready_file, &ready));
    EXPECT_EQ(ready["process"], "test");
    EXPECT_EQ(ready["metrics_port"], dev.metrics().port());
    EXPECT_EQ(ready["endpoints"]["labels"], dev.endpoint("labels"));
    EXPECT_FALSE(ready["endpoints"].contains("up")) << "connected channels are not served";
    EXPECT_EQ(ready["model_version"], 3);
    EXPECT_NE(dev.endpoint("labels").find("tcp://127.0.0.1:"), std::string::npos);
    EXPECT_EQ(dev.endpoint("labels").find(":*"), std::string::npos) << "port 0 resolved";
    dev.finish({{"events", 7}});
  }
  nlohmann::json stats;
  ASSERT_TRUE(runtime::read_json_file(options_.stats_file, &stats));
  EXPECT_EQ(stats["process"], "test");
  EXPECT_EQ(stats["events"], 7);
  EXPECT_EQ(stats["messages_rejected"], 0);
}

TEST_F(DeviceTest, ServesChannelsInOrderWithinTheirBudgetAndRunsTasks) {
  Device dev("test", options_, "127.0.0.1", 0, {}, kPlain);
  dev.open("first", zmq::socket_type::pull, Method::kBind, "tcp://127.0.0.1:*");
  dev.open("second", zmq::socket_type::pull, Method::kBind, "tcp://127.0.0.1:*");
  std::vector<std::string> order;
  dev.on<v1::Heartbeat>("first", transport::kTopicHeartbeat,
                        [&](v1::Heartbeat&) { order.push_back("first"); });
  dev.on<v1::Heartbeat>("second", transport::kTopicHeartbeat,
                        [&](v1::Heartbeat&) { order.push_back("second"); });
  dev.set_budget("second", 1);
  int ticks = 0;
  dev.every(0ms, [&] { ++ticks; });
  auto a = transport::make_socket(peer_ctx_, zmq::socket_type::push);
  auto b = transport::make_socket(peer_ctx_, zmq::socket_type::push);
  a.connect(dev.endpoint("first"));
  b.connect(dev.endpoint("second"));
  for (int i = 0; i < 3; ++i) transport::send(b, transport::kTopicHeartbeat, beat(i), true);
  transport::send(a, transport::kTopicHeartbeat, beat(9), true);
  std::this_thread::sleep_for(200ms);  // all four queued before the first turn
  ASSERT_TRUE(dev.run_until([&] { return order.size() == 4; }, 10ms));
  EXPECT_EQ(order, (std::vector<std::string>{"first", "second", "second", "second"}));
  EXPECT_GE(ticks, 3) << "one second-channel message per turn, a task run each turn";
}

// A heartbeat from sender with this sequence, sent at sent_ns.
v1::Heartbeat stamped(const std::string& sender, uint64_t sequence, int64_t sent_ns,
                      uint64_t out = 0) {
  v1::Heartbeat hb = beat(out);
  hb.mutable_header()->set_sender(sender);
  hb.mutable_header()->set_sequence(sequence);
  hb.mutable_header()->set_sent_unix_ns(sent_ns);
  return hb;
}

TEST_F(DeviceTest, AMessageBeyondTheLimitIsRefusedBeforeParsingAndTheProcessGoesOn) {
  config::Limits limits;
  limits.max_message_bytes = 1 << 16;
  Device dev("test", options_, "127.0.0.1", 0, limits, kPlain);
  dev.open("in", zmq::socket_type::pull, Method::kBind, "tcp://127.0.0.1:*");
  std::vector<uint64_t> seen;
  dev.on<v1::Heartbeat>("in", transport::kTopicHeartbeat,
                        [&](v1::Heartbeat& hb) { seen.push_back(hb.messages_out()); });
  auto push = transport::make_socket(peer_ctx_, zmq::socket_type::push);
  push.connect(dev.endpoint("in"));
  // A heartbeat that parses, padded past the limit by its process name: refused unread.
  v1::Heartbeat big = stamped("peer", 1, 1, 7);
  big.set_process(std::string(100'000, 'x'));
  transport::send(push, transport::kTopicHeartbeat, big, true);
  transport::send(push, transport::kTopicHeartbeat, stamped("peer", 2, 2, 8), true);
  ASSERT_TRUE(dev.run_until([&] { return seen.size() == 1; }, 10ms));
  EXPECT_EQ(seen, (std::vector<uint64_t>{8}));
  EXPECT_EQ(dev.rejected("in", "too_large"), 1u);
  EXPECT_EQ(counter_value(dev.metrics(), "l1t_messages_rejected_total", "in", "too_large"), 1);

  // Beyond kSocketLimitFactor x the limit libzmq drops the connection before reading the frame
  // (ZMQ_MAXMSGSIZE); the peer reconnects and its later messages arrive.
  big.set_process(std::string(kSocketLimitFactor * (1 << 16) + 1000, 'x'));
  transport::send(push, transport::kTopicHeartbeat, big, true);
  uint64_t sequence = 3;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (seen.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    transport::send(push, transport::kTopicHeartbeat, stamped("peer", sequence, sequence, 9), true);
    ++sequence;
    // A message may go down with the dropped connection: send again after a while.
    const auto resend_at = std::chrono::steady_clock::now() + 200ms;
    dev.run_until([&] { return seen.size() >= 2 || std::chrono::steady_clock::now() > resend_at; },
                  10ms);
  }
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen[1], 9u) << "the frame beyond the socket's limit never reached the device";
  EXPECT_EQ(dev.rejected("in", "too_large"), 1u);
}

TEST_F(DeviceTest, AConnectingChannelReadsAndRefusesEvenAFarLargerFrameAndKeepsItsPeer) {
  config::Limits limits;
  limits.max_message_bytes = 1 << 16;
  Device dev("test", options_, "127.0.0.1", 0, limits, kPlain);
  auto push = transport::make_socket(peer_ctx_, zmq::socket_type::push);
  const std::string ep = transport::bind(push, "tcp://127.0.0.1:*");
  dev.open("up", zmq::socket_type::pull, Method::kConnect, ep);
  std::vector<uint64_t> seen;
  dev.on<v1::Heartbeat>("up", transport::kTopicHeartbeat,
                        [&](v1::Heartbeat& hb) { seen.push_back(hb.messages_out()); });
  // libzmq would not reconnect a connecting socket it dropped for size: no ZMQ_MAXMSGSIZE here.
  transport::send(push, transport::kTopicHeartbeat, std::string(5 << 16, 'x'), true);
  transport::send(push, transport::kTopicHeartbeat, stamped("peer", 1, 1, 5), true);
  ASSERT_TRUE(dev.run_until([&] { return seen.size() == 1; }, 10ms));
  EXPECT_EQ(seen, (std::vector<uint64_t>{5}));
  EXPECT_EQ(dev.rejected("up", "too_large"), 1u);
}

TEST_F(DeviceTest, RepeatedSequencesAreRefusedGapsAndRestartsCounted) {
  Device dev("test", options_, "127.0.0.1", 0, {}, kPlain);
  dev.open("in", zmq::socket_type::pull, Method::kBind, "tcp://127.0.0.1:*");
  dev.open("answers", zmq::socket_type::pull, Method::kBind, "tcp://127.0.0.1:*");
  std::vector<uint64_t> seen, answers;
  dev.on<v1::Heartbeat>("in", transport::kTopicHeartbeat,
                        [&](v1::Heartbeat& hb) { seen.push_back(hb.messages_out()); });
  dev.on<v1::Heartbeat>(
      "answers", transport::kTopicHeartbeat,
      [&](v1::Heartbeat& hb) { answers.push_back(hb.messages_out()); }, Sequences::kCountOnly);
  auto push = transport::make_socket(peer_ctx_, zmq::socket_type::push);
  push.connect(dev.endpoint("in"));
  auto other = transport::make_socket(peer_ctx_, zmq::socket_type::push);
  other.connect(dev.endpoint("answers"));
  for (const auto& hb : {stamped("peer", 1, 10, 1), stamped("peer", 2, 11, 2),
                         stamped("peer", 2, 11, 3),  // the same again: repeat
                         stamped("peer", 5, 12, 4),  // a gap of two
                         stamped("peer", 3, 9, 5),   // older: repeat
                         stamped("other", 3, 9, 6),  // another sender's own sequence
                         stamped("peer", 1, 20, 7),  // a restart
                         stamped("peer", 2, 21, 8)}) {
    transport::send(push, transport::kTopicHeartbeat, hb, true);
  }
  for (int i = 0; i < 2; ++i) {
    transport::send(other, transport::kTopicHeartbeat, stamped("trainer", 4, 4, 40 + i), true);
  }
  ASSERT_TRUE(dev.run_until([&] { return seen.size() == 6 && answers.size() == 2; }, 10ms));
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 4, 6, 7, 8}));
  EXPECT_EQ(answers, (std::vector<uint64_t>{40, 41})) << "a count-only input takes repeats";
  auto& m = dev.metrics();
  EXPECT_EQ(counter_value(m, "l1t_messages_rejected_total", "in", "repeat"), 2);
  EXPECT_EQ(counter_value(m, "l1t_sequence_gaps_total", "in"), 1);
  EXPECT_EQ(counter_value(m, "l1t_sequence_resets_total", "in"), 1);
  EXPECT_EQ(counter_value(m, "l1t_messages_rejected_total", "answers", "repeat"), -1);
  dev.finish({});
  nlohmann::json stats;
  ASSERT_TRUE(runtime::read_json_file(options_.stats_file, &stats));
  EXPECT_EQ(stats["messages_rejected_by_reason"]["in"]["repeat"], 2);
  EXPECT_EQ(stats["sequence_gaps"], 1);
  EXPECT_EQ(stats["sequence_missed"], 2);
  EXPECT_EQ(stats["sequence_resets"], 1);
}

TEST_F(DeviceTest, OnARouterEachPeerConnectionHasItsOwnSequence) {
  Device dev("test", options_, "127.0.0.1", 0, {}, kPlain);
  dev.open("control", zmq::socket_type::router, Method::kBind, "tcp://127.0.0.1:*");
  int handled = 0;
  dev.on<v1::Heartbeat>("control", transport::kTopicHeartbeat, [&](v1::Heartbeat&) { ++handled; });
  auto a = transport::make_socket(peer_ctx_, zmq::socket_type::dealer);
  auto b = transport::make_socket(peer_ctx_, zmq::socket_type::dealer);
  a.connect(dev.endpoint("control"));
  b.connect(dev.endpoint("control"));
  // Two nodes of the same name: neither repeats the other.
  transport::send(a, transport::kTopicHeartbeat, stamped("inference-0", 5, 5), true);
  transport::send(b, transport::kTopicHeartbeat, stamped("inference-0", 5, 5), true);
  transport::send(a, transport::kTopicHeartbeat, stamped("inference-0", 5, 5), true);  // repeat
  ASSERT_TRUE(dev.run_until([&] { return handled == 2 && dev.rejected() == 1; }, 10ms));
  EXPECT_EQ(dev.rejected("control", "repeat"), 1u);
}

TEST_F(DeviceTest, AMessageWhoseFieldsMeanNothingNeverReachesItsHandler) {
  Device dev("test", options_, "127.0.0.1", 0, {}, kPlain);
  dev.open("events", zmq::socket_type::pull, Method::kBind, "tcp://127.0.0.1:*");
  std::vector<uint64_t> seen;
  dev.on<v1::Event>("events", transport::kTopicEvent,
                    [&](v1::Event& e) { seen.push_back(e.event_id()); });
  auto push = transport::make_socket(peer_ctx_, zmq::socket_type::push);
  push.connect(dev.endpoint("events"));
  v1::Event e;
  e.mutable_header()->set_schema_version(transport::kSchemaVersion);
  e.set_event_id(1);
  e.mutable_degradation()->set_smear(std::numeric_limits<double>::quiet_NaN());
  transport::send(push, transport::kTopicEvent, e, true);
  e.set_event_id(2);
  e.mutable_degradation()->set_smear(0.02);
  e.set_n_tracks(1'000'000);
  transport::send(push, transport::kTopicEvent, e, true);
  e.set_event_id(3);
  e.set_n_tracks(0);
  transport::send(push, transport::kTopicEvent, e, true);
  ASSERT_TRUE(dev.run_until([&] { return seen.size() == 1; }, 10ms));
  EXPECT_EQ(seen, (std::vector<uint64_t>{3}));
  EXPECT_EQ(dev.rejected("events", "degradation"), 1u);
  EXPECT_EQ(dev.rejected("events", "too_many_tracks"), 1u);
}

TEST(LogLimiterTest, OneLinePerPeriodAndKeyThenHowManyWereNotLogged) {
  auto now = std::chrono::steady_clock::time_point{};
  LogLimiter limiter(1000ms, [&] { return now; });
  uint64_t suppressed = 99;
  EXPECT_TRUE(limiter.allow("in/malformed", &suppressed));
  EXPECT_EQ(suppressed, 0u);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(limiter.allow("in/malformed", &suppressed));
  EXPECT_TRUE(limiter.allow("in/repeat", &suppressed)) << "each key its own window";
  now += 1000ms;
  EXPECT_TRUE(limiter.allow("in/malformed", &suppressed));
  EXPECT_EQ(suppressed, 1000u);
  EXPECT_FALSE(limiter.allow("in/malformed", &suppressed));
}

TEST_F(DeviceTest, AStopEndsTheLoopAndDrainHandlesWhatIsQueued) {
  Device dev("test", options_, "127.0.0.1", 0, {}, kPlain);
  dev.open("in", zmq::socket_type::pull, Method::kBind, "tcp://127.0.0.1:*");
  int handled = 0;
  dev.on<v1::Heartbeat>("in", transport::kTopicHeartbeat, [&](v1::Heartbeat&) { ++handled; });
  dev.every(0ms, [] { runtime::request_stop(); });
  dev.run(10ms);  // returns: the task asked for a stop
  EXPECT_FALSE(dev.run_until([] { return false; })) << "a stopped device does not turn";
  auto push = transport::make_socket(peer_ctx_, zmq::socket_type::push);
  push.connect(dev.endpoint("in"));
  for (int i = 0; i < 5; ++i) transport::send(push, transport::kTopicHeartbeat, beat(i), true);
  std::this_thread::sleep_for(200ms);
  dev.drain("in");
  EXPECT_EQ(handled, 5);
}

}  // namespace
}  // namespace l1t::device
