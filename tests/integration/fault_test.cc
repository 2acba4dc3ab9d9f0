// Faults under load: l1t-chain --restart on real processes, each one killed with SIGKILL in the
// middle of its work (at a fault point, runtime::fault_point, or from outside at a moment the
// test picks) and started again. The chain goes on to the end of the run; what was lost is
// counted from the event ids and the labeller's draws (faults in the summary), exactly: a clean
// run loses nothing by the same count; no node's model version goes back; the trainer's
// checkpoint and the capture file are readable after the kill.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "common/capture/capture_reader.h"
#include "common/runtime/fault_point.h"
#include "services/trainer/trainer_checkpoint.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

using nlohmann::json;

// About 7 s of events at 1 kHz: long enough for several weight versions and a restart inside.
const std::vector<std::string> kScenario = {"degradation.events_per_level=600",
                                            "emulator.rate_hz=1000", "ceiling.enabled=false"};

struct ChainRun {
  std::string dir;
  json summary;
  int code = -1;
};

// l1t-chain on the default scenario, ephemeral ports, with these extra arguments. during, if
// given, runs while the chain does (the outside killer).
ChainRun run_chain(const std::string& tag, const std::vector<std::string>& extra,
                   const std::function<void(const std::string& dir)>& during = {}) {
  ChainRun r;
  r.dir = testing::temp_dir(tag);
  const std::string summary_path = r.dir + "/summary.json";
  std::vector<std::string> args = {testing::binary("l1t-chain"),
                                   "--config",
                                   testing::default_config(),
                                   "--ephemeral-ports",
                                   "--work-dir",
                                   r.dir,
                                   "--summary-json",
                                   summary_path,
                                   "--timeout",
                                   "300"};
  for (const auto& s : kScenario) args.insert(args.end(), {"--set", s});
  args.insert(args.end(), extra.begin(), extra.end());
  runtime::ChildProcess chain;
  std::string error;
  EXPECT_TRUE(chain.start(args, r.dir + "/chain.log", &error)) << error;
  if (during) during(r.dir);
  const auto code = chain.wait_for(std::chrono::seconds(400));
  EXPECT_TRUE(code.has_value()) << "l1t-chain did not finish; log in " << r.dir;
  r.code = code.value_or(-1);
  runtime::read_json_file(summary_path, &r.summary);
  return r;
}

uint64_t u(const json& j, const char* key) { return j.at(key).get<uint64_t>(); }

// What every run with --restart keeps, killed or not.
void expect_the_chain_went_on(const ChainRun& r) {
  ASSERT_EQ(r.code, 0) << "l1t-chain failed; log in " << r.dir;
  const json& f = r.summary.at("faults");
  EXPECT_TRUE(r.summary["ok"].get<bool>());
  // Every event of the plan was sent (a restarted emulator goes on after the last one seen).
  EXPECT_EQ(u(f, "events_planned"), 11u * 600u);
  EXPECT_EQ(u(f, "events_seen"), u(f, "events_planned"));
  EXPECT_EQ(u(f, "events_never_sent"), 0u);
  // Each event is decided or counted undecided, none twice.
  EXPECT_EQ(u(f, "events_undecided") + r.summary["events_joined"].get<uint64_t>(),
            u(f, "events_seen"));
  EXPECT_EQ(u(f, "label_rows_lost"), u(f, "label_rows_expected") - u(f, "label_rows_learnt"));
  EXPECT_GT(u(f, "label_rows_learnt"), 0u);
  // Versions never go back at any node, and the trainer kept publishing.
  EXPECT_EQ(u(f, "decision_versions_back"), 0u);
  EXPECT_GT(r.summary["model_versions_in_decisions"].size(), 1u);
}

// The one death of the run: process, SIGKILL, restarted (or not), back within seconds.
void expect_one_death(const ChainRun& r, const std::string& process, bool restarted) {
  const json& f = r.summary.at("faults");
  ASSERT_EQ(f["deaths"].size(), 1u) << f.dump(2);
  const json& d = f["deaths"][0];
  EXPECT_EQ(d["process"], process);
  EXPECT_EQ(d["exit_code"].get<int>(), 128 + SIGKILL);
  EXPECT_EQ(d["restarted"].get<bool>(), restarted);
  EXPECT_EQ(f["restarts"][process].get<int>(), restarted ? 1 : 0);
  if (restarted) {
    ASSERT_TRUE(d["down_s"].is_number()) << f.dump(2);
    EXPECT_LT(d["down_s"].get<double>(), 30.0);
  }
}

