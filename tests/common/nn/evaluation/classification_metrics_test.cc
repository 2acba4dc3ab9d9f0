#include "common/nn/evaluation/classification_metrics.h"

#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace l1t::nn {
namespace {

// O(n^2) definition: P(score_pos > score_neg) + P(equal) / 2.
double brute_auc(const std::vector<float>& s, const std::vector<float>& y) {
  double pairs = 0, wins = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (y[i] < 0.5f) continue;
    for (size_t j = 0; j < s.size(); ++j) {
      if (y[j] >= 0.5f) continue;
      pairs += 1;
      wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
    }
  }
  return wins / pairs;
}

TEST(RocAucTest, KnownExamples) {
  const std::vector<float> y = {0, 0, 1, 1};
  const std::vector<float> perfect = {0.1f, 0.2f, 0.8f, 0.9f};
  const std::vector<float> reversed = {0.9f, 0.8f, 0.2f, 0.1f};
  const std::vector<float> tied = {0.5f, 0.5f, 0.5f, 0.5f};
  const std::vector<float> sklearn = {0.1f, 0.4f, 0.35f, 0.8f};  // scikit-learn's doc example
  EXPECT_DOUBLE_EQ(roc_auc(perfect.data(), y.data(), 4), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc(reversed.data(), y.data(), 4), 0.0);
  EXPECT_DOUBLE_EQ(roc_auc(tied.data(), y.data(), 4), 0.5);
  EXPECT_DOUBLE_EQ(roc_auc(sklearn.data(), y.data(), 4), 0.75);
  // Partial ties: the positive at 0.5 ties both negatives (2 x 1/2), the one at 0.9 beats both.
  const std::vector<float> s2 = {0.5f, 0.5f, 0.5f, 0.9f};
  const std::vector<float> y2 = {0, 1, 0, 1};
  EXPECT_DOUBLE_EQ(roc_auc(s2.data(), y2.data(), 4), 0.75);
}

TEST(RocAucTest, UndefinedWithoutBothClasses) {
  const std::vector<float> s = {0.1f, 0.7f}, ones = {1, 1};
  EXPECT_TRUE(std::isnan(roc_auc(s.data(), ones.data(), 2)));
  EXPECT_TRUE(std::isnan(roc_auc(nullptr, nullptr, 0)));
}

TEST(RocAucTest, MatchesPairwiseDefinitionWithManyTies) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int> level(0, 20);  // coarse scores: lots of ties
  std::bernoulli_distribution coin(0.3);
  std::vector<float> s(1500), y(1500);
  for (size_t i = 0; i < s.size(); ++i) {
    y[i] = coin(rng) ? 1.0f : 0.0f;
    s[i] = static_cast<float>(level(rng) + (y[i] > 0 ? 3 : 0)) / 24.0f;
  }
  EXPECT_NEAR(roc_auc(s.data(), y.data(), s.size()), brute_auc(s, y), 1e-12);
}

TEST(AccuracyTest, ThresholdAndCounts) {
  const std::vector<float> s = {0.2f, 0.6f, 0.5f, 0.9f, 0.4f};
  const std::vector<float> y = {0, 0, 1, 1, 1};
  EXPECT_DOUBLE_EQ(accuracy(s.data(), y.data(), 5), 3.0 / 5);  // 0.5 counts as positive
  EXPECT_DOUBLE_EQ(accuracy(s.data(), y.data(), 5, 0.95f), 2.0 / 5);
  BinaryCounts c;
  c.add_scores(s.data(), y.data(), 5);
  EXPECT_EQ(c.tp, 2u);
  EXPECT_EQ(c.fp, 1u);
  EXPECT_EQ(c.tn, 1u);
  EXPECT_EQ(c.fn, 1u);
  EXPECT_DOUBLE_EQ(c.precision(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(c.recall(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(c.false_positive_rate(), 0.5);
  EXPECT_DOUBLE_EQ(c.f1(), 2.0 / 3);
  BinaryCounts d;
  d.add(true, true);
  c.merge(d);
  EXPECT_EQ(c.tp, 3u);
  EXPECT_EQ(c.total(), 6u);
  EXPECT_TRUE(std::isnan(BinaryCounts{}.accuracy()));
}

TEST(HistogramAucTest, ExactForScoresOnTheBinGrid) {
  // Fixed-point sigmoid outputs are multiples of 2^-10: one per bin of a 1024-bin histogram.
  std::mt19937_64 rng(2);
  std::uniform_int_distribution<int> raw(0, 1023);
  std::bernoulli_distribution coin(0.4);
  std::vector<float> s(20000), y(20000);
  HistogramAuc h;
  for (size_t i = 0; i < s.size(); ++i) {
    y[i] = coin(rng) ? 1.0f : 0.0f;
    s[i] = std::min(1023, raw(rng) / 2 + (y[i] > 0 ? 300 : 0)) / 1024.0f;
    h.add(s[i], y[i] > 0);
  }
  EXPECT_NEAR(h.auc(), roc_auc(s.data(), y.data(), s.size()), 1e-12);
  EXPECT_EQ(h.positives() + h.negatives(), 20000u);
}

TEST(HistogramAucTest, CloseToExactForContinuousScoresAndMerges) {
  std::mt19937_64 rng(3);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::bernoulli_distribution coin(0.2);
  std::vector<float> s(50000), y(50000);
  HistogramAuc first, second, all;
  for (size_t i = 0; i < s.size(); ++i) {
    y[i] = coin(rng) ? 1.0f : 0.0f;
    s[i] = 1.0f / (1.0f + std::exp(-(g(rng) + (y[i] > 0 ? 1.2f : 0.0f))));
    (i % 2 ? first : second).add(s[i], y[i] > 0);
  }
  all.add_scores(s.data(), y.data(), s.size());
  const double exact = roc_auc(s.data(), y.data(), s.size());
  EXPECT_NEAR(all.auc(), exact, 1e-3);
  ASSERT_TRUE(first.merge(second));
  EXPECT_DOUBLE_EQ(first.auc(), all.auc());
  EXPECT_FALSE(first.merge(HistogramAuc(512)));
  first.reset();
  EXPECT_TRUE(std::isnan(first.auc()));
}

TEST(HistogramAucTest, ClampsOutOfRangeScores) {
  HistogramAuc h(10);
  EXPECT_EQ(h.bin_of(-0.5f), 0);
  EXPECT_EQ(h.bin_of(1.0f), 9);
  EXPECT_EQ(h.bin_of(7.0f), 9);
  EXPECT_EQ(h.bin_of(std::nanf("")), 0);
  EXPECT_EQ(h.bin_of(0.35f), 3);
  h.add(2.0f, true);
  h.add(-1.0f, false);
  EXPECT_DOUBLE_EQ(h.auc(), 1.0);
}

}  // namespace
}  // namespace l1t::nn
