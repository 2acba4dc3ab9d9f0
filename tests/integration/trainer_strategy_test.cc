// Every strategy and algorithm is selectable through the config of a real l1t-trainer: the
// learner it builds says which it runs, the weights it publishes are labelled with them, and a
// name it does not know stops it with a message naming the key.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/integration/trainer_test_support.h"

namespace l1t {
namespace {

using namespace std::chrono_literals;

class TrainerStrategyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::temp_dir("trainer-strategy"));
    initial_ = new std::string(testing::small_initial_model(*dir_));
    batches_ = new std::vector<v1::LabelledBatch>(testing::labelled_batches(12, 61));
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete initial_;
    delete batches_;
  }

  struct Run {
    nlohmann::json stats;
    std::vector<v1::ModelUpdate> published;
  };

  // Starts a trainer with these settings, feeds it about 3,000 tracks, stops it.
  static Run train(const std::string& tag, std::vector<std::string> settings) {
    settings.insert(settings.end(), {"trainer.publish_every=1000", "trainer.gate_window=0"});
    testing::Service trainer("trainer");
    const std::string dir = *dir_ + "/" + tag;
    std::filesystem::create_directories(dir);
    trainer.start(testing::trainer_overrides(*initial_, settings), dir);
    Run run;
    if (::testing::Test::HasFatalFailure()) return run;
    testing::TrainerClient client(trainer);
    client.send_labels(*batches_);
    std::this_thread::sleep_for(1500ms);
    client.drain_weights();
    EXPECT_EQ(trainer.child.stop(20s), 0) << "log in " << dir;
    run.stats = trainer.stats();
    run.published = client.published;
    return run;
  }

  // Starts a trainer expected to refuse its config; returns its log.
  static std::string refused(const std::string& tag, const std::string& setting) {
    const std::string dir = *dir_ + "/" + tag;
    std::filesystem::create_directories(dir);
    std::vector<std::string> argv{testing::binary("l1t-trainer"), "--config",
                                  testing::default_config()};
    for (const auto& o : testing::trainer_overrides(*initial_, {setting})) {
      argv.insert(argv.end(), {"--set", o});
    }
    EXPECT_EQ(testing::run_command(argv, dir + "/trainer.log"), 2) << setting;
    return testing::read_text(dir + "/trainer.log");
  }

  static std::string* dir_;
  static std::string* initial_;
  static std::vector<v1::LabelledBatch>* batches_;
};

std::string* TrainerStrategyTest::dir_ = nullptr;
std::string* TrainerStrategyTest::initial_ = nullptr;
std::vector<v1::LabelledBatch>* TrainerStrategyTest::batches_ = nullptr;

TEST_F(TrainerStrategyTest, EachStrategyIsTheOneTheLearnerRuns) {
  struct Case {
    std::string strategy;
    const char* penalty;  // the Strategy object the learner holds
    bool replay;
  };
  for (const Case& c : {Case{"naive", "none", false}, Case{"replay", "none", true},
                        Case{"ewc", "ewc", false}, Case{"lwf", "lwf", false}}) {
    SCOPED_TRACE(c.strategy);
    const Run run = train(c.strategy, {"trainer.strategy=" + c.strategy, "trainer.ewc_lambda=50",
                                       "trainer.lwf_temperature=3"});
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(run.stats["strategy"].get<std::string>(), c.strategy);
    EXPECT_EQ(run.stats["strategy_in_learner"].get<std::string>(), c.penalty);
    EXPECT_EQ(run.stats["replay_rows"].get<uint64_t>() > 0, c.replay);
    EXPECT_GT(run.stats["samples_trained"].get<uint64_t>(), 2500u);
    ASSERT_GE(run.published.size(), 2u);
    for (const auto& u : run.published) EXPECT_EQ(u.strategy(), c.strategy);
  }
}

TEST_F(TrainerStrategyTest, NoneKeepsTheStartingModel) {
  const Run run = train("none", {"trainer.strategy=none"});
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(run.stats["samples_trained"].get<uint64_t>(), 0u);
  EXPECT_TRUE(run.published.empty());
  EXPECT_EQ(run.stats["model_version_final"].get<uint64_t>(), 1u);
}

TEST_F(TrainerStrategyTest, EachAlgorithmIsTheOneTheLearnerRuns) {
  for (const std::string algorithm : {"sgd", "adam", "am-adam"}) {
    SCOPED_TRACE(algorithm);
    const Run run = train(algorithm, {"trainer.algorithm=" + algorithm});
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(run.stats["algorithm_in_learner"].get<std::string>(), algorithm);
    EXPECT_EQ(run.stats["adam_steps"].get<int64_t>() > 0, algorithm == "adam");
    ASSERT_GE(run.published.size(), 2u);
    for (const auto& u : run.published) EXPECT_EQ(u.algorithm(), algorithm);
  }
}

TEST_F(TrainerStrategyTest, QuantisationAwareTrainingIsSelectable) {
  const Run run = train("qat", {"trainer.quantisation=qat"});
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_GE(run.published.size(), 2u);
  EXPECT_GT(run.stats["samples_trained"].get<uint64_t>(), 2500u);
}

TEST_F(TrainerStrategyTest, UnknownNamesStopTheTrainerNamingTheKey) {
  EXPECT_NE(refused("bad-algorithm", "trainer.algorithm=rmsprop").find("'trainer.algorithm'"),
            std::string::npos);
  EXPECT_NE(refused("bad-algorithm", "trainer.algorithm=rmsprop").find("rmsprop"),
            std::string::npos);
  EXPECT_NE(refused("bad-strategy", "trainer.strategy=joint").find("'trainer.strategy'"),
            std::string::npos);
  EXPECT_NE(refused("bad-policy", "trainer.update_policy=hourly").find("'trainer.update_policy'"),
            std::string::npos);
  EXPECT_NE(refused("bad-quant", "trainer.quantisation=int8").find("'trainer.quantisation'"),
            std::string::npos);
  EXPECT_NE(refused("bad-margin", "trainer.gate_margin=-0.1").find("'trainer.gate_margin'"),
            std::string::npos);
  EXPECT_NE(refused("bad-keep", "trainer.keep_versions=0").find("'trainer.keep_versions'"),
            std::string::npos);
}

}  // namespace
}  // namespace l1t
