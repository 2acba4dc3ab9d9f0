// The safe-update gate in a real l1t-trainer: candidates trained on good labels are published;
// candidates trained on corrupted labels look fine on the (equally corrupted) recent window but
// have forgotten the original conditions, so the reference set stops them, and they are counted
// and logged with the numbers.
#include <gtest/gtest.h>

#include "tests/integration/trainer_test_support.h"
#include "tests/support/http_get.h"

namespace l1t {
namespace {

using namespace std::chrono_literals;

TEST(TrainerGateTest, PublishesGoodCandidatesAndStopsOnesThatForgot) {
  const std::string dir = testing::temp_dir("trainer-gate");
  const std::string initial = testing::small_initial_model(dir);
  testing::Service trainer("trainer");
  trainer.start(testing::trainer_overrides(
                    initial, {"trainer.publish_every=2000", "trainer.gate_window=1000",
                              "trainer.gate_margin=0.05", "trainer.gate_reference_margin=0.05",
                              "trainer.gate_reference_rows=5000", "trainer.learning_rate=0.01",
                              "trainer.strategy=naive"}),
                dir);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  testing::TrainerClient client(trainer);
  const auto good = testing::labelled_batches(20, 71);
  client.send_labels(good);
  ASSERT_TRUE(client.wait_for_version(2)) << "a good candidate was not published; log in " << dir;
  std::this_thread::sleep_for(1s);
  const uint64_t after_good = client.newest_published();

  // Every label flipped: what the model learns now contradicts the original conditions.
  auto bad = testing::labelled_batches(60, 72);
  for (auto& b : bad) {
    for (auto& y : *b.mutable_labels()) y = 1.0f - y;
  }
  client.send_labels(bad);
  std::string text;
  ASSERT_TRUE(testing::eventually(
      [&] {
        const auto t = testing::http_get(trainer.metrics_port(), "/metrics");
        if (t) text = *t;
        return testing::metric_value(text, "l1t_model_candidates_total{result=\"rejected\"}") >= 2;
      },
      30s))
      << text;
  ASSERT_EQ(trainer.child.stop(10s), 0);
  const std::string log = testing::read_text(dir + "/trainer.log");
  EXPECT_NE(log.find("not published"), std::string::npos) << log;
  EXPECT_NE(log.find("reject (reference"), std::string::npos)
      << "the reference set should have caught it:\n"
      << log;
  const auto stats = trainer.stats();
  EXPECT_GE(stats["model_candidates_rejected"].get<int>(), 2);
  EXPECT_GE(stats["model_candidates_published"].get<int>(), 1);
  // Whatever was published after the bad labels began was still no worse on the reference.
  EXPECT_GE(after_good, 2u);
  EXPECT_EQ(stats["model_candidates_published"].get<uint64_t>() + 1,
            stats["model_version_final"].get<uint64_t>());
}

}  // namespace
}  // namespace l1t
