// Capturing a real emulator's stream with l1t-capture and playing it back with l1t-replay, all as
// real processes on loopback: the file holds every event and truth of the run, the replay is
// byte-identical and in order, a real inference node decides every replayed event, and a damaged
// record is logged, counted and skipped while the rest is played.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <thread>

#include "common/capture/capture_reader.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/quantise.h"
#include "common/transport/envelope.h"
#include "common/transport/model_codec.h"
#include "common/transport/socket.h"
#include "tests/support/http_get.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

using namespace std::chrono_literals;
using Record = std::pair<std::string, std::string>;

constexpr int kLevels = 3;
constexpr int kEventsPerLevel = 20;
constexpr int kEvents = kLevels * kEventsPerLevel;

std::string log_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Starts l1t-<name> with the default config, extra arguments and --set overrides, and waits
// for its ready file.
void start(runtime::ChildProcess& child, const std::string& name, const std::string& dir,
           const std::vector<std::string>& args, const std::vector<std::string>& overrides,
           nlohmann::json* ready) {
  const std::string ready_file = dir + "/" + name + ".ready.json";
  std::vector<std::string> argv{testing::binary("l1t-" + name),
                                "--config",
                                testing::default_config(),
                                "--ready-file",
                                ready_file,
                                "--stats-json",
                                dir + "/" + name + ".stats.json"};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const auto& o : overrides) argv.insert(argv.end(), {"--set", o});
  std::string error;
  ASSERT_TRUE(child.start(argv, dir + "/" + name + ".log", &error)) << error;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (runtime::read_json_file(ready_file, ready)) return;
    ASSERT_TRUE(child.running()) << name
                                 << " exited early: " << log_text(dir + "/" + name + ".log");
    std::this_thread::sleep_for(20ms);
  }
  FAIL() << name << " never became ready; log in " << dir;
}

nlohmann::json stats(const std::string& dir, const std::string& name) {
  nlohmann::json s;
  runtime::read_json_file(dir + "/" + name + ".stats.json", &s);
  return s;
}

std::vector<Record> read_capture(const std::string& path, capture::CaptureReader* reader) {
  std::string error;
  EXPECT_TRUE(reader->open(path, &error)) << error;
  std::vector<Record> out;
  std::string topic, payload;
  while (reader->next(&topic, &payload)) out.emplace_back(topic, payload);
  return out;
}

// Subscribes to a replay's truth endpoint (so it starts) and collects what it publishes until
// its end-of-run heartbeat; events pushed on the PUSH side are collected as well.
struct ReplayListener {
  zmq::context_t ctx{1};
  zmq::socket_t sub{transport::make_socket(ctx, zmq::socket_type::sub)};
  zmq::socket_t pull{transport::make_socket(ctx, zmq::socket_type::pull)};
  std::vector<Record> published;
  std::vector<std::string> pushed;
  bool ended = false;

  explicit ReplayListener(const nlohmann::json& ready, bool with_pull = true) {
    for (auto t : {transport::kTopicEvent, transport::kTopicTruth, transport::kTopicHeartbeat}) {
      sub.set(zmq::sockopt::subscribe, t);
    }
    // As a monitor and an inference node would.
    testing::secure_client(sub, "monitor", "truth");
    testing::secure_client(pull, "inference", "events");
    sub.connect(ready["endpoints"]["truth"].get<std::string>());
    if (with_pull) pull.connect(ready["endpoints"]["events"].get<std::string>());
  }
  void collect(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!ended && std::chrono::steady_clock::now() < deadline) {
      bool any = false;
      while (auto m = transport::receive(pull)) {
        pushed.emplace_back(std::string(m->payload_view()));
        any = true;
      }
      while (auto m = transport::receive(sub)) {
        any = true;
        if (m->topic == transport::kTopicHeartbeat) {
          ended = true;
        } else {
          published.emplace_back(m->topic, std::string(m->payload_view()));
        }
      }
      if (!any) std::this_thread::sleep_for(1ms);
    }
    while (auto m = transport::receive(pull)) pushed.emplace_back(std::string(m->payload_view()));
  }
};

