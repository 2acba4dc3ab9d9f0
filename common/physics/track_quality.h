// Track quality as the L1 track word carries it: chi2/dof of the r-phi and r-z fits, the bend
// chi2/dof and the 3-bit MVA quality (track_word.h gives where they sit).
//
// The model (this project's, parametric; the constants are keys of `physics:`):
//   * degrees of freedom as CMS's Kalman-filter output formatter counts them for the word
//     (CMSSW L1Trigger/TrackerTFP, ProducerKFout / KFout TrackKF: dof = stubs - 2 for both
//     chi2s): nu = n_stubs - 2 (2 to 4 for a found track; 4 parameters, two per view, and one
//     r-phi and one r-z coordinate per stub); the bend chi2 has one term per stub, nu = n_stubs.
//   * a real track's chi2/nu is a chi2(nu)/nu draw (Wilson-Hilferty: one normal number each).
//   * scaled up when its stubs were degraded: each layer without a stub multiplies the r-phi
//     and bend chi2 by (1 + missing_stub_scale) (with a real stub missing, the track finder
//     takes the nearest stub of another particle in that layer's window more often: a large
//     residual), and each PS layer without a z measurement (stub lost, or its macro-pixel
//     dead: ps_z_loss, bias rails) multiplies the r-z chi2 by (1 + missing_ps_z_scale) (its
//     z comes from the 5 cm strip, fitted with the PS errors).
//   * fakes (combinatorial stub matches: a wrong stub gives a large residual) have their
//     r-phi and r-z chi2 multiplied by fake_chi2_scale and their bend chi2 by
//     fake_bend_chi2_scale (the stubs' bends passed the pT window, so less).
//   * MVA quality: CMS computes it with a BDT on the word's chi2s, bend chi2 and hit pattern
//     (the GTT track-quality MVA). This emulates its output ordering, not its values: a
//     logistic score s = 1 / (1 + exp(-x)),
//         x = mva_offset + mva_stub_weight (n_stubs - 4)
//             - mva_chi2_weight (ln(1 + chi2_rphi) + ln(1 + chi2_rz) + ln(1 + bend_chi2)),
//     on the word's values (bin lower edges), monotone: more stubs or smaller chi2s never lower
//     it; the word holds floor(8 s) (CMSSW tqMVABins: 0, 0.125, ..., 0.875), so fakes and
//     degraded tracks get lower MVA.
//
// Bin edges: CMSSW DataFormats/L1TrackTrigger/interface/TTTrack_TrackWord.h (the layout with
// kMVAOtherSize = 6 that track_word.h follows): chi2RPhiBins {0, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5,
// 6, 10, 15, 20, 35, 60, 200}, chi2RZBins {0, 0.5, 1, ..., 5, 6, 8, 10, 20, 50}, bendChi2Bins
// {0, 0.75, 1, 1.5, 2.25, 3.5, 5, 20}; a value goes to the last edge <= it (getBin: upper_bound
// - 1) and reads back as that edge (getChi2RPhi() returns chi2RPhiBins[bits]). The coarser list
// {0, 0.25, 0.5, 1, 2, 3, 5, 7, 10, 20, 40, 100, 200, 500, 1000, 3000} is the KF output
// formatter's configuration (KalmanFilterOut.chi2rphiBins, and the firmware's kfout_config),
// not the word's header; the word's is used here.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "common/physics/rng.h"
#include "common/physics/track.h"

namespace l1t::physics {

inline constexpr std::array<double, 16> kChi2RPhiBins = {
    0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 10.0, 15.0, 20.0, 35.0, 60.0, 200.0};
inline constexpr std::array<double, 16> kChi2RZBins = {0.0, 0.5, 1.0, 1.5, 2.0, 2.5,  3.0,  3.5,
                                                       4.0, 4.5, 5.0, 6.0, 8.0, 10.0, 20.0, 50.0};
inline constexpr std::array<double, 8> kBendChi2Bins = {0.0, 0.75, 1.0, 1.5, 2.25, 3.5, 5.0, 20.0};
inline constexpr int kMvaQualityBins = 8;  // 3 bits: score bins of width 1/8

// The bin of x: the last edge <= x; below the first edge, and NaN, bin 0.
template <size_t N>
constexpr uint32_t quality_bin(double x, const std::array<double, N>& edges) {
  uint32_t b = 0;
  for (size_t i = 1; i < N; ++i) {
    if (x >= edges[i]) b = static_cast<uint32_t>(i);
  }
  return b;
}

struct TrackQualityConfig {
  double fake_chi2_scale = 8.0;       // fakes' r-phi and r-z chi2/dof multiplied by this
  double fake_bend_chi2_scale = 4.0;  // fakes' bend chi2/dof multiplied by this
  double missing_stub_scale = 0.5;    // per layer without a stub: r-phi and bend x (1 + this)
  double missing_ps_z_scale = 1.0;    // per PS layer without z: r-z x (1 + this)
  double mva_offset = 3.0;
  double mva_stub_weight = 0.25;
  double mva_chi2_weight = 0.8;
};

// What the model knows of a track's stubs.
struct QualityInputs {
  int n_stubs = 6;  // layers with a stub
  int n_ps_z = 3;   // PS layers whose stub carries z
  bool fake = false;
};

// The normal numbers behind one track's three chi2s (r-phi, r-z, bend).
struct QualityDraws {
  double rphi = 0, rz = 0, bend = 0;
};
inline QualityDraws draw_quality(Rng& rng) {
  QualityDraws d;
  d.rphi = gauss(rng);
  d.rz = gauss(rng);
  d.bend = gauss(rng);
  return d;
}

// chi2(nu)/nu from a standard normal number z by the Wilson-Hilferty cube (its mean is 1 to
// within 1 % for nu >= 2); never negative. nu < 1 is taken as 1.
double reduced_chi2(int nu, double z);

// The MVA score in (0, 1) of a track with these word values, and its 3-bit bin.
double mva_score(const TrackQualityConfig& c, int n_stubs, double chi2_rphi, double chi2_rz,
                 double bend_chi2);
uint8_t mva_bin(double score);

// Fills t's chi2_rphi, chi2_rz, bend_chi2 (continuous; the word bins them) and mva_quality
// (from the binned values, as the word will carry them).
void assign_quality(const TrackQualityConfig& c, const QualityInputs& in, const QualityDraws& d,
                    Track* t);

}  // namespace l1t::physics
