#include "common/physics/track_quality.h"

#include <algorithm>
#include <cmath>

#include "common/physics/tracker_layers.h"

namespace l1t::physics {

double reduced_chi2(int nu, double z) {
  const double a = 2.0 / (9.0 * std::max(nu, 1));
  const double c = 1 - a + z * std::sqrt(a);
  return c > 0 ? c * c * c : 0.0;
}

double mva_score(const TrackQualityConfig& c, int n_stubs, double chi2_rphi, double chi2_rz,
                 double bend_chi2) {
  auto term = [](double chi2) { return std::log1p(std::max(chi2, 0.0)); };
  const double x = c.mva_offset + c.mva_stub_weight * (n_stubs - kMinStubs) -
                   c.mva_chi2_weight * (term(chi2_rphi) + term(chi2_rz) + term(bend_chi2));
  return 1 / (1 + std::exp(-x));
}

uint8_t mva_bin(double score) {
  if (!(score > 0)) return 0;
  return static_cast<uint8_t>(std::min<double>(kMvaQualityBins - 1, std::floor(score * 8)));
}

void assign_quality(const TrackQualityConfig& c, const QualityInputs& in, const QualityDraws& d,
                    Track* t) {
  const int n_stubs = std::clamp(in.n_stubs, 0, kTrackerLayers);
  const int missing_stubs = kTrackerLayers - n_stubs;
  const int missing_ps_z = kPsLayers - std::clamp(in.n_ps_z, 0, kPsLayers);
  const int nu = std::max(n_stubs - 2, 1);
  const double fake = in.fake ? c.fake_chi2_scale : 1.0;
  const double fake_bend = in.fake ? c.fake_bend_chi2_scale : 1.0;
  const double stub_loss = std::pow(1 + c.missing_stub_scale, missing_stubs);
  const double z_loss = std::pow(1 + c.missing_ps_z_scale, missing_ps_z);
  t->chi2_rphi = static_cast<float>(reduced_chi2(nu, d.rphi) * fake * stub_loss);
  t->chi2_rz = static_cast<float>(reduced_chi2(nu, d.rz) * fake * z_loss);
  t->bend_chi2 =
      static_cast<float>(reduced_chi2(std::max(n_stubs, 1), d.bend) * fake_bend * stub_loss);
  // The score reads the word's values, as a BDT in the firmware does.
  const double rphi = kChi2RPhiBins[quality_bin(t->chi2_rphi, kChi2RPhiBins)];
  const double rz = kChi2RZBins[quality_bin(t->chi2_rz, kChi2RZBins)];
  const double bend = kBendChi2Bins[quality_bin(t->bend_chi2, kBendChi2Bins)];
  t->mva_quality = mva_bin(mva_score(c, n_stubs, rphi, rz, bend));
}

}  // namespace l1t::physics
