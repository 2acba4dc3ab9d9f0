#include "common/physics/smear.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace l1t::physics {
namespace {

constexpr double kPi = std::numbers::pi;

// Mean and standard deviation of a sample.
struct Moments {
  double mean = 0, sd = 0;
};
Moments moments(const std::vector<double>& v) {
  double s = 0, s2 = 0;
  for (double x : v) s += x;
  const double n = static_cast<double>(v.size());
  const double mean = s / n;
  for (double x : v) s2 += (x - mean) * (x - mean);
  return {mean, std::sqrt(s2 / n)};
}

// phi1 - phi0 on the circle, in [-pi, pi].
double dphi(double phi1, double phi0) { return std::remainder(phi1 - phi0, 2 * kPi); }

TEST(SmearTest, ZeroLeavesTrackUnchangedAndDrawsNothing) {
  for (bool additive : {false, true}) {
    Rng rng(1), untouched(1);
    Track t{0.003, -1.2, 0.7, 3.5, 0.01};
    const Track before = t;
    if (additive) {
      apply_additive_smear(0.0, SmearWidths{}, t, rng);
    } else {
      apply_relative_smear(0.0, t, rng);
    }
    EXPECT_EQ(t.inv_r, before.inv_r);
    EXPECT_EQ(t.phi0, before.phi0);
    EXPECT_EQ(t.tan_lambda, before.tan_lambda);
    EXPECT_EQ(t.z0, before.z0);
    EXPECT_EQ(t.d0, before.d0);
    EXPECT_EQ(rng(), untouched()) << (additive ? "additive" : "relative");
  }
}

TEST(SmearTest, RelativeSpreadMatchesLevel) {
  Rng rng(2);
  const Track ref{-0.002, 2.0, -1.5, -4.0, 0.05};
  const double s = 0.1;
  const int n = 20000;
  double m[5] = {}, m2[5] = {};
  for (int i = 0; i < n; ++i) {
    Track t = ref;
    apply_relative_smear(s, t, rng);
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

TEST(SmearTest, AdditiveSpreadIsTheStepTimesTheWidth) {
  // s = 0.07 is step 7: sigma_p = 7 w_p for pT, eta, phi, z0 and d0 alike, centred on the track.
  Rng rng(3);
  const SmearWidths w;
  const double s = 0.07, k = s / kSmearStep;
  const Track ref{kPtFromInvR / 5.0, 0.4, std::sinh(0.8), -2.0, 0.01};  // pT 5 GeV, eta 0.8
  const int n = 40000;
  std::vector<double> d[5];
  for (int i = 0; i < n; ++i) {
    Track t = ref;
    apply_additive_smear(s, w, t, rng);
    ASSERT_GT(t.inv_r, 0) << "the charge is kept";
    d[0].push_back(t.pt() - ref.pt());
    d[1].push_back(t.eta() - ref.eta());
    d[2].push_back(dphi(t.phi0, ref.phi0));
    d[3].push_back(t.z0 - ref.z0);
    d[4].push_back(t.d0 - ref.d0);
  }
  const double width[5] = {w.pt, w.eta, w.phi, w.z0, w.d0};
  for (int p = 0; p < 5; ++p) {
    const Moments m = moments(d[p]);
    const double sigma = k * width[p];
    EXPECT_NEAR(m.mean, 0.0, 4 * sigma / std::sqrt(n)) << "parameter " << p;
    // The standard error of a standard deviation is sigma / sqrt(2n): 0.35 % here.
    EXPECT_NEAR(m.sd, sigma, 0.015 * sigma) << "parameter " << p;
  }
}

TEST(SmearTest, AdditiveSpreadDoesNotDependOnWhereTheTrackIs) {
  // The relative smear moves z0 = 12 cm twenty-four times as much as z0 = 0.5 cm, phi = 3 thirty
  // times as much as phi = 0.1; the additive one moves them all alike.
  const double s = 0.10;
  const SmearWidths w;
  const int n = 20000;
  auto spreads = [&](bool additive, double z0, double phi, double* sd_z0, double* sd_phi) {
    Rng rng(static_cast<uint64_t>(z0 * 1000));  // other draws for each position
    std::vector<double> dz, dp;
    for (int i = 0; i < n; ++i) {
      Track t{kPtFromInvR / 3.0, phi, 0.5, z0, 0.0};
      if (additive) {
        apply_additive_smear(s, w, t, rng);
      } else {
        apply_relative_smear(s, t, rng);
      }
      dz.push_back(t.z0 - z0);
      dp.push_back(dphi(t.phi0, phi));
    }
    *sd_z0 = moments(dz).sd;
    *sd_phi = moments(dp).sd;
  };
  double z_near, p_near, z_far, p_far;
  spreads(true, 0.5, 0.1, &z_near, &p_near);
  spreads(true, 12.0, 3.0, &z_far, &p_far);
  // Two independent samples of 20,000: each sd has a 0.5 % standard error.
  EXPECT_NEAR(z_far / z_near, 1.0, 0.03);
  EXPECT_NEAR(p_far / p_near, 1.0, 0.03);
  EXPECT_NEAR(z_near, 10 * w.z0, 0.03 * 10 * w.z0);
  EXPECT_NEAR(p_near, 10 * w.phi, 0.03 * 10 * w.phi);
  // The comparison can see a dependence: the relative smear fails it by far.
  spreads(false, 0.5, 0.1, &z_near, &p_near);
  spreads(false, 12.0, 3.0, &z_far, &p_far);
  EXPECT_GT(z_far / z_near, 20);
  EXPECT_GT(p_far / p_near, 20);
}

TEST(SmearTest, AdditivePhiWrapsIntoTheWordsRange) {
  Rng rng(5);
  SmearWidths wide;
  wide.phi = 0.5;  // step 10: sigma 5 rad, several turns
  int wrapped = 0;
  for (int i = 0; i < 10000; ++i) {
    Track t{0.002, (i % 2 ? 1 : -1) * 3.1, 0.1, 0.0, 0.0};
    apply_additive_smear(0.10, wide, t, rng);
    ASSERT_GE(t.phi0, -kPi);
    ASSERT_LT(t.phi0, kPi);
    wrapped += std::abs(t.phi0) < 3.0;
  }
  EXPECT_GT(wrapped, 5000);
}

TEST(SmearTest, AdditivePtStaysPositiveWithItsCharge) {
  // A width far beyond any real one: half the draws go below zero. pT stays > 0, so q/R keeps
  // its sign and such a track is far below any L1 threshold.
  Rng rng(6);
  SmearWidths wide;
  wide.pt = 1.0;  // step 10: sigma 10 GeV on a 2.5 GeV track
  int soft = 0;
  for (int i = 0; i < 10000; ++i) {
    const double q = i % 2 ? 1 : -1;
    Track t{q * kPtFromInvR / 2.5, 0.0, 0.0, 0.0, 0.0};
    apply_additive_smear(0.10, wide, t, rng);
    ASSERT_TRUE(std::isfinite(t.inv_r));
    ASSERT_EQ(std::signbit(t.inv_r), q < 0);
    ASSERT_GT(t.pt(), 0);
    soft += t.pt() < 1e-3;
  }
  EXPECT_GT(soft, 3000);
  EXPECT_LT(soft, 5000);
}

TEST(SmearTest, ModesByName) {
  SmearMode m = SmearMode::kAdditive;
  EXPECT_TRUE(parse_smear_mode("relative", &m));
  EXPECT_EQ(m, SmearMode::kRelative);
  EXPECT_EQ(to_string(m), "relative");
  EXPECT_TRUE(parse_smear_mode("additive", &m));
  EXPECT_EQ(m, SmearMode::kAdditive);
  EXPECT_EQ(to_string(m), "additive");
  EXPECT_FALSE(parse_smear_mode("Additive", &m));
  EXPECT_FALSE(parse_smear_mode("", &m));
  EXPECT_EQ(m, SmearMode::kAdditive);
  EXPECT_EQ(smear_mode_list(), "additive, relative");
  EXPECT_EQ(DegradationState{}.smear_mode, SmearMode::kAdditive);  // the default
}

}  // namespace
}  // namespace l1t::physics
