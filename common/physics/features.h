// Per-track inputs of the track-classifier network, scaled as the firmware feeds them.
//
// This is the single definition used by the inference node, the labeller and the trainer.
// Features, in order: pT, eta, phi, z0, |dZ| = |z0 - pv_z0|. Each is scaled into the range of
// the network's input precision ap_fixed<16,6>: [-32, 32) with an lsb of 2^-10. The values are
// returned as floats on that range; quantising them to the input grid is the fixed-point
// cast's job (common/fixed), so that the float trainer and the fixed-point node share one
// definition.
//
// Scaling (defaults), with the largest magnitude each can take:
//   pT   : min(pT, 128 GeV) / 8        -> [0, 16]      (lsb 8 MeV; pT >= 2 GeV -> >= 0.25)
//   eta  : eta as is                   -> |eta| <= 2.78 (tan(lambda) word range +-8)
//   phi  : phi0 as is                  -> [-pi, pi)
//   z0   : z0 / 4                      -> |z0| <= 5.12 (z0 word range +-20.47 cm)
//   |dZ| : min(|z0 - pv_z0|, 31 cm) / 4 -> [0, 7.75]   (lsb 39 um, finer than the track
//                                         word's 100 um z0 lsb: nothing is lost)
// Every output is finally clamped into [kFeatureMin, kFeatureMax] so that no input overflows
// ap_fixed<16,6> even with custom scaling or NaN (NaN becomes 0).
//
// Headroom matters beyond the inputs: with the default precision the accumulators and layer
// results are ap_fixed<16,6> too, and they wrap beyond +-32. |dZ| once went in unscaled (up
// to 31): a pile-up track far from the vertex then drove first-layer sums past -32, they
// wrapped to large positive values, and the quantised model lost 1-10 % accuracy against its
// own float version, by the luck of the training seed. At a quarter of that scale the
// pre-trained model's sums stay in range (tests/common/trigger/training_data_test.cc).
#pragma once

#include <span>

#include "common/physics/track.h"

namespace l1t::physics {

inline constexpr int kNumFeatures = 5;
enum FeatureIndex { kFeatPt = 0, kFeatEta = 1, kFeatPhi = 2, kFeatZ0 = 3, kFeatDz = 4 };

// The representable range of ap_fixed<16,6>.
inline constexpr double kFeatureMin = -32.0;
inline constexpr double kFeatureMax = 32.0 - 1.0 / 1024;

struct FeatureScaling {
  double pt_cap = 128.0;  // [GeV] saturate: beyond this a track is just "hard"
  double pt_scale = 1.0 / 8;
  double eta_scale = 1.0;
  double phi_scale = 1.0;
  double z0_scale = 1.0 / 4;
  double dz_cap = 31.0;  // [cm] larger separations carry no extra information
  double dz_scale = 1.0 / 4;
};

// Writes n * kNumFeatures floats, row-major (track i's features at out[i*5 .. i*5+4]).
void compute_features(std::span<const Track> tracks, double pv_z0, float* out,
                      const FeatureScaling& scaling = {});

// One track's features.
void compute_track_features(const Track& t, double pv_z0, float* out5,
                            const FeatureScaling& scaling = {});

}  // namespace l1t::physics
