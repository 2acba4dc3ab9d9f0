// l1t-chain --capture records a whole chain run; l1t-chain --replay plays that file through a
// fresh chain in the emulator's place: every captured event is decided again, and the frozen
// model (the same starting weights) scores every level exactly as in the original run.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "common/capture/capture_reader.h"
#include "common/transport/envelope.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

using namespace std::chrono_literals;

// Runs l1t-chain on free ports with a small, quick scenario; returns its exit code.
std::optional<int> run_chain(const std::string& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> argv{testing::binary("l1t-chain"),
                                "--config",
                                testing::default_config(),
                                "--ephemeral-ports",
                                "--work-dir",
                                dir + "/work",
                                "--summary-json",
                                dir + "/summary.json",
                                "--timeout",
                                "60"};
  for (const char* o : {"trainer.pretrain_events=100", "trainer.pretrain_epochs=2",
                        "degradation.events_per_level=20", "degradation.smear_levels=[0.0, 0.1]",
                        "emulator.rate_hz=0", "ceiling.enabled=false"}) {
    argv.insert(argv.end(), {"--set", o});
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  runtime::ChildProcess chain;
  std::string error;
  EXPECT_TRUE(chain.start(argv, dir + "/chain.log", &error)) << error;
  return chain.wait_for(90s);
}

nlohmann::json summary(const std::string& dir) {
  nlohmann::json s;
  EXPECT_TRUE(runtime::read_json_file(dir + "/summary.json", &s)) << "no summary in " << dir;
  return s;
}

TEST(ChainReplayTest, AReplayedRunIsDecidedAgainAndScoredAsTheOriginal) {
  const std::string first = testing::temp_dir("chain-capture");
  const std::string file = first + "/run.l1tcap";
  ASSERT_EQ(run_chain(first, {"--capture", file}), std::optional<int>(0)) << "log in " << first;
  const nlohmann::json original = summary(first);
  ASSERT_EQ(original["events_generated"], 40) << original.dump();
  const nlohmann::json captured = original["processes"]["capture"];
  EXPECT_EQ(captured["events"], 40) << captured.dump();
  EXPECT_EQ(captured["truth"], 40) << captured.dump();
  capture::CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.open(file, &error)) << error;
  std::string topic, payload;
  uint64_t records = 0;
  while (reader.next(&topic, &payload)) ++records;
  EXPECT_EQ(records, 80u);
  EXPECT_EQ(reader.records_skipped(), 0u);

  const std::string second = testing::temp_dir("chain-replay");
  ASSERT_EQ(run_chain(second, {"--replay", file}), std::optional<int>(0)) << "log in " << second;
  const nlohmann::json replayed = summary(second);
  EXPECT_EQ(replayed["processes"]["emulator"]["process"], "replay");
  EXPECT_EQ(replayed["events_generated"], 40);
  EXPECT_EQ(replayed["events_decided"], 40);
  EXPECT_EQ(replayed["processes"]["inference"]["event_sequence_gaps"], 0);
  // Restamped: the latency is this run's (well under a second), not the time since the capture.
  EXPECT_LT(replayed["decision_latency_p99_s"].get<double>(), 5.0);
  ASSERT_EQ(replayed["levels"].size(), original["levels"].size());
  ASSERT_EQ(replayed["levels"].size(), 2u);
  for (size_t l = 0; l < replayed["levels"].size(); ++l) {
    SCOPED_TRACE("level " + std::to_string(l));
    const auto &a = original["levels"][l], &b = replayed["levels"][l];
    EXPECT_EQ(a["events"], b["events"]);
    EXPECT_EQ(a["degradation"], b["degradation"]);
    EXPECT_EQ(a["accuracy_frozen"], b["accuracy_frozen"]);
    EXPECT_EQ(a["auc_frozen"], b["auc_frozen"]);
  }
}

TEST(ChainReplayTest, ABadReplayFileStopsTheChainBeforeAnyProcessStarts) {
  const std::string dir = testing::temp_dir("chain-replay-bad");
  std::ofstream(dir + "/junk.l1tcap") << "L1TCAP\nbut not really";
  EXPECT_EQ(run_chain(dir, {"--replay", dir + "/junk.l1tcap"}), std::optional<int>(2));
  std::ifstream in(dir + "/chain.log");
  const std::string log((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(log.find(dir + "/junk.l1tcap"), std::string::npos) << log;
  EXPECT_EQ(log.find("trainer ready"), std::string::npos) << log;
}

}  // namespace
}  // namespace l1t