class CaptureReplayTest : public ::testing::Test {
 protected:
  // One real emulator run, captured once for every test of the suite.
  static void SetUpTestSuite() {
    dir_ = testing::temp_dir("capture-replay");
    file_ = dir_ + "/run.l1tcap";
    runtime::ChildProcess emulator, tap;
    nlohmann::json emulator_ready, tap_ready;
    start(emulator, "emulator", dir_, {},
          {"endpoints.events=tcp://127.0.0.1:*", "endpoints.truth=tcp://127.0.0.1:*",
           "metrics.emulator=0", "emulator.rate_hz=0", "emulator.min_subscribers=1",
           "degradation.events_per_level=" + std::to_string(kEventsPerLevel),
           "degradation.smear_levels=[0.0, 0.05, 0.10]"},
          &emulator_ready);
    if (::testing::Test::HasFatalFailure()) return;
    // The unpaced emulator waits on its PUSH side: this test takes the events there.
    zmq::context_t ctx(1);
    auto pull = transport::make_socket(ctx, zmq::socket_type::pull);
    testing::secure_client(pull, "inference", "events");
    pull.connect(emulator_ready["endpoints"]["events"].get<std::string>());
    start(tap, "capture", dir_, {"--out", file_},
          {"endpoints.truth=" + emulator_ready["endpoints"]["truth"].get<std::string>()},
          &tap_ready);
    if (::testing::Test::HasFatalFailure()) return;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while ((tap.running() || emulator.running()) && std::chrono::steady_clock::now() < deadline) {
      while (transport::receive(pull)) ++pulled_;
      std::this_thread::sleep_for(5ms);
    }
    emulator_exit_ = emulator.wait_for(1s);
    capture_exit_ = tap.wait_for(1s);
  }

  static inline std::string dir_, file_;
  static inline int pulled_ = 0;
  static inline std::optional<int> emulator_exit_, capture_exit_;
};

TEST_F(CaptureReplayTest, CaptureHoldsEveryEventAndTruthOfTheRun) {
  ASSERT_EQ(emulator_exit_, std::optional<int>(0)) << log_text(dir_ + "/emulator.log");
  ASSERT_EQ(capture_exit_, std::optional<int>(0)) << log_text(dir_ + "/capture.log");
  const nlohmann::json emu = stats(dir_, "emulator"), cap = stats(dir_, "capture");
  ASSERT_EQ(emu["events_generated"], kEvents) << emu.dump();
  EXPECT_EQ(emu["pub_dropped"], 0);
  EXPECT_EQ(cap["events"], emu["events_generated"]) << cap.dump();
  EXPECT_EQ(cap["truth"], emu["events_generated"]) << cap.dump();
  EXPECT_EQ(cap["events_announced"], emu["events_generated"]) << cap.dump();
  EXPECT_EQ(cap["ended_by"], "emulator finished");
  EXPECT_EQ(cap["bytes"], std::filesystem::file_size(file_));

  capture::CaptureReader reader;
  const auto records = read_capture(file_, &reader);
  EXPECT_EQ(reader.source()["tool"], "l1t-capture");
  EXPECT_EQ(reader.source()["seed"], 1);
  EXPECT_EQ(reader.records_skipped(), 0u);
  EXPECT_FALSE(reader.truncated());
  ASSERT_EQ(records.size(), 2u * kEvents);
  EXPECT_EQ(cap["records"], records.size());
  // In the emulator's order: each event, then its truth; ids 1..N; the smear steps up per level.
  for (size_t i = 0; i < records.size(); ++i) {
    const uint64_t id = i / 2 + 1;
    if (i % 2 == 0) {
      v1::Event e;
      ASSERT_EQ(transport::decode(records[i].first, transport::kTopicEvent, records[i].second, &e),
                transport::Reject::kOk);
      EXPECT_EQ(e.event_id(), id);
      EXPECT_EQ(e.degradation().level(), (id - 1) / kEventsPerLevel);
      EXPECT_GT(e.n_tracks(), 0u);
    } else {
      v1::Truth t;
      ASSERT_EQ(transport::decode(records[i].first, transport::kTopicTruth, records[i].second, &t),
                transport::Reject::kOk);
      EXPECT_EQ(t.event_id(), id);
    }
  }
}

TEST_F(CaptureReplayTest, ReplayIsByteIdenticalAndInOrder) {
  ASSERT_EQ(capture_exit_, std::optional<int>(0));
  capture::CaptureReader reader;
  const auto records = read_capture(file_, &reader);
  const std::string dir = testing::temp_dir("replay-identical");
  runtime::ChildProcess replay;
  nlohmann::json ready;
  start(replay, "replay", dir, {"--in", file_},
        {"endpoints.events=tcp://127.0.0.1:*", "endpoints.truth=tcp://127.0.0.1:*",
         "metrics.emulator=0", "emulator.rate_hz=0", "emulator.min_subscribers=1"},
        &ready);
  if (HasFatalFailure()) return;
  EXPECT_EQ(ready["process"], "replay");
  ReplayListener listener(ready);
  listener.collect(20s);
  EXPECT_TRUE(listener.ended) << "no end-of-run heartbeat; log in " << dir;
  EXPECT_EQ(listener.published, records);  // topics and bytes, in order
  std::vector<std::string> events;
  for (const auto& [topic, payload] : records) {
    if (topic == transport::kTopicEvent) events.push_back(payload);
  }
  EXPECT_EQ(listener.pushed, events);
  EXPECT_EQ(replay.wait_for(10s), std::optional<int>(0)) << log_text(dir + "/replay.log");
  const auto s = stats(dir, "replay");
  EXPECT_EQ(s["events_replayed"], kEvents) << s.dump();
  EXPECT_EQ(s["truth_replayed"], kEvents) << s.dump();
  EXPECT_EQ(s["records_skipped"], 0);
}