TEST(FaultTest, ACleanRunUnderTheSupervisorLosesNothingByTheSameCount) {
  const ChainRun r = run_chain("fault-clean", {"--restart"});
  ASSERT_NO_FATAL_FAILURE(expect_the_chain_went_on(r));
  const json& f = r.summary["faults"];
  EXPECT_TRUE(f["deaths"].empty());
  EXPECT_EQ(u(f, "events_undecided"), 0u);
  // The labeller's draws, redone from the truth alone, are exactly the rows the trainer took.
  EXPECT_EQ(u(f, "label_rows_lost"), 0u);
  EXPECT_EQ(u(f, "label_rows_expected"), u(f, "label_rows_learnt"));
  EXPECT_EQ(u(f, "duplicates_ignored"), 0u);
}

TEST(FaultTest, InferenceKilledDuringAWeightSwapComesBackOnTheCurrentWeights) {
  // The third swap: the first is the node's start, before it is ready.
  const ChainRun r = run_chain("fault-inference", {"--restart", "--kill-at", "inference.swap:3"});
  ASSERT_NO_FATAL_FAILURE(expect_the_chain_went_on(r));
  ASSERT_NO_FATAL_FAILURE(expect_one_death(r, "inference", true));
  const json& f = r.summary["faults"];
  // The events pushed to the dead node, and sent while it was down, are lost and counted.
  EXPECT_GT(u(f, "events_undecided"), 0u);
  EXPECT_LT(u(f, "events_undecided"), u(f, "events_planned") / 2);
  // Labels do not pass through the inference node: none lost.
  EXPECT_EQ(u(f, "label_rows_lost"), 0u);
}

TEST(FaultTest, LabellerKilledHoldingDelayedLabelsLosesOnlyThoseAndItsDownTime) {
  const ChainRun r = run_chain("fault-labeller", {"--restart", "--kill-at", "labeller.label:150"});
  ASSERT_NO_FATAL_FAILURE(expect_the_chain_went_on(r));
  ASSERT_NO_FATAL_FAILURE(expect_one_death(r, "labeller", true));
  const json& f = r.summary["faults"];
  EXPECT_GT(u(f, "label_rows_lost"), 0u);
  EXPECT_LT(u(f, "label_rows_lost"), u(f, "label_rows_expected") / 2);
  EXPECT_EQ(u(f, "events_undecided"), 0u);  // decisions do not pass through it
}

TEST(FaultTest, EmulatorKilledMidRunGoesOnAfterTheLastEventSeen) {
  const ChainRun r = run_chain("fault-emulator", {"--restart", "--kill-at", "emulator.event:2500"});
  ASSERT_NO_FATAL_FAILURE(expect_the_chain_went_on(r));
  ASSERT_NO_FATAL_FAILURE(expect_one_death(r, "emulator", true));
  const json& emulator = r.summary["processes"]["emulator"];
  EXPECT_GT(emulator["resumed_after"].get<uint64_t>(), 2000u);
  EXPECT_LE(emulator["resumed_after"].get<uint64_t>(), 2500u);
  EXPECT_EQ(r.summary["events_generated"].get<uint64_t>(), 11u * 600u);
}

TEST(FaultTest, TrainerKilledWritingACheckpointRestartsFromTheLastWholeOne) {
  const ChainRun r = run_chain("fault-trainer", {"--restart", "--kill-at", "trainer.checkpoint:4"});
  ASSERT_NO_FATAL_FAILURE(expect_the_chain_went_on(r));
  ASSERT_NO_FATAL_FAILURE(expect_one_death(r, "trainer", true));
  // The checkpoint on disk is whole, and above every version in service before the kill.
  trainer::TrainerCheckpoint c;
  std::string error;
  ASSERT_TRUE(trainer::read_checkpoint(r.dir + "/checkpoint/trainer.ckpt", &c, &error)) << error;
  const auto& versions = r.summary["model_versions_in_decisions"];
  uint64_t highest = 0;
  for (const auto& v : versions) highest = std::max(highest, v.get<uint64_t>());
  EXPECT_GE(c.version, highest);
  EXPECT_GT(r.summary["processes"]["trainer"]["model_versions_published"].get<uint64_t>(), 0u);
}

