#include "common/physics/features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "common/physics/event_generator.h"
#include "common/physics/track_word.h"

namespace l1t::physics {
namespace {

Track make(double pt, double eta, double phi, double z0) {
  Track t;
  t.inv_r = kPtFromInvR / pt;
  t.tan_lambda = std::sinh(eta);
  t.phi0 = phi;
  t.z0 = z0;
  return t;
}

void expect_in_range(const float* f, int n) {
  for (int i = 0; i < n; ++i) {
    EXPECT_TRUE(std::isfinite(f[i])) << i;
    EXPECT_GE(f[i], kFeatureMin) << i;
    EXPECT_LE(f[i], kFeatureMax) << i;
  }
}

TEST(FeaturesTest, ScalingConstants) {
  const FeatureScaling s;
  EXPECT_EQ(kNumFeatures, 5);
  EXPECT_EQ(s.pt_cap, 128.0);
  EXPECT_EQ(s.pt_scale, 0.125);
  EXPECT_EQ(s.eta_scale, 1.0);
  EXPECT_EQ(s.phi_scale, 1.0);
  EXPECT_EQ(s.z0_scale, 0.25);
  EXPECT_EQ(s.dz_cap, 31.0);
  EXPECT_EQ(s.dz_scale, 0.25);
  EXPECT_EQ(kFeatureMax, 32.0 - 1.0 / 1024);
}

TEST(FeaturesTest, KnownTrack) {
  const Track t = make(10.0, 1.2, -0.5, 2.0);
  float f[kNumFeatures];
  compute_track_features(t, -1.5, f);
  EXPECT_NEAR(f[kFeatPt], 10.0 / 8, 1e-6);
  EXPECT_NEAR(f[kFeatEta], 1.2, 1e-6);
  EXPECT_NEAR(f[kFeatPhi], -0.5, 1e-6);
  EXPECT_NEAR(f[kFeatZ0], 0.5, 1e-6);
  EXPECT_NEAR(f[kFeatDz], 3.5 / 4, 1e-6);
}

TEST(FeaturesTest, RowMajorLayout) {
  const std::vector<Track> tracks = {make(4, 0.1, 0.2, 1.0), make(16, -2.0, 3.0, -8.0)};
  std::vector<float> f(tracks.size() * kNumFeatures);
  compute_features(tracks, 1.0, f.data());
  EXPECT_NEAR(f[0 * kNumFeatures + kFeatPt], 0.5, 1e-6);
  EXPECT_NEAR(f[0 * kNumFeatures + kFeatDz], 0.0, 1e-6);
  EXPECT_NEAR(f[1 * kNumFeatures + kFeatPt], 2.0, 1e-6);
  EXPECT_NEAR(f[1 * kNumFeatures + kFeatEta], -2.0, 1e-6);
  EXPECT_NEAR(f[1 * kNumFeatures + kFeatPhi], 3.0, 1e-6);
  EXPECT_NEAR(f[1 * kNumFeatures + kFeatZ0], -2.0, 1e-6);
  EXPECT_NEAR(f[1 * kNumFeatures + kFeatDz], 9.0 / 4, 1e-6);
}

TEST(FeaturesTest, ExtremeTracksStayInInputRange) {
  // The word's extreme values, plus out-of-word values and NaN, against extreme vertices.
  std::vector<Track> tracks;
  for (double inv_r : {1e-9, -1e-9, 0.0, kInvRField.max_abs, -kInvRField.max_abs, 1.0}) {
    for (double tanl : {-8.0, 8.0, 0.0, 1e6}) {
      for (double z0 : {-kZ0Field.max_abs, kZ0Field.max_abs, 0.0, -500.0}) {
        for (double phi : {-std::numbers::pi, std::numbers::pi, 100.0}) {
          Track t;
          t.inv_r = inv_r;
          t.tan_lambda = tanl;
          t.z0 = z0;
          t.phi0 = phi;
          tracks.push_back(t);
          tracks.push_back(digitise(t));
        }
      }
    }
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  tracks.push_back(Track{nan, nan, nan, nan, nan});
  std::vector<float> f(tracks.size() * kNumFeatures);
  for (double pv : {-15.0, 15.0, 0.0, -kZ0Field.max_abs, nan}) {
    compute_features(tracks, pv, f.data());
    expect_in_range(f.data(), static_cast<int>(f.size()));
  }
  // The word's extremes are inside the range without needing the final clamp.
  float g[kNumFeatures];
  compute_track_features(digitise(make(1e6, 3.0, 0, kZ0Field.max_abs)), -kZ0Field.max_abs, g);
  EXPECT_NEAR(g[kFeatPt], 16.0, 1e-6);
  EXPECT_LT(g[kFeatEta], 2.8f);
  EXPECT_LT(g[kFeatZ0], 5.2f);
  EXPECT_NEAR(g[kFeatDz], 31.0 / 4, 1e-6);
}

TEST(FeaturesTest, GeneratedEventsStayInRangeEvenDegraded) {
  EventGenerator gen({}, 17);
  GeneratedEvent ev;
  std::vector<float> f;
  for (int i = 0; i < 20; ++i) {
    gen.next({10, 0.1}, &ev);
    f.resize(ev.tracks.size() * kNumFeatures);
    compute_features(ev.tracks, ev.pv_z0, f.data());
    expect_in_range(f.data(), static_cast<int>(f.size()));
  }
}

}  // namespace
}  // namespace l1t::physics
