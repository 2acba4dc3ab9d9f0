#include "common/device/device.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/runtime/signals.h"

namespace l1t::device {
namespace {

using namespace std::chrono_literals;

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
  Device dev("test", options_, "127.0.0.1", 0);
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
    Device dev("test", options_, "127.0.0.1", 0);
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
  Device dev("test", options_, "127.0.0.1", 0);
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

TEST_F(DeviceTest, AStopEndsTheLoopAndDrainHandlesWhatIsQueued) {
  Device dev("test", options_, "127.0.0.1", 0);
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
