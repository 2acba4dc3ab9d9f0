#include "common/physics/smear.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l1t::physics {
namespace {

TEST(SmearTest, ZeroLeavesTrackUnchangedAndDrawsNothing) {
  Rng rng(1), untouched(1);
  Track t{0.003, -1.2, 0.7, 3.5, 0.01};
  const Track before = t;
  apply_smear(0.0, t, rng);
  EXPECT_EQ(t.inv_r, before.inv_r);
  EXPECT_EQ(t.phi0, before.phi0);
  EXPECT_EQ(t.tan_lambda, before.tan_lambda);
  EXPECT_EQ(t.z0, before.z0);
  EXPECT_EQ(t.d0, before.d0);
  EXPECT_EQ(rng(), untouched());
}

TEST(SmearTest, RelativeSpreadMatchesLevel) {
  Rng rng(2);
  const Track ref{-0.002, 2.0, -1.5, -4.0, 0.05};
  const double s = 0.1;
  const int n = 20000;
  double m[5] = {}, m2[5] = {};
  for (int i = 0; i < n; ++i) {
    Track t = ref;
    apply_smear(s, t, rng);
    const double rel[5] = {(t.inv_r - ref.inv_r) / std::abs(ref.inv_r),
                           (t.phi0 - ref.phi0) / std::abs(ref.phi0),
                           (t.tan_lambda - ref.tan_lambda) / std::abs(ref.tan_lambda),
                           (t.z0 - ref.z0) / std::abs(ref.z0), (t.d0 - ref.d0) / std::abs(ref.d0)};
    for (int k = 0; k < 5; ++k) {
      m[k] += rel[k];
      m2[k] += rel[k] * rel[k];
    }
  }
  for (int k = 0; k < 5; ++k) {
    const double mean = m[k] / n;
    const double sd = std::sqrt(m2[k] / n - mean * mean);
    EXPECT_NEAR(mean, 0.0, 0.005) << "parameter " << k;
    EXPECT_NEAR(sd, s, 0.05 * s) << "parameter " << k;
  }
}

}  // namespace
}  // namespace l1t::physics
