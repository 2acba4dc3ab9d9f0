// Checkpoint and restart with real processes: a trainer killed with SIGKILL and started again
// continues from its last checkpoint (weights, the algorithm's and the strategy's state, replay
// memory, version counter), and its version numbers never go back; a checkpoint that does not
// check out stops it.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "services/trainer/trainer_checkpoint.h"
#include "tests/integration/trainer_test_support.h"

namespace l1t {
namespace {

using namespace std::chrono_literals;

// The step count in an algorithm's state blob, -1 if it has none.
int64_t steps_in(const nn::StateBlob& state) {
  const std::vector<int64_t>* t = state.find_ints("t");
  return t != nullptr && t->size() == 1 ? t->front() : -1;
}

// Starts a trainer, sends it batches [0, n_batches), waits for `version` and the periodic
// checkpoint after it, kills it with SIGKILL and reads what it left in ckpt_dir. *resumed: the
// ready file's "resumed" (a first start must say false).
void train_then_kill(const std::vector<std::string>& overrides, const std::string& dir,
                     const std::string& ckpt_dir, const std::vector<v1::LabelledBatch>& batches,
                     size_t n_batches, uint64_t version, uint64_t* before_kill,
                     trainer::TrainerCheckpoint* ckpt, bool* resumed) {
  testing::Service trainer("trainer");
  trainer.start(overrides, dir);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  *resumed = trainer.ready["resumed"].get<bool>();
  testing::TrainerClient client(trainer);
  client.send_labels(batches, 0, n_batches);
  ASSERT_TRUE(client.wait_for_version(version)) << "log in " << dir;
  std::this_thread::sleep_for(800ms);  // trained on everything, periodic checkpoint written
  *before_kill = client.newest_published();
  trainer.child.signal(SIGKILL);
  ASSERT_TRUE(trainer.child.wait_for(10s).has_value());
  std::string error;
  ASSERT_TRUE(trainer::read_checkpoint(ckpt_dir + "/trainer.ckpt", ckpt, &error)) << error;
}

TEST(TrainerRestartTest, SigkillThenRestartContinuesFromTheCheckpoint) {
  const std::string dir = testing::temp_dir("trainer-restart");
  const std::string initial = testing::small_initial_model(dir);
  const std::string ckpt_dir = dir + "/ckpt";
  const auto overrides = testing::trainer_overrides(
      initial, {"trainer.publish_every=1500", "trainer.gate_window=500", "trainer.gate_margin=1",
                "trainer.gate_reference_margin=1", "trainer.checkpoint_dir=" + ckpt_dir,
                "trainer.checkpoint_interval_s=0.2"});
  const auto batches = testing::labelled_batches(60, 31);

  uint64_t before_kill = 0;
  trainer::TrainerCheckpoint ckpt;
  bool resumed = true;
  ASSERT_NO_FATAL_FAILURE(
      train_then_kill(overrides, dir, ckpt_dir, batches, 30, 4, &before_kill, &ckpt, &resumed));
  EXPECT_FALSE(resumed);
  // What the killed trainer left behind: every published version, Adam's moments, the replay
  // memory of the tracks it saw.
  EXPECT_EQ(ckpt.version, before_kill);
  ASSERT_FALSE(ckpt.versions.empty());
  EXPECT_EQ(ckpt.versions.back().version, before_kill);
  EXPECT_EQ(ckpt.format, trainer::kCheckpointFormat);
  EXPECT_EQ(ckpt.algorithm_state.name, "adam");
  const int64_t adam_t = steps_in(ckpt.algorithm_state);
  EXPECT_GT(adam_t, 100);
  ASSERT_NE(ckpt.algorithm_state.find("m"), nullptr);
  EXPECT_EQ(ckpt.algorithm_state.find("m")->size(), ckpt.parameters.size());
  EXPECT_GT(ckpt.replay_y.size(), 5000u);
  EXPECT_GT(ckpt.samples_seen, 5000u);

  std::filesystem::remove(dir + "/trainer.ready.json");  // the killed one's
  testing::Service trainer("trainer");
  trainer.start(overrides, dir);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  // It says it resumed, with exactly the state on disk.
  const auto& r = trainer.ready;
  EXPECT_TRUE(r["resumed"].get<bool>()) << r.dump();
  EXPECT_EQ(r["model_version"].get<uint64_t>(), ckpt.version);
  EXPECT_EQ(r["resumed_replay_rows"].get<uint64_t>(), ckpt.replay_y.size());
  EXPECT_EQ(r["resumed_adam_steps"].get<int64_t>(), adam_t);
  EXPECT_EQ(r["resumed_algorithm_state"].get<std::string>(), "adam");

  testing::TrainerClient client(trainer);
  // A node that (re)starts gets the version that was in service, bit for bit.
  v1::ModelUpdate in_service, base;
  ASSERT_TRUE(client.snapshot(0, &in_service));
  EXPECT_EQ(in_service.version(), before_kill);
  v1::ModelUpdate stored;
  ASSERT_TRUE(stored.ParseFromString(ckpt.versions.back().model_update));
  EXPECT_EQ(in_service.checksum(), stored.checksum());
  ASSERT_TRUE(client.snapshot(1, &base));
  EXPECT_EQ(base.version(), 1u);

  // Learning continues: new versions number on from the old ones.
  client.send_labels(batches, 30);
  ASSERT_TRUE(client.wait_for_version(before_kill + 1)) << "log in " << dir;
  for (const auto& u : client.published) {
    EXPECT_GT(u.version(), before_kill) << "a version number went back";
    EXPECT_GT(u.samples_seen(), ckpt.samples_seen) << "the sample count restarted";
  }
  std::this_thread::sleep_for(500ms);
  ASSERT_EQ(trainer.child.stop(10s), 0);
  const auto stats = trainer.stats();
  EXPECT_GT(stats["adam_steps"].get<int64_t>(), adam_t) << "Adam restarted from zero";
  EXPECT_GE(stats["replay_rows"].get<uint64_t>(), ckpt.replay_y.size());
  EXPECT_GT(stats["samples_seen"].get<uint64_t>(), ckpt.samples_seen);
  EXPECT_EQ(stats["model_version_final"].get<uint64_t>(), client.newest_published());
}

// AM-Adam's per-layer moments and EWC's Fisher and anchor survive a SIGKILL: the restarted
// trainer says it restored them and AM-Adam's step count goes on from the checkpoint's.
TEST(TrainerRestartTest, AmAdamWithEwcRestartsWithTheirWholeState) {
  const std::string dir = testing::temp_dir("trainer-restart-am-ewc");
  const std::string initial = testing::small_initial_model(dir);
  const std::string ckpt_dir = dir + "/ckpt";
  const auto overrides = testing::trainer_overrides(
      initial,
      {"trainer.algorithm=am-adam", "trainer.strategy=ewc", "trainer.publish_every=1500",
       "trainer.gate_window=500", "trainer.gate_margin=1", "trainer.gate_reference_margin=1",
       "trainer.checkpoint_dir=" + ckpt_dir, "trainer.checkpoint_interval_s=0.2"});
  const auto batches = testing::labelled_batches(36, 43);

  uint64_t before_kill = 0;
  trainer::TrainerCheckpoint ckpt;
  bool resumed = true;
  ASSERT_NO_FATAL_FAILURE(
      train_then_kill(overrides, dir, ckpt_dir, batches, 18, 2, &before_kill, &ckpt, &resumed));
  EXPECT_FALSE(resumed);
  const size_t n = ckpt.parameters.size();
  EXPECT_EQ(ckpt.algorithm_state.name, "am-adam");
  const int64_t t = steps_in(ckpt.algorithm_state);
  EXPECT_GT(t, 10);
  ASSERT_NE(ckpt.algorithm_state.find("v"), nullptr);
  EXPECT_EQ(ckpt.algorithm_state.find("v")->size(), n);
  EXPECT_EQ(ckpt.strategy_state.name, "ewc");
  ASSERT_NE(ckpt.strategy_state.find("fisher"), nullptr);
  EXPECT_EQ(ckpt.strategy_state.find("fisher")->size(), n);
  const std::vector<int64_t>* consolidations = ckpt.strategy_state.find_ints("consolidations");
  ASSERT_NE(consolidations, nullptr);
  EXPECT_GE(consolidations->front(), 1) << "a publication consolidates";

  std::filesystem::remove(dir + "/trainer.ready.json");  // the killed one's
  testing::Service trainer("trainer");
  trainer.start(overrides, dir);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const auto& r = trainer.ready;
  EXPECT_TRUE(r["resumed"].get<bool>()) << r.dump();
  EXPECT_EQ(r["resumed_algorithm_state"].get<std::string>(), "am-adam") << r.dump();
  EXPECT_EQ(r["resumed_strategy_state"].get<std::string>(), "ewc") << r.dump();
  EXPECT_EQ(r["resumed_algorithm_steps"].get<int64_t>(), t) << r.dump();
  const std::string log = testing::read_text(dir + "/trainer.log");
  EXPECT_NE(log.find("restored the algorithm state am-adam{m[" + std::to_string(n) + "]"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("the strategy state ewc{fisher[" + std::to_string(n) + "]"), std::string::npos)
      << log;

  testing::TrainerClient client(trainer);
  client.send_labels(batches, 18);
  ASSERT_TRUE(client.wait_for_version(before_kill + 1)) << "log in " << dir;
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(trainer.child.stop(10s), 0);
  const auto stats = trainer.stats();
  EXPECT_EQ(stats["algorithm_in_learner"].get<std::string>(), "am-adam");
  EXPECT_EQ(stats["strategy_in_learner"].get<std::string>(), "ewc");
  EXPECT_GT(stats["algorithm_steps"].get<int64_t>(), t) << "AM-Adam restarted from zero";
}

TEST(TrainerRestartTest, RefusesACorruptCheckpointAndSaysWhich) {
  const std::string dir = testing::temp_dir("trainer-bad-ckpt");
  const std::string initial = testing::small_initial_model(dir);
  const std::string ckpt_dir = dir + "/ckpt";
  std::filesystem::create_directories(ckpt_dir);
  {
    std::ofstream out(ckpt_dir + "/trainer.ckpt");
    out << "L1TCKPT\nnot a checkpoint";
  }
  std::vector<std::string> argv{testing::binary("l1t-trainer"), "--config",
                                testing::default_config()};
  for (const auto& o :
       testing::trainer_overrides(initial, {"trainer.checkpoint_dir=" + ckpt_dir})) {
    argv.insert(argv.end(), {"--set", o});
  }
  EXPECT_EQ(testing::run_command(argv, dir + "/trainer.log"), 1);
  const std::string log = testing::read_text(dir + "/trainer.log");
  EXPECT_NE(log.find("refusing the checkpoint " + ckpt_dir + "/trainer.ckpt"), std::string::npos)
      << log;
  // The bad file is left alone for a person to look at.
  EXPECT_TRUE(std::filesystem::exists(ckpt_dir + "/trainer.ckpt"));
}

}  // namespace
}  // namespace l1t