TEST(FaultTest, TrainerKilledFromOutsideAtARandomMomentGoesOnFromItsCheckpoint) {
  const ChainRun r = run_chain("fault-trainer-outside", {"--restart"}, [](const std::string& dir) {
    // Once it is ready, a moment into the run: the test's own SIGKILL, not a fault point.
    json ready;
    for (int i = 0; i < 600 && !runtime::read_json_file(dir + "/trainer.ready.json", &ready); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(ready.contains("pid")) << ready.dump();
    std::this_thread::sleep_for(std::chrono::milliseconds(4000));
    ASSERT_EQ(::kill(ready["pid"].get<pid_t>(), SIGKILL), 0);
  });
  ASSERT_NO_FATAL_FAILURE(expect_the_chain_went_on(r));
  ASSERT_NO_FATAL_FAILURE(expect_one_death(r, "trainer", true));
}

TEST(FaultTest, CaptureKilledMidRecordLeavesAReadableFileAndTheChainGoesOn) {
  const std::string dir = testing::temp_dir("fault-capture-file");
  const std::string file = dir + "/run.l1tcap";
  const ChainRun r = run_chain(
      "fault-capture", {"--restart", "--capture", file, "--kill-at", "capture.record:3001"});
  ASSERT_NO_FATAL_FAILURE(expect_the_chain_went_on(r));
  ASSERT_NO_FATAL_FAILURE(expect_one_death(r, "capture", false));
  capture::CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.open(file, &error)) << error;
  std::string topic, payload;
  uint64_t records = 0;
  while (reader.next(&topic, &payload)) ++records;
  // Whole records up to where the file ends (perhaps inside the last one): nothing damaged.
  EXPECT_EQ(reader.records_skipped(), 0u);
  EXPECT_GT(records, 0u);
  EXPECT_LE(records, 3001u);
}

// VmRSS of a process in kB, 0 when it is gone.
uint64_t rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

