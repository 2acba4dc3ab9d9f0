#include "common/experiment/evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "common/nn/evaluation/classification_metrics.h"

namespace l1t::experiment {
namespace {

// Random rows; more than one evaluation chunk (4096) so chunking is exercised.
trigger::TrainingSet random_set(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g;
  std::bernoulli_distribution label(0.3);
  trigger::TrainingSet s;
  for (size_t i = 0; i < n * nn::kNumFeatures; ++i) s.x.push_back(g(rng));
  for (size_t i = 0; i < n; ++i) s.y.push_back(label(rng) ? 1.0f : 0.0f);
  return s;
}

TEST(EvaluationTest, MatchesAccuracyAndLossComputedInOneGo) {
  const auto set = random_set(10000, 3);
  const nn::FloatMlp model({5, 25, 30, 1}, 11);
  std::vector<float> p(set.rows());
  model.predict_proba(set.x.data(), set.rows(), p.data());
  const double expected_acc = nn::accuracy(p.data(), set.y.data(), set.rows());
  nn::Workspace full;
  const double expected_loss =
      model.loss(set.x.data(), set.y.data(), nullptr, set.rows(), {}, &full);

  nn::Workspace ws;
  const Evaluation e = evaluate(model, view_of(set), &ws);
  EXPECT_DOUBLE_EQ(e.accuracy, expected_acc);
  EXPECT_NEAR(e.loss, expected_loss, 1e-6 * expected_loss);
  EXPECT_GT(e.accuracy, 0.0);
  EXPECT_LT(e.accuracy, 1.0);
}

TEST(EvaluationTest, CountsCorrectRows) {
  // One input, weights chosen so the logit is x itself: positive rows are x >= 0.
  nn::FloatMlp model({1, 1});
  model.layer(0).w(0, 0) = 1.0f;
  const float x[] = {-2.0f, -0.5f, 0.0f, 0.5f, 3.0f};
  const float y[] = {0.0f, 1.0f, 1.0f, 0.0f, 1.0f};
  nn::Workspace ws;
  // Right: -2 (0), 0 (1, logit 0 counts as score 0.5 -> positive), 3 (1); wrong: -0.5, 0.5.
  EXPECT_EQ(count_correct(model, x, y, 5, &ws), 3u);
}

TEST(EvaluationTest, EmptySetIsNaN) {
  const nn::FloatMlp model({5, 4, 1}, 1);
  nn::Workspace ws;
  const Evaluation e = evaluate(model, DataView{}, &ws);
  EXPECT_TRUE(std::isnan(e.accuracy));
  EXPECT_TRUE(std::isnan(e.loss));
}

}  // namespace
}  // namespace l1t::experiment