// Later --loop passes continue sequences and event ids instead of repeating them.
TEST_F(CaptureReplayTest, LoopedReplayContinuesSequencesAndEventIds) {
  ASSERT_EQ(capture_exit_, std::optional<int>(0));
  const std::string dir = testing::temp_dir("replay-loop");
  runtime::ChildProcess replay;
  nlohmann::json ready;
  start(replay, "replay", dir, {"--in", file_, "--loop", "2"},
        {"endpoints.events=tcp://127.0.0.1:*", "endpoints.truth=tcp://127.0.0.1:*",
         "metrics.emulator=0", "emulator.rate_hz=0", "emulator.min_subscribers=1"},
        &ready);
  if (HasFatalFailure()) return;
  ReplayListener listener(ready);
  listener.collect(20s);
  ASSERT_EQ(listener.published.size(), 4u * kEvents);
  transport::SequenceTracker sequences;
  for (size_t i = 0; i < listener.published.size(); i += 2) {
    v1::Event e;
    ASSERT_TRUE(e.ParseFromString(listener.published[i].second));
    EXPECT_EQ(e.event_id(), i / 2 + 1);
    EXPECT_EQ(e.header().sequence(), i / 2 + 1);
    sequences.observe(e.header().sequence());
  }
  EXPECT_EQ(sequences.missed(), 0u);
  EXPECT_EQ(replay.wait_for(10s), std::optional<int>(0));
  EXPECT_EQ(stats(dir, "replay")["passes"], 2);
}

v1::ModelUpdate model_update(uint64_t version) {
  nn::QuantisationConfig q;  // the deployed precision, ap_fixed<16,6> throughout
  q.input = {16, 6};
  q.layer.weight = q.layer.bias = q.layer.accum = q.layer.result = q.layer.activation_result =
      q.input;
  v1::ModelUpdate u;
  transport::HeaderStamper("test-trainer").stamp(u.mutable_header());
  transport::encode_model(nn::quantise(nn::FloatMlp({5, 25, 30, 1}, 7), q), &u);
  u.set_version(version);
  return u;
}

