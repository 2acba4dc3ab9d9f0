#include "common/experiment/cl_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l1t::experiment {
namespace {

// Worked by hand:
//   forgetting: j=0 max(0.9, 0.8) - 0.7 = 0.2; j=1 max(0.5, 0.85) - 0.8 = 0.05 -> 0.125
//   BWT:        j=0 0.7 - 0.9 = -0.2;          j=1 0.8 - 0.85 = -0.05        -> -0.125
//   FWT:        j=1 0.5 - 0.45 = 0.05;         j=2 0.5 - 0.2 = 0.3           -> 0.175
TEST(ClMetricsTest, ForgettingCase) {
  const AccuracyMatrix acc = {{0.9, 0.5, 0.4}, {0.8, 0.85, 0.5}, {0.7, 0.8, 0.9}};
  ClMetrics m;
  std::string error;
  ASSERT_TRUE(compute_cl_metrics(acc, {0.6, 0.45, 0.2}, &m, &error)) << error;
  EXPECT_NEAR(m.average_accuracy, 0.8, 1e-12);
  EXPECT_NEAR(m.forgetting, 0.125, 1e-12);
  EXPECT_NEAR(m.bwt, -0.125, 1e-12);
  EXPECT_NEAR(m.fwt, 0.175, 1e-12);
}

// A learner that keeps improving on old experiences: negative forgetting, positive BWT.
//   forgetting: j=0 max(0.6, 0.7) - 0.8 = -0.1; j=1 max(0.2, 0.65) - 0.75 = -0.1 -> -0.1
//   BWT:        j=0 0.8 - 0.6 = 0.2;            j=1 0.75 - 0.65 = 0.1          -> 0.15
//   FWT:        j=1 0.2 - 0.2 = 0;              j=2 0.3 - 0.1 = 0.2            -> 0.1
TEST(ClMetricsTest, ImprovingCase) {
  const AccuracyMatrix acc = {{0.6, 0.2, 0.1}, {0.7, 0.65, 0.3}, {0.8, 0.75, 0.7}};
  ClMetrics m;
  std::string error;
  ASSERT_TRUE(compute_cl_metrics(acc, {0.5, 0.2, 0.1}, &m, &error)) << error;
  EXPECT_NEAR(m.average_accuracy, 0.75, 1e-12);
  EXPECT_NEAR(m.forgetting, -0.1, 1e-12);
  EXPECT_NEAR(m.bwt, 0.15, 1e-12);
  EXPECT_NEAR(m.fwt, 0.1, 1e-12);
}

// Forgetting takes the best accuracy at any earlier step, also before the experience was
// trained on (acc[0][1] = 0.9 here), as defined; BWT compares with acc[j][j] only.
TEST(ClMetricsTest, ForgettingUsesTheBestEarlierRow) {
  const AccuracyMatrix acc = {{0.5, 0.9, 0.5}, {0.5, 0.6, 0.5}, {0.5, 0.5, 0.5}};
  ClMetrics m;
  std::string error;
  ASSERT_TRUE(compute_cl_metrics(acc, {0.5, 0.5, 0.5}, &m, &error)) << error;
  EXPECT_NEAR(m.forgetting, (0.0 + 0.4) / 2, 1e-12);
  EXPECT_NEAR(m.bwt, (0.0 - 0.1) / 2, 1e-12);
  EXPECT_NEAR(m.fwt, (0.4 + 0.0) / 2, 1e-12);
}

TEST(ClMetricsTest, FrozenModelHasNoForgettingOrTransfer) {
  // A frozen model: every row is the initial model's accuracies.
  const std::vector<double> b = {0.95, 0.94, 0.92, 0.90};
  const AccuracyMatrix acc(4, b);
  ClMetrics m;
  std::string error;
  ASSERT_TRUE(compute_cl_metrics(acc, b, &m, &error)) << error;
  EXPECT_DOUBLE_EQ(m.forgetting, 0.0);
  EXPECT_DOUBLE_EQ(m.bwt, 0.0);
  EXPECT_DOUBLE_EQ(m.fwt, 0.0);
  EXPECT_NEAR(m.average_accuracy, (0.95 + 0.94 + 0.92 + 0.90) / 4, 1e-12);
}

TEST(ClMetricsTest, OneExperienceHasOnlyAnAverage) {
  ClMetrics m;
  std::string error;
  ASSERT_TRUE(compute_cl_metrics({{0.7}}, {0.6}, &m, &error)) << error;
  EXPECT_DOUBLE_EQ(m.average_accuracy, 0.7);
  EXPECT_TRUE(std::isnan(m.forgetting));
  EXPECT_TRUE(std::isnan(m.bwt));
  EXPECT_TRUE(std::isnan(m.fwt));
}

TEST(ClMetricsTest, RejectsMisshapenInput) {
  ClMetrics m;
  std::string error;
  EXPECT_FALSE(compute_cl_metrics({}, {}, &m, &error));
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
  EXPECT_FALSE(compute_cl_metrics({{0.1, 0.2}, {0.3}}, {0.1, 0.2}, &m, &error));
  EXPECT_NE(error.find("row 1"), std::string::npos) << error;
  EXPECT_FALSE(compute_cl_metrics({{0.1, 0.2}, {0.3, 0.4}}, {0.1}, &m, &error));
  EXPECT_NE(error.find("initial"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::experiment
