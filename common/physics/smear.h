// The degradation smear of the seed study, in two modes (SmearMode, track.h).
//
// additive (the default): x' = x + N(0, k w_p) for p = pT, eta, phi, z0, d0, as the seed
//   study's dataset code does, with the step k = s / kSmearStep (the default levels
//   s = 0, 0.01, ..., 0.10 are steps 0 ... 10) and w_p a fixed width per parameter: 1 % of that
//   parameter's RMS in the undegraded sample (SmearWidths). So sigma_p = (s / 0.01) w_p, which
//   is s times the parameter's RMS: at s = 10 % every track's z0 moves by 0.443 cm, wherever it
//   is. The generator applies it to what the tracker measured, before the L1 acceptance cuts
//   (event_generator.h): a track smeared below pt_min or out of |eta| < eta_max, |z0| < z0_max
//   is not delivered, and FastHisto and |dZ| (computed by whoever receives the tracks) see the
//   smeared values.
// relative: x' = N(x, s |x|) for q/R, phi0, tan(lambda), z0, d0, applied after acceptance (every
//   track is kept, some end below pt_min). Its spread grows with |x|: at s = 10 % z0 moves by
//   0.06 cm near z0 = 0 and by more than 1 cm beyond |z0| = 10 cm, phi by 0.3 rad near |phi| = pi.
//   An artefact of position, not of the detector (issue #11); kept for comparison.
//
// Both draw nothing at s = 0, so that an undegraded run does not consume the engine.
#pragma once

#include <string>
#include <string_view>

#include "common/physics/rng.h"
#include "common/physics/track.h"

namespace l1t::physics {

// Additive mode: a level's smear s is the step s / kSmearStep.
inline constexpr double kSmearStep = 0.01;

// The additive smear's width per step, per parameter. Source: 1 % of the standard deviation
// (ROOT's "RMS") of each parameter over all L1 tracks (fakes included) of the undegraded
// default sample: GeneratorConfig{}, seed 1, 100,000 events (26.9 million tracks), digitised
// as delivered. Measured: pT 3.1226 GeV, eta 1.3581, phi 1.8139 rad (a flat phi: pi/sqrt(3)),
// z0 4.4297 cm (the 4.3 cm luminous region, resolution, 2 % flat fakes), d0 0.07344 cm (mostly
// the fakes' 0.5 cm; prompt tracks have 0.02 cm); seed 2 agrees within 0.2 % (pT) and 0.05 %.
// configs/default.yaml holds the same values (degradation.smear_widths);
// tests/common/physics/smear_widths_test.cc measures them again.
struct SmearWidths {
  double pt = 0.0312;    // [GeV]
  double eta = 0.0136;   //
  double phi = 0.0181;   // [rad]
  double z0 = 0.0443;    // [cm]
  double d0 = 0.000734;  // [cm]

  bool operator==(const SmearWidths&) const = default;
};

std::string_view to_string(SmearMode mode);  // "additive" | "relative"
// false (and *out untouched) for an unknown name.
bool parse_smear_mode(std::string_view name, SmearMode* out);
std::string smear_mode_list();  // "additive, relative", for error messages

// Relative mode: each of q/R, phi0, tan(lambda), z0 and d0 replaced by a draw from N(x, s |x|).
// q/R may change sign (a charge flip); pT = 0.3 B / |q/R| stays positive.
void apply_relative_smear(double s, Track& t, Rng& rng);

// Additive mode: pT, eta, phi, z0 and d0 each moved by N(0, (s / kSmearStep) w_p), five draws in
// that order. phi is wrapped into [-pi, pi), the L1 track word's range (the generator's
// convention too; the word would move pi to -pi anyway). pT keeps the track's charge and stays
// > 0: a draw at or below zero leaves a track of 1e-6 GeV (no curvature a tracker could
// measure), far below any L1 threshold, so the acceptance drops it. eta is any real number;
// tan(lambda) = sinh(eta').
void apply_additive_smear(double s, const SmearWidths& w, Track& t, Rng& rng);

}  // namespace l1t::physics