TEST(FaultTest, AStuckCaptureTapLosesItsOwnCopiesCountedAndNoOneElseLosesAnything) {
  const std::string dir = testing::temp_dir("fault-slow-file");
  uint64_t rss_before = 0, rss_peak = 0;
  // 22,000 events at 2 kHz; the tap is stopped (SIGSTOP) for 7 s, 28,000 messages, well past
  // the emulator's queue of 10,000 per subscriber.
  const ChainRun r = run_chain(
      "fault-slow",
      {"--restart", "--capture", dir + "/run.l1tcap", "--set", "degradation.events_per_level=2000",
       "--set", "emulator.rate_hz=2000"},
      [&](const std::string& work) {
        json capture, emulator;
        for (int i = 0;
             i < 600 && !(runtime::read_json_file(work + "/capture.ready.json", &capture) &&
                          runtime::read_json_file(work + "/emulator.ready.json", &emulator));
             ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ASSERT_TRUE(capture.contains("pid") && emulator.contains("pid"));
        const pid_t tap = capture["pid"].get<pid_t>(), source = emulator["pid"].get<pid_t>();
        std::this_thread::sleep_for(std::chrono::seconds(2));
        rss_before = rss_kb(source);
        ASSERT_EQ(::kill(tap, SIGSTOP), 0);
        for (int i = 0; i < 70; ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          rss_peak = std::max(rss_peak, rss_kb(source));
        }
        ASSERT_EQ(::kill(tap, SIGCONT), 0);
      });
  ASSERT_EQ(r.code, 0) << "l1t-chain failed; log in " << r.dir;
  const json& f = r.summary["faults"];
  EXPECT_TRUE(f["deaths"].empty()) << f.dump(2);
  // Everyone else had every message: no event undecided, no label lost.
  EXPECT_EQ(u(f, "events_seen"), 22000u);
  EXPECT_EQ(u(f, "events_undecided"), 0u);
  EXPECT_EQ(u(f, "label_rows_lost"), 0u);
  // The tap lost copies, and counts exactly how many from the sequence gaps.
  const json& c = r.summary["processes"]["capture"];
  EXPECT_GT(u(c, "sequence_missed"), 0u) << c.dump(2);
  EXPECT_EQ(u(c, "events") + u(c, "truth") + u(c, "sequence_missed"), 2u * 22000u) << c.dump(2);
  // The emulator's memory stays bounded by its queue while the tap is stuck.
  EXPECT_GT(rss_before, 0u);
  EXPECT_LT(rss_peak, rss_before + 150u * 1024u)
      << "emulator RSS " << rss_before << " kB before, " << rss_peak << " kB at the peak";
  std::printf("emulator RSS %llu kB before the stuck tap, %llu kB at the peak; tap missed %llu\n",
              static_cast<unsigned long long>(rss_before),
              static_cast<unsigned long long>(rss_peak),
              static_cast<unsigned long long>(u(c, "sequence_missed")));
}

// An inference node's PULL that takes every event and drops it, so that a paced emulator does
// not wait on a missing peer.
struct EventSink {
  explicit EventSink(const std::string& endpoint) {
    testing::secure_client(pull, "inference", "events");
    pull.set(zmq::sockopt::rcvtimeo, 50);
    pull.connect(endpoint);
    thread = std::thread([this] {
      zmq::message_t m;
      while (!stop) (void)pull.recv(m);
    });
  }
  ~EventSink() {
    stop = true;
    thread.join();
  }
  zmq::context_t ctx;
  zmq::socket_t pull{ctx, zmq::socket_type::pull};
  std::atomic<bool> stop{false};
  std::thread thread;
};

// Under compose no supervisor knows where the run was: the emulator's own progress file does.
TEST(FaultTest, AnEmulatorStartedAgainByItsRestartPolicyGoesOnFromItsProgressFile) {
  const std::string dir = testing::temp_dir("fault-progress");
  const std::string progress = dir + "/progress.json";
  // 4,400 events at 1 kHz, nobody listening (paced pushes without a peer drop, counted).
  const std::vector<std::string> sets = {
      "degradation.events_per_level=400",   "emulator.rate_hz=1000",
      "emulator.progress_file=" + progress, "endpoints.events=tcp://127.0.0.1:*",
      "endpoints.truth=tcp://127.0.0.1:*",  "metrics.emulator=0"};
  {
    ::setenv(runtime::kKillAtVariable, "emulator.event:2500", 1);
    testing::Service first("emulator");
    first.start(sets, dir);
    ::unsetenv(runtime::kKillAtVariable);
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    EventSink sink(first.endpoint("events"));
    const auto code = first.child.wait_for(std::chrono::seconds(60));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 128 + SIGKILL);
  }
  json p;
  ASSERT_TRUE(runtime::read_json_file(progress, &p));
  const uint64_t sent = p["events_sent"].get<uint64_t>();
  EXPECT_GE(sent, 1000u);  // written once a second
  EXPECT_LE(sent, 2500u);
  EXPECT_EQ(p["run_events"].get<uint64_t>(), 4400u);

  testing::Service second("emulator");
  second.start(sets, dir);
  std::optional<EventSink> sink(second.endpoint("events"));
  const auto code = second.child.wait_for(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  const json stats = second.stats();
  EXPECT_EQ(stats["resumed_after"].get<uint64_t>(), sent);
  EXPECT_EQ(stats["events_sent_here"].get<uint64_t>(), 4400u - sent);
  ASSERT_TRUE(runtime::read_json_file(progress, &p));
  EXPECT_EQ(p["events_sent"].get<uint64_t>(), 4400u);

  // A progress file of another run, or not JSON, is no reason to skip events: from the first.
  for (const std::string& bad :
       std::vector<std::string>{R"({"scenario": "other", "run_events": 4400, "events_sent": 9})",
                                std::string("\x00garbage", 8)}) {
    std::ofstream(progress) << bad;
    testing::Service third("emulator");
    third.start(sets, dir);
    EventSink third_sink(third.endpoint("events"));
    ASSERT_TRUE(third.child.wait_for(std::chrono::seconds(60)).has_value());
    EXPECT_EQ(third.stats()["resumed_after"].get<uint64_t>(), 0u) << bad;
  }
}

TEST(FaultTest, WithoutRestartADeathEndsTheRunAndSaysWhich) {
  const ChainRun r = run_chain("fault-no-restart", {"--kill-at", "labeller.label:50"});
  EXPECT_NE(r.code, 0);
  const std::string log = [&] {
    std::ifstream in(r.dir + "/chain.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  EXPECT_NE(log.find("labeller died with code 137"), std::string::npos) << log;
}

}  // namespace
}  // namespace l1t
