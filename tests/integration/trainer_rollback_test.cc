// Rollback end to end with real processes: a running l1t-trainer keeps the last K versions, and
// `l1t-trainer --rollback-to N` (one command) makes it republish N's weights as a new, higher
// version; versions that are not kept are refused with the list of those that are.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "tests/integration/trainer_test_support.h"

namespace l1t {
namespace {

using namespace std::chrono_literals;

// The versions in the table --list-versions prints (lines that start with a number).
std::set<uint64_t> listed_versions(const std::string& text) {
  std::set<uint64_t> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    uint64_t v = 0;
    if (words >> v) out.insert(v);
  }
  return out;
}

class TrainerRollbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_dir("trainer-rollback");
    const std::string initial = testing::small_initial_model(dir_);
    if (HasFatalFailure()) return;
    // Gate off, so every candidate becomes a version and the numbers are predictable.
    trainer_.start(
        testing::trainer_overrides(initial, {"trainer.publish_every=1500", "trainer.gate_window=0",
                                             "trainer.keep_versions=3"}),
        dir_);
  }

  // l1t-trainer as the rollback command against the running trainer.
  int command(const std::vector<std::string>& args, const std::string& log) {
    std::vector<std::string> argv{testing::binary("l1t-trainer"), "--config",
                                  testing::default_config(), "--set",
                                  "endpoints.control=" + trainer_.endpoint("control")};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run_command(argv, dir_ + "/" + log);
  }

  std::string dir_;
  testing::Service trainer_{"trainer"};
};

TEST_F(TrainerRollbackTest, RepublishesAKeptVersionAsANewOneAndRefusesOthers) {
  ASSERT_FALSE(HasFatalFailure());
  testing::TrainerClient client(trainer_);
  // About 270 tracks an event: 40 events give versions 2 to 8.
  const auto batches = testing::labelled_batches(40, 21);
  client.send_labels(batches);
  ASSERT_TRUE(client.wait_for_version(6)) << "log in " << dir_;
  std::this_thread::sleep_for(500ms);  // the trainer is done with the batches
  const uint64_t newest = client.newest_published();
  ASSERT_GE(newest, 6u);
  std::map<uint64_t, v1::ModelUpdate> seen;
  for (const auto& u : client.published) seen[u.version()] = u;
  ASSERT_TRUE(seen.count(newest - 1)) << "missed a published version";

  // The kept versions: the base and the last 3.
  ASSERT_EQ(command({"--list-versions"}, "list.log"), 0);
  const std::string listing = testing::read_text(dir_ + "/list.log");
  EXPECT_EQ(listed_versions(listing), (std::set<uint64_t>{1, newest - 2, newest - 1, newest}))
      << listing;
  EXPECT_NE(listing.find("<- in service"), std::string::npos) << listing;

  // Roll back to the one before the newest: one command, and the trainer answers.
  const uint64_t target = newest - 1;
  ASSERT_EQ(command({"--rollback-to", std::to_string(target)}, "rollback.log"), 0)
      << testing::read_text(dir_ + "/rollback.log");
  EXPECT_NE(testing::read_text(dir_ + "/rollback.log")
                .find("published v" + std::to_string(newest + 1) + " with the weights of v" +
                      std::to_string(target)),
            std::string::npos)
      << testing::read_text(dir_ + "/rollback.log");
  ASSERT_TRUE(client.wait_for_version(newest + 1));
  const v1::ModelUpdate& rolled = client.published.back();
  EXPECT_EQ(rolled.version(), newest + 1) << "versions never go back";
  EXPECT_EQ(rolled.parent_version(), newest);
  EXPECT_EQ(rolled.rollback_of(), target);
  EXPECT_EQ(rolled.checksum(), seen[target].checksum()) << "not the weights of v" << target;
  EXPECT_NE(rolled.checksum(), seen[newest].checksum());
  ASSERT_EQ(rolled.layers_size(), seen[target].layers_size());
  for (int l = 0; l < rolled.layers_size(); ++l) {
    EXPECT_TRUE(std::equal(rolled.layers(l).weights().begin(), rolled.layers(l).weights().end(),
                           seen[target].layers(l).weights().begin()));
  }
  // A node that starts now gets the rolled-back weights.
  v1::ModelUpdate in_service;
  ASSERT_TRUE(client.snapshot(0, &in_service));
  EXPECT_EQ(in_service.version(), newest + 1);

  // The base stays rollback-able; a version that fell out of the last 3 does not.
  ASSERT_EQ(command({"--rollback-to", "1"}, "rollback-base.log"), 0);
  ASSERT_TRUE(client.wait_for_version(newest + 2));
  EXPECT_EQ(client.published.back().rollback_of(), 1u);
  v1::ModelUpdate base;
  ASSERT_TRUE(client.snapshot(1, &base));
  EXPECT_EQ(client.published.back().checksum(), base.checksum());

  EXPECT_EQ(command({"--rollback-to", "2"}, "rollback-gone.log"), 1);
  const std::string gone = testing::read_text(dir_ + "/rollback-gone.log");
  EXPECT_NE(gone.find("version 2 is not kept (kept: 1 "), std::string::npos) << gone;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(client.newest_published(), newest + 2) << "a refused rollback publishes nothing";

  // Training goes on from the rolled-back weights, numbering above the rollbacks.
  client.send_labels(testing::labelled_batches(8, 22));
  ASSERT_TRUE(client.wait_for_version(newest + 3));
  EXPECT_EQ(client.published.back().rollback_of(), 0u);

  ASSERT_EQ(trainer_.child.stop(10s), 0);
  const auto stats = trainer_.stats();
  EXPECT_EQ(stats["model_rollbacks"].get<int>(), 2);
  EXPECT_EQ(stats["model_version_final"].get<uint64_t>(), client.newest_published());
}

TEST(TrainerRollbackCommandTest, SaysSoWhenNoTrainerAnswers) {
  const std::string dir = testing::temp_dir("trainer-rollback-none");
  // A port nothing listens on.
  const int code = testing::run_command(
      {testing::binary("l1t-trainer"), "--config", testing::default_config(), "--set",
       "endpoints.control=tcp://127.0.0.1:1", "--rollback-to", "3", "--command-timeout", "1"},
      dir + "/rollback.log");
  EXPECT_EQ(code, 3);
  EXPECT_NE(testing::read_text(dir + "/rollback.log").find("endpoints.control"), std::string::npos)
      << testing::read_text(dir + "/rollback.log");
}

}  // namespace
}  // namespace l1t
