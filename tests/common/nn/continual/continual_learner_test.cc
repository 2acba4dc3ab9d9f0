#include "common/nn/continual/continual_learner.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "common/nn/evaluation/classification_metrics.h"
#include "common/nn/training/pretrain.h"
#include "tests/support/two_domains.h"

namespace l1t::nn {
namespace {

using testing::accuracy_on;
using testing::Data;
using testing::make_domain;
using testing::pretrained_on_a;

TEST(ContinualLearnerTest, SplitsBatchIntoFreshAndReplay) {
  ContinualConfig c;  // batch 64, replay fraction 0.5
  ContinualLearner learner(FloatMlp({5, 25, 30, 1}, 1), c);
  EXPECT_EQ(learner.fresh_per_step(), 32u);
  EXPECT_EQ(learner.replay_per_step(), 32u);

  c.replay_fraction = 0.0f;
  ContinualLearner naive(FloatMlp({5, 25, 30, 1}, 1), c);
  EXPECT_EQ(naive.fresh_per_step(), 64u);
  EXPECT_EQ(naive.replay_per_step(), 0u);

  c.replay_fraction = 1.0f;  // must still consume the stream
  ContinualLearner all(FloatMlp({5, 25, 30, 1}, 1), c);
  EXPECT_EQ(all.fresh_per_step(), 1u);
  EXPECT_EQ(all.replay_per_step(), 63u);
}

TEST(ContinualLearnerTest, TrainsOnceABatchOfFreshRowsIsThere) {
  ContinualLearner learner(FloatMlp({5, 25, 30, 1}, 1), ContinualConfig{});
  const Data d = make_domain(false, 1000, 3);
  EXPECT_EQ(learner.add_samples(d.x.data(), d.y.data(), 31), 0u);
  EXPECT_EQ(learner.steps(), 0u);
  EXPECT_EQ(learner.pending(), 31u);
  EXPECT_EQ(learner.add_samples(&d.x[31 * 5], &d.y[31], 1), 1u);
  EXPECT_EQ(learner.steps(), 1u);
  EXPECT_EQ(learner.pending(), 0u);
  // The first step had nothing to replay; the fresh rows went into the reservoir after it.
  EXPECT_EQ(learner.replayed_rows(), 0u);
  EXPECT_EQ(learner.replay().size(), 32u);
  EXPECT_GT(learner.last_loss(), 0.0);

  // 100 more rows: three more steps, each with 32 replayed rows, 4 rows left over.
  EXPECT_EQ(learner.add_samples(&d.x[32 * 5], &d.y[32], 100), 3u);
  EXPECT_EQ(learner.steps(), 4u);
  EXPECT_EQ(learner.pending(), 4u);
  EXPECT_EQ(learner.replayed_rows(), 3u * 32u);
  EXPECT_EQ(learner.samples_seen(), 132u);
  EXPECT_EQ(learner.samples_trained(), 128u);
  EXPECT_EQ(learner.replay().seen(), 128u);
}

TEST(ContinualLearnerTest, PublishesEveryPublishEverySamples) {
  ContinualConfig c;
  c.publish_every = 2000;
  ContinualLearner learner(FloatMlp({5, 25, 30, 1}, 1), c);
  const Data d = make_domain(false, 10000, 4);
  // 1999 rows: 62 steps = 1984 rows trained, not due. One more row is still only buffered.
  learner.add_samples(d.x.data(), d.y.data(), 1999);
  EXPECT_FALSE(learner.publish_due());
  learner.add_samples(&d.x[1999 * 5], &d.y[1999], 1);
  EXPECT_FALSE(learner.publish_due());
  // Step 63 completes 2016 rows trained.
  learner.add_samples(&d.x[2000 * 5], &d.y[2000], 16);
  EXPECT_TRUE(learner.publish_due());
  learner.mark_published();
  EXPECT_FALSE(learner.publish_due());
  // Counting restarts at the publication: due again after another 2000 rows (63 steps).
  learner.add_samples(&d.x[2016 * 5], &d.y[2016], 62 * 32);
  EXPECT_FALSE(learner.publish_due());
  learner.add_samples(&d.x[(2016 + 62 * 32) * 5], &d.y[2016 + 62 * 32], 32);
  EXPECT_TRUE(learner.publish_due());
}

TEST(ContinualLearnerTest, SameSeedSameModel) {
  const Data d = make_domain(true, 3000, 5);
  ContinualLearner a(FloatMlp({5, 25, 30, 1}, 1), ContinualConfig{});
  ContinualLearner b(FloatMlp({5, 25, 30, 1}, 1), ContinualConfig{});
  a.add_samples(d.x.data(), d.y.data(), d.n);
  for (size_t i = 0; i < d.n; i += 100) b.add_samples(&d.x[i * 5], &d.y[i], 100);  // chunking
  EXPECT_EQ(a.model().layer(0).w, b.model().layer(0).w);
}

// After the detector changes, a model that keeps learning from the labelled stream beats the
// frozen one on the new conditions, and replay keeps what was learnt on the old ones.
TEST(ContinualLearnerTest, AdaptsToShiftAndReplayLimitsForgetting) {
  const FloatMlp start = pretrained_on_a();
  const Data a_test = make_domain(false, 5000, 10), b_test = make_domain(true, 5000, 11);
  const Data a_stream = make_domain(false, 10000, 12), b_stream = make_domain(true, 30000, 13);
  const double frozen_a = accuracy_on(start, a_test), frozen_b = accuracy_on(start, b_test);
  ASSERT_GT(frozen_a, 0.95);
  EXPECT_LT(frozen_b, 0.7);

  auto run = [&](float replay_fraction) {
    ContinualConfig c;
    c.replay_fraction = replay_fraction;
    ContinualLearner learner(start, c);
    // The reservoir first sees some of the old conditions, then the stream switches to new.
    learner.add_samples(a_stream.x.data(), a_stream.y.data(), a_stream.n);
    learner.add_samples(b_stream.x.data(), b_stream.y.data(), b_stream.n);
    return learner.model();
  };
  const FloatMlp replay = run(0.5f), naive = run(0.0f);
  const double replay_a = accuracy_on(replay, a_test), replay_b = accuracy_on(replay, b_test);
  const double naive_a = accuracy_on(naive, a_test), naive_b = accuracy_on(naive, b_test);
  std::printf("frozen A %.3f B %.3f | replay A %.3f B %.3f | naive A %.3f B %.3f\n", frozen_a,
              frozen_b, replay_a, replay_b, naive_a, naive_b);
  EXPECT_GT(replay_b, 0.93);
  EXPECT_GT(naive_b, 0.93);
  EXPECT_GT(replay_a, 0.93);
  EXPECT_GT(replay_a, naive_a + 0.05);
}

TEST(ContinualLearnerTest, SgdAdaptsToo) {
  const FloatMlp start = pretrained_on_a();
  const Data b_test = make_domain(true, 5000, 11), b_stream = make_domain(true, 30000, 13);
  ContinualConfig c;
  c.optimizer = OptimizerKind::kSgd;
  c.learning_rate = 0.01f;
  ContinualLearner learner(start, c);
  learner.add_samples(b_stream.x.data(), b_stream.y.data(), b_stream.n);
  EXPECT_GT(accuracy_on(learner.model(), b_test), 0.9);
}

// Training throughput at batch 64 (informational; the bound is loose to stay robust on CI).
TEST(ContinualLearnerTest, Throughput) {
  const Data d = make_domain(true, 200000, 20);
  ContinualConfig c;
  ContinualLearner learner(FloatMlp({5, 25, 30, 1}, 1), c);
  learner.add_samples(d.x.data(), d.y.data(), 20000);  // warm up, fill replay
  const auto t0 = std::chrono::steady_clock::now();
  learner.add_samples(&d.x[20000 * 5], &d.y[20000], d.n - 20000);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double rate = static_cast<double>(d.n - 20000) / s;
  const double rows = rate * c.batch_size / static_cast<double>(learner.fresh_per_step());
  std::printf("continual learner: %.0f fresh samples/s (%.0f batch rows/s at batch %zu)\n", rate,
              rows, c.batch_size);
  RecordProperty("fresh_samples_per_second", static_cast<int>(rate));
  EXPECT_GT(rate, 20000.0);
}

}  // namespace
}  // namespace l1t::nn