TEST_F(CaptureReplayTest, ARealInferenceNodeDecidesEveryReplayedEvent) {
  ASSERT_EQ(capture_exit_, std::optional<int>(0));
  const std::string dir = testing::temp_dir("replay-inference");
  zmq::context_t ctx(1);
  auto weights = transport::make_publisher(ctx);
  auto router = transport::make_socket(ctx, zmq::socket_type::router);
  auto decisions = transport::make_socket(ctx, zmq::socket_type::sub);
  decisions.set(zmq::sockopt::subscribe, transport::kTopicDecision);
  testing::secure_server(weights, "trainer", "weights");
  testing::secure_server(router, "trainer", "control");
  testing::secure_server(decisions, "monitor", "decisions");
  const auto weights_ep = transport::bind(weights, "tcp://127.0.0.1:*");
  const auto snapshot_ep = transport::bind(router, "tcp://127.0.0.1:*");
  const auto decisions_ep = transport::bind(decisions, "tcp://127.0.0.1:*");
  // Plays the trainer's snapshot service: every request gets weights v1.
  std::atomic<bool> stop{false};
  std::thread snapshots([&] {
    const v1::ModelUpdate update = model_update(1);
    while (!stop) {
      auto msg = transport::receive(router, true);
      if (!msg) {
        std::this_thread::sleep_for(5ms);
        continue;
      }
      router.send(*msg->routing_id, zmq::send_flags::sndmore);
      transport::send(router, transport::kTopicSnapshot, update, true);
    }
  });
  runtime::ChildProcess replay, node;
  nlohmann::json replay_ready, node_ready;
  start(replay, "replay", dir, {"--in", file_},
        {"endpoints.events=tcp://127.0.0.1:*", "endpoints.truth=tcp://127.0.0.1:*",
         "metrics.emulator=0", "emulator.rate_hz=0", "emulator.min_subscribers=1"},
        &replay_ready);
  if (!HasFatalFailure()) {
    start(node, "inference", dir, {},
          {"endpoints.events=" + replay_ready["endpoints"]["events"].get<std::string>(),
           "endpoints.weights=" + weights_ep, "endpoints.control=" + snapshot_ep,
           "endpoints.decisions=" + decisions_ep, "metrics.inference=0",
           "inference.min_subscribers=1"},
          &node_ready);
  }
  stop = true;
  snapshots.join();
  if (HasFatalFailure()) return;

  // Subscribing to the replay's truth starts it (emulator.min_subscribers=1).
  ReplayListener listener(replay_ready, /*with_pull=*/false);
  std::set<uint64_t> decided;
  v1::Decision d;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (decided.size() < kEvents && std::chrono::steady_clock::now() < deadline) {
    auto msg = transport::receive(decisions);
    if (!msg) {
      std::this_thread::sleep_for(2ms);
      continue;
    }
    ASSERT_EQ(transport::decode(msg->topic, transport::kTopicDecision, msg->payload_view(), &d),
              transport::Reject::kOk);
    decided.insert(d.event_id());
    EXPECT_EQ(d.model_version(), 1u);
  }
  EXPECT_EQ(decided.size(), static_cast<size_t>(kEvents)) << "log in " << dir;
  EXPECT_EQ(*decided.begin(), 1u);
  EXPECT_EQ(*decided.rbegin(), static_cast<uint64_t>(kEvents));
  EXPECT_EQ(replay.wait_for(10s), std::optional<int>(0)) << log_text(dir + "/replay.log");
  EXPECT_EQ(node.stop(10s), 0);
  const auto s = stats(dir, "inference");
  EXPECT_EQ(s["events_decided"], kEvents) << s.dump();
  EXPECT_EQ(s["messages_rejected"], 0) << s.dump();
  EXPECT_EQ(s["event_sequence_gaps"], 0) << s.dump();
}

