// The real l1t-emulator with a scripted `timeline:`: every event on the wire carries the time
// model's run, fill, lumisection, integrated luminosity and pile-up, and the timeline's
// degradation (a step in bad_strips), and the run has the timeline's length.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "common/config/scenario.h"
#include "common/physics/time_model.h"
#include "common/transport/envelope.h"
#include "common/transport/socket.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

// 5 events per lumisection, 2 lumisections per run, 2 runs per fill: 20 events a fill. Pile-up
// is levelled for 2 lumisections, then decays fast, so it changes within a fill.
constexpr const char* kTimeline = R"(name: tiny-timeline
timeline:
  time:
    events_per_lumisection: 5
    lumisections_per_run: 2
    runs_per_fill: 2
    first_run: 100
    first_fill: 7
    peak_pileup: 40
    levelled_lumisections: 2
    decay_lifetime_hours: 0.01
  duration: {fills: 2}
  degradations:
    - parameter: bad_strips
      schedule: {kind: step, axis: lumisection, at: 5, before: 0.0, after: 0.1}
)";

TEST(EmulatorTimelineTest, EveryEventCarriesTheTimelinesTimeAndDegradation) {
  const std::string dir = testing::temp_dir("emu-timeline");
  const std::string config = dir + "/tiny.yaml";
  std::ofstream(config) << kTimeline;
  config::Scenario scenario;
  std::string error;
  ASSERT_TRUE(config::load_scenario(config, {}, &scenario, &error)) << error;
  ASSERT_TRUE(scenario.timeline.has_value());
  const physics::TimeModel time(scenario.timeline->time);

  const std::string ready_file = dir + "/emulator.ready.json";
  runtime::ChildProcess child;
  ASSERT_TRUE(child.start(
      {testing::binary("l1t-emulator"), "--config", config, "--ready-file", ready_file,
       "--stats-json", dir + "/emulator.stats.json", "--set", "endpoints.events=tcp://127.0.0.1:*",
       "--set", "endpoints.truth=tcp://127.0.0.1:*", "--set", "metrics.emulator=0", "--set",
       "emulator.min_subscribers=1", "--set", "emulator.rate_hz=200", "--set",
       "security.keys_dir=" + testing::keys_dir()},
      dir + "/emulator.log", &error))
      << error;
  nlohmann::json ready;
  for (int i = 0; i < 3000 && !runtime::read_json_file(ready_file, &ready); ++i) {
    ASSERT_TRUE(child.running()) << "emulator exited early; log in " << dir;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(ready.contains("endpoints")) << "never ready; log in " << dir;

  zmq::context_t ctx(1);
  auto sub = transport::make_socket(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::subscribe, std::string(transport::kTopicEvent));
  sub.set(zmq::sockopt::subscribe, std::string(transport::kTopicTruth));
  testing::secure_client(sub, "monitor", "truth");
  sub.connect(ready["endpoints"]["truth"].get<std::string>());

  std::vector<v1::Event> events;
  int truths = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (events.size() < 40 && std::chrono::steady_clock::now() < deadline) {
    auto m = transport::receive(sub);
    if (!m) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    if (m->topic == transport::kTopicTruth) {
      v1::Truth t;
      ASSERT_EQ(transport::decode(m->topic, transport::kTopicTruth, m->payload_view(), &t),
                transport::Reject::kOk);
      EXPECT_EQ(t.degradation().bad_strip_fraction(), t.event_id() > 25 ? 0.1 : 0.0);
      ++truths;
      continue;
    }
    v1::Event e;
    ASSERT_EQ(transport::decode(m->topic, transport::kTopicEvent, m->payload_view(), &e),
              transport::Reject::kOk);
    events.push_back(e);
  }
  ASSERT_EQ(events.size(), 40u) << "log in " << dir;
  EXPECT_GE(truths, 39);

  for (const v1::Event& e : events) {
    const uint64_t i = e.event_id() - 1;
    SCOPED_TRACE("event " + std::to_string(i));
    const uint64_t ls = i / 5;  // lumisection index since the start
    EXPECT_EQ(e.fill(), 7 + ls / 4);
    EXPECT_EQ(e.run(), 100 + ls / 2);
    EXPECT_EQ(e.lumisection(), 1 + ls % 2);
    const physics::TimePoint t = time.at(i);
    EXPECT_DOUBLE_EQ(e.integrated_lumi_pb(), t.integrated_lumi_pb);
    if (i > 0) {
      EXPECT_GT(e.integrated_lumi_pb(), 0);
    }
    EXPECT_DOUBLE_EQ(e.pileup_mean(), t.pileup_mean);
    // Levelled for the first 2 lumisections of each fill, then decaying.
    if (ls % 4 < 2) {
      EXPECT_DOUBLE_EQ(e.pileup_mean(), 40);
    } else {
      EXPECT_LT(e.pileup_mean(), 40);
    }
    // The step at lumisection 5 (event 25) is a new level.
    EXPECT_EQ(e.degradation().bad_strip_fraction(), ls >= 5 ? 0.1 : 0.0);
    EXPECT_EQ(e.degradation().level(), ls >= 5 ? 1u : 0u);
    EXPECT_EQ(e.degradation().smear(), 0.0);
  }
  for (size_t k = 1; k < events.size(); ++k) {
    EXPECT_GE(events[k].integrated_lumi_pb(), events[k - 1].integrated_lumi_pb());
  }

  for (int i = 0; i < 1500 && child.running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(child.exit_code(), std::optional<int>(0)) << "log in " << dir;
  nlohmann::json stats;
  ASSERT_TRUE(runtime::read_json_file(dir + "/emulator.stats.json", &stats));
  EXPECT_EQ(stats["events_generated"], 40);  // the timeline's length, not the staircase's
}

TEST(EmulatorTimelineTest, ABadTimelineStopsTheEmulatorNamingTheKey) {
  const std::string dir = testing::temp_dir("emu-timeline-bad");
  runtime::ChildProcess child;
  std::string error;
  ASSERT_TRUE(child.start({testing::binary("l1t-emulator"), "--config", testing::default_config(),
                           "--set", "timeline.duration.events=10", "--set",
                           "timeline.degradations=[{parameter: bad_strips, schedule: {kind: "
                           "constant, value: 2}}]",
                           "--describe", "--events", "1"},
                          dir + "/emulator.log", &error))
      << error;
  for (int i = 0; i < 1500 && child.running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(child.exit_code(), std::optional<int>(2));
  std::ifstream log(dir + "/emulator.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("timeline.degradations[0]"), std::string::npos) << text;
}

}  // namespace
}  // namespace l1t
