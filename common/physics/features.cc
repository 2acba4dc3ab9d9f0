#include "common/physics/features.h"

#include <algorithm>
#include <cmath>

namespace l1t::physics {
namespace {

// Clamp into the input precision's range; fmax/fmin turn NaN into the bound, so map NaN to 0
// first (an unknown value should not look like an extreme one).
inline float to_input_range(double v) {
  if (std::isnan(v)) return 0.0f;
  return static_cast<float>(std::clamp(v, kFeatureMin, kFeatureMax));
}

// asinh(x) = sign(x) ln(|x| + sqrt(x^2 + 1)): about twice as fast as std::asinh, with an
// absolute error ~1e-16, far below the input lsb of 2^-10.
inline double fast_asinh(double x) {
  const double a = std::abs(x);
  return std::copysign(std::log(a + std::sqrt(a * a + 1)), x);
}

}  // namespace

void compute_track_features(const Track& t, double pv_z0, float* out5, const FeatureScaling& s) {
  out5[kFeatPt] = to_input_range(std::min(t.pt(), s.pt_cap) * s.pt_scale);
  out5[kFeatEta] = to_input_range(fast_asinh(t.tan_lambda) * s.eta_scale);
  out5[kFeatPhi] = to_input_range(t.phi0 * s.phi_scale);
  out5[kFeatZ0] = to_input_range(t.z0 * s.z0_scale);
  out5[kFeatDz] = to_input_range(std::min(std::abs(t.z0 - pv_z0), s.dz_cap) * s.dz_scale);
}

void compute_features(std::span<const Track> tracks, double pv_z0, float* out,
                      const FeatureScaling& s) {
  for (const Track& t : tracks) {
    compute_track_features(t, pv_z0, out, s);
    out += kNumFeatures;
  }
}

}  // namespace l1t::physics