TEST_F(CaptureReplayTest, ADamagedRecordIsLoggedCountedAndSkipped) {
  ASSERT_EQ(capture_exit_, std::optional<int>(0));
  capture::CaptureReader reader;
  const auto records = read_capture(file_, &reader);
  ASSERT_EQ(records.size(), 2u * kEvents);
  // Flip one byte in the middle of the payload of record 11 (an event).
  std::ifstream in(file_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const size_t bad = 10;
  size_t offset = bytes.size();
  for (size_t i = records.size(); i-- > bad;) {
    offset -= 4 + 1 + records[i].first.size() + 4 + records[i].second.size() + 4;
  }
  const size_t payload_at = offset + 4 + 1 + records[bad].first.size() + 4;
  bytes[payload_at + records[bad].second.size() / 2] ^= 0x10;
  const std::string dir = testing::temp_dir("replay-damaged");
  const std::string damaged = dir + "/damaged.l1tcap";
  std::ofstream(damaged, std::ios::binary) << bytes;

  runtime::ChildProcess replay;
  nlohmann::json ready;
  start(replay, "replay", dir, {"--in", damaged},
        {"endpoints.events=tcp://127.0.0.1:*", "endpoints.truth=tcp://127.0.0.1:*",
         "metrics.emulator=0", "emulator.rate_hz=0", "emulator.min_subscribers=1"},
        &ready);
  if (HasFatalFailure()) return;
  ReplayListener listener(ready);
  listener.collect(20s);
  auto expected = records;
  expected.erase(expected.begin() + bad);
  EXPECT_EQ(listener.published, expected);
  EXPECT_EQ(listener.pushed.size(), static_cast<size_t>(kEvents - 1));
  EXPECT_EQ(replay.wait_for(10s), std::optional<int>(0));
  const auto s = stats(dir, "replay");
  EXPECT_EQ(s["records_skipped"], 1) << s.dump();
  EXPECT_EQ(s["events_replayed"], kEvents - 1) << s.dump();
  const std::string log = log_text(dir + "/replay.log");
  EXPECT_NE(log.find("record " + std::to_string(bad + 1) + " at byte offset " +
                     std::to_string(offset) + ": checksum mismatch"),
            std::string::npos)
      << log;
}

// l1t-capture --events N on a replay: the first N events and their truth, then a clean exit.
TEST_F(CaptureReplayTest, CaptureStopsAfterTheRequestedEvents) {
  ASSERT_EQ(capture_exit_, std::optional<int>(0));
  capture::CaptureReader reader;
  const auto records = read_capture(file_, &reader);
  const std::string dir = testing::temp_dir("capture-events");
  runtime::ChildProcess replay, tap;
  nlohmann::json replay_ready, tap_ready;
  start(replay, "replay", dir, {"--in", file_},
        {"endpoints.events=tcp://127.0.0.1:*", "endpoints.truth=tcp://127.0.0.1:*",
         "metrics.emulator=0", "emulator.rate_hz=0", "emulator.min_subscribers=1"},
        &replay_ready);
  if (HasFatalFailure()) return;
  zmq::context_t ctx(1);
  auto pull = transport::make_socket(ctx, zmq::socket_type::pull);
  testing::secure_client(pull, "inference", "events");
  pull.connect(replay_ready["endpoints"]["events"].get<std::string>());
  start(tap, "capture", dir, {"--out", dir + "/first.l1tcap", "--events", "10"},
        {"endpoints.truth=" + replay_ready["endpoints"]["truth"].get<std::string>()}, &tap_ready);
  if (HasFatalFailure()) return;
  for (int i = 0; i < 2000 && (tap.running() || replay.running()); ++i) {
    while (transport::receive(pull)) {
    }
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(tap.exit_code(), std::optional<int>(0));
  EXPECT_EQ(replay.exit_code(), std::optional<int>(0));
  const auto s = stats(dir, "capture");
  EXPECT_EQ(s["events"], 10) << s.dump();
  EXPECT_EQ(s["ended_by"], "--events") << s.dump();
  capture::CaptureReader first;
  EXPECT_EQ(read_capture(dir + "/first.l1tcap", &first),
            std::vector<Record>(records.begin(), records.begin() + 20));
}

// SIGTERM with nothing received: exit 0, a complete (empty) capture, clean metrics.
TEST(CaptureReplayToolsTest, CaptureStopsCleanlyOnSigterm) {
  const std::string dir = testing::temp_dir("capture-sigterm");
  runtime::ChildProcess tap;
  nlohmann::json ready;
  start(tap, "capture", dir, {"--out", dir + "/none.l1tcap"}, {"endpoints.truth=tcp://127.0.0.1:1"},
        &ready);
  if (::testing::Test::HasFatalFailure()) return;
  const auto text = testing::http_get(ready["metrics_port"].get<int>(), "/metrics");
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(testing::metric_value(*text, "l1t_capture_records_total"), 0) << *text;
  EXPECT_NE(text->find("l1t_capture_bytes_total"), std::string::npos) << *text;
  std::ofstream(dir + "/metrics.txt") << *text;
  EXPECT_EQ(std::system(
                ("promtool check metrics < " + dir + "/metrics.txt > " + dir + "/promtool.out 2>&1")
                    .c_str()),
            0)
      << log_text(dir + "/promtool.out");
  EXPECT_EQ(tap.stop(10s), 0);
  EXPECT_EQ(stats(dir, "capture")["ended_by"], "signal");
  capture::CaptureReader reader;
  EXPECT_TRUE(read_capture(dir + "/none.l1tcap", &reader).empty());
  EXPECT_FALSE(reader.truncated());
}

TEST(CaptureReplayToolsTest, ABadCaptureFileStopsReplayNamingTheFile) {
  const std::string dir = testing::temp_dir("replay-not-capture");
  std::ofstream(dir + "/junk.l1tcap") << "this is not a capture";
  runtime::ChildProcess replay;
  std::string error;
  ASSERT_TRUE(replay.start({testing::binary("l1t-replay"), "--config", testing::default_config(),
                            "--in", dir + "/junk.l1tcap"},
                           dir + "/replay.log", &error))
      << error;
  EXPECT_EQ(replay.wait_for(10s), std::optional<int>(2));
  const std::string log = log_text(dir + "/replay.log");
  EXPECT_NE(log.find(dir + "/junk.l1tcap is not a capture file"), std::string::npos) << log;
}

TEST(CaptureReplayToolsTest, AnUnwritableOutputStopsCaptureNamingTheFile) {
  const std::string dir = testing::temp_dir("capture-unwritable");
  runtime::ChildProcess tap;
  std::string error;
  ASSERT_TRUE(tap.start({testing::binary("l1t-capture"), "--config", testing::default_config(),
                         "--out", dir + "/missing/dir/run.l1tcap"},
                        dir + "/capture.log", &error))
      << error;
  EXPECT_EQ(tap.wait_for(10s), std::optional<int>(2));
  const std::string log = log_text(dir + "/capture.log");
  EXPECT_NE(log.find(dir + "/missing/dir/run.l1tcap"), std::string::npos) << log;
}

}  // namespace
}  // namespace l1t
