// An L1 track as the track finder reports it, and where it truly came from.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "common/physics/tracker_degradation.h"

namespace l1t::physics {

// Curvature to pT: pT [GeV] = kPtFromInvR / |q/R [1/cm]|, i.e. 0.3 * B * R with B = 3.8 T.
inline constexpr double kPtFromInvR = 0.3 * 3.8 / 100.0;

struct Track {
  double inv_r = 0;       // q/R, signed curvature [1/cm]
  double phi0 = 0;        // [rad], global
  double tan_lambda = 0;  // cot(theta)
  double z0 = 0;          // [cm]
  double d0 = 0;          // [cm]
  // Bit i: a stub in tracker layer i (tracker_layers.h); 0 when unknown. The word's 7-bit
  // hit-pattern field carries it.
  uint8_t hit_pattern = 0;
  // Track quality (track_quality.h): chi2/dof of the r-phi and r-z fits and the bend chi2/dof
  // (after the word, its bins' lower edges), and the 3-bit MVA quality 0-7 (higher: better).
  uint8_t mva_quality = 0;
  float chi2_rphi = 0;
  float chi2_rz = 0;
  float bend_chi2 = 0;

  double pt() const { return kPtFromInvR / std::max(std::abs(inv_r), 1e-12); }
  double eta() const { return std::asinh(tan_lambda); }
};

enum class Origin : uint8_t { kPileup = 0, kPrimary = 1, kFake = 2 };

// How DegradationState::smear acts on a track (smear.h).
//   kAdditive: x' = x + N(0, k w_p) on pT, eta, phi, z0 and d0, with the step k = smear / 0.01
//              and w_p a fixed width per parameter (1 % of its RMS in the undegraded sample),
//              before the L1 acceptance cuts: the seed study's dataset code.
//   kRelative: x' = N(x, smear |x|) on q/R, phi0, tan(lambda), z0 and d0, after acceptance:
//              this emulator's first smear, kept for comparison. Its spread grows with |x|,
//              so it depends on where a track is (z0, phi), not only on the detector.
enum class SmearMode : uint8_t { kAdditive = 0, kRelative = 1 };

// Which degradation the detector is in when an event is taken.
struct DegradationState {
  int level = 0;       // index in the schedule
  double smear = 0.0;  // the smear's size, read as smear_mode says; 0: none
  // Outer-tracker degradation (bias rail, bad strips, dead region, shifts and scales).
  TrackerDegradation tracker = {};
  // Last, so that {level, smear, tracker} initialisers still mean what they did.
  SmearMode smear_mode = SmearMode::kAdditive;
};

struct GeneratedEvent {
  std::vector<Track> tracks;   // digitised to L1 track-word precision
  std::vector<Origin> origin;  // truth, one per track
  std::vector<float> true_z0;  // truth, one per track: its interaction's z [cm], NaN for fakes
  double pv_z0 = 0;            // true primary-vertex z [cm]
  // The primary vertex is one more minimum-bias interaction, no hard scatter: the trigger's
  // rate sample (GeneratorConfig::hard_scatter_fraction).
  bool minimum_bias = false;
};

}  // namespace l1t::physics
