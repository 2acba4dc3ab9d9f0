#include "common/physics/rng.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l1t::physics {
namespace {

void expect_poisson_moments(double mean) {
  Rng rng(static_cast<uint64_t>(mean * 1000));
  const int n = 200000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double k = poisson(rng, mean);
    s += k;
    s2 += k * k;
  }
  const double m = s / n, var = s2 / n - m * m;
  EXPECT_NEAR(m, mean, 5 * std::sqrt(mean / n)) << mean;
  EXPECT_NEAR(var, mean, 0.03 * mean) << mean;
}

TEST(RngTest, PoissonMoments) {
  for (double mean : {0.5, 1.3, 4.0, 9.9, 10.0, 35.0, 200.0}) expect_poisson_moments(mean);
}

TEST(RngTest, PoissonOfNonPositiveMeanIsZero) {
  Rng rng(1);
  EXPECT_EQ(poisson(rng, 0.0), 0);
  EXPECT_EQ(poisson(rng, -3.0), 0);
}

TEST(RngTest, GaussMoments) {
  Rng rng(3);
  const int n = 200000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = gauss(rng);
    s += x;
    s2 += x * x;
  }
  EXPECT_NEAR(s / n, 0, 0.01);
  EXPECT_NEAR(s2 / n, 1, 0.01);
}

TEST(RngTest, GaussTails) {
  // The ziggurat's layers, wedges and tail all contribute: check the tail probabilities.
  Rng rng(5);
  const int n = 4'000'000;
  int beyond1 = 0, beyond2 = 0, beyond3 = 0, beyond4 = 0, negative = 0;
  for (int i = 0; i < n; ++i) {
    const double x = gauss(rng);
    const double a = std::abs(x);
    beyond1 += a > 1;
    beyond2 += a > 2;
    beyond3 += a > 3;
    beyond4 += a > 4;
    negative += x < 0;
  }
  auto expect_fraction = [&](int count, double p) {
    EXPECT_NEAR(count / double(n), p, 5 * std::sqrt(p * (1 - p) / n)) << p;
  };
  expect_fraction(beyond1, 0.31731050786);
  expect_fraction(beyond2, 0.04550026390);
  expect_fraction(beyond3, 0.00269979606);
  expect_fraction(beyond4, 6.3342484e-5);
  expect_fraction(negative, 0.5);
}

TEST(RngTest, UniformRange) {
  Rng rng(4);
  for (int i = 0; i < 100000; ++i) {
    const double u = uniform01(rng);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_LT(uniform_index(rng, 7), 7u);
  }
}

}  // namespace
}  // namespace l1t::physics
