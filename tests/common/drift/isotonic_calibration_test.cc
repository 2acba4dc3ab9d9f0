// The isotonic calibration recovers a known P(positive | score), is non-decreasing, and says
// nothing before it is fitted.
#include "common/drift/isotonic_calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace l1t::drift {
namespace {

TEST(IsotonicCalibrationTest, RecoversAKnownCalibrationAndIsMonotone) {
  IsotonicCalibration c;
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(0, 1);
  // P(positive | s) = s^2: a model that is over-confident at low scores.
  for (int i = 0; i < 400000; ++i) {
    const double s = u(rng);
    c.add(s, u(rng) < s * s);
  }
  EXPECT_TRUE(std::isnan(c.p(0.5))) << "no answer before a fit";
  c.fit();
  for (double s : {0.1, 0.3, 0.5, 0.7, 0.9}) EXPECT_NEAR(c.p(s), s * s, 0.04) << s;
  double last = -1;
  for (int b = 0; b < IsotonicCalibration::kBins; ++b) {
    const double p = c.p(b / 1024.0);
    EXPECT_GE(p, last) << "bin " << b;
    last = p;
  }
  c.reset();
  EXPECT_FALSE(c.fitted());
  EXPECT_EQ(c.samples(), 0u);
}

TEST(IsotonicCalibrationTest, ReversedLabelsPoolIntoOneLevel) {
  // Positives only at low scores: no increasing fit does better than the overall rate.
  IsotonicCalibration c;
  for (int i = 0; i < 100; ++i) {
    c.add(0.1, true);
    c.add(0.9, false);
  }
  c.fit();
  EXPECT_DOUBLE_EQ(c.p(0.1), 0.5);
  EXPECT_DOUBLE_EQ(c.p(0.9), 0.5);
  c.add(std::nan(""), true);
  EXPECT_EQ(c.samples(), 200u) << "NaN scores are left out";
}

}  // namespace
}  // namespace l1t::drift
