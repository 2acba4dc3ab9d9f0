// The distances between two samples on cases with known answers, and the thresholds' verdicts on
// a sample against itself and against one that moved.
#include "common/drift/distribution_distance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace l1t::drift {
namespace {

std::vector<double> normal(size_t n, double mean, double sigma, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(mean, sigma);
  std::vector<double> v(n);
  for (double& x : v) x = g(rng);
  return v;
}

TEST(DistributionDistanceTest, WassersteinOfKnownSamples) {
  EXPECT_DOUBLE_EQ(wasserstein1({0, 1, 2}, {1, 2, 3}), 1.0);
  EXPECT_DOUBLE_EQ(wasserstein1({0, 0, 1}, {0, 0, 1}), 0.0);
  // Unequal sizes: {0} against {0, 2} moves half the mass by 2.
  EXPECT_DOUBLE_EQ(wasserstein1({0}, {0, 2}), 1.0);
  // Normed by the reference's population spread, sqrt(2/3).
  const Distances d = distances({0, 1, 2}, {1, 2, 3});
  EXPECT_NEAR(d.wasserstein_normed, 1.0 / std::sqrt(2.0 / 3.0), 1e-12);
}

TEST(DistributionDistanceTest, KsStatisticAndPValue) {
  std::vector<double> a, b;
  for (int i = 0; i < 100; ++i) a.push_back(i);
  for (int i = 50; i < 150; ++i) b.push_back(i);
  EXPECT_DOUBLE_EQ(ks_statistic(a, b), 0.5);
  EXPECT_LT(ks_p_value(0.5, 100, 100), 1e-6);
  EXPECT_DOUBLE_EQ(ks_statistic(a, a), 0.0);
  EXPECT_DOUBLE_EQ(ks_p_value(0.0, 100, 100), 1.0);
  // Kolmogorov's distribution at its median: Q(0.8276) = 0.5 (large samples).
  EXPECT_NEAR(ks_p_value(0.8276 / std::sqrt(5e5), 1000000, 1000000), 0.5, 0.002);
}

TEST(DistributionDistanceTest, ASampleAgainstItsOwnKindIsNoDriftAndAShiftIs) {
  const auto ref = normal(5000, 0, 1, 1), same = normal(5000, 0, 1, 2),
             moved = normal(5000, 0.3, 1, 3);
  const Distances quiet = distances(ref, same);
  EXPECT_LT(quiet.wasserstein_normed, kWassersteinThreshold);
  EXPECT_LT(quiet.psi, kPsiThreshold);
  EXPECT_GT(quiet.ks_p_value, kKsPValueThreshold);
  const Distances loud = distances(ref, moved);
  EXPECT_GT(loud.wasserstein_normed, kWassersteinThreshold);
  EXPECT_NEAR(loud.wasserstein_normed, 0.3, 0.05);  // a pure shift moves every quantile by it
  EXPECT_LT(loud.ks_p_value, 1e-6);
  EXPECT_GT(loud.psi, quiet.psi);
}

TEST(DistributionDistanceTest, NonFiniteValuesAndEmptySamplesGiveNoDistance) {
  const Distances d = distances({1, NAN, 2, INFINITY, 3}, {1, 2, 3});
  EXPECT_DOUBLE_EQ(d.wasserstein_normed, 0.0);
  EXPECT_DOUBLE_EQ(d.ks_statistic, 0.0);
  const Distances e = distances({}, {1, 2});
  EXPECT_DOUBLE_EQ(e.wasserstein_normed, 0.0);
  EXPECT_DOUBLE_EQ(e.ks_p_value, 1.0);
  // A constant reference: any move is infinitely far in its spread.
  EXPECT_TRUE(std::isinf(distances({1, 1, 1}, {1, 2}).wasserstein_normed));
  EXPECT_DOUBLE_EQ(distances({1, 1, 1}, {1, 1}).wasserstein_normed, 0.0);
}

}  // namespace
}  // namespace l1t::drift
