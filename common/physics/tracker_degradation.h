// Outer-tracker degradations, as in the CMS robustness study of L1 tracking: what can go wrong
// in the modules that make the stubs, and what the track finder then reports.
//
// Each field is one degradation with its own parameter; the defaults are "none". They compose
// (compose()), and the five scenarios of the study are presets (tracker_scenario()):
//
//   none       no degradation
//   bri        bias-rail inefficiency: 10 % of the PS modules lose their macro-pixel readout
//   bri+1bs    bri, and 1 % of the strips dead in PS strip and 2S sensors
//   bri+5bs    bri, and 5 % bad strips
//   bri+10bs   bri, and 10 % bad strips
//
// The study names the scenarios but this model has to choose the size of "bri": a tenth of
// the PS modules (one bias-rail group in ten) is a choice, made large enough to be visible in
// the z0 resolution (tracker_layers.h explains how lost PS z information widens z0).
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace l1t::physics {

// A window in (detector eta, phi) where no module gives stubs. Empty (the default) if
// eta_max <= eta_min or phi_max <= phi_min. phi in [-pi, pi), no wrap-around.
struct EtaPhiWindow {
  double eta_min = 0, eta_max = 0;
  double phi_min = 0, phi_max = 0;

  bool empty() const { return !(eta_max > eta_min && phi_max > phi_min); }
  bool contains(double eta, double phi) const {
    return eta >= eta_min && eta < eta_max && phi >= phi_min && phi < phi_max;
  }
  bool operator==(const EtaPhiWindow&) const = default;
};

struct TrackerDegradation {
  // Fraction of PS modules whose macro-pixel half is dead (bias-rail failure): their stubs
  // still exist (the strip half measures r-phi) but carry no z.
  double bias_rail_fraction = 0;
  // Fraction of dead strips in the PS strip sensors and both 2S sensors: a stub is lost when
  // its cluster touches a dead strip, more often for low-pT tracks (wider clusters).
  double bad_strip_fraction = 0;
  // A failed module or sector: no stubs at all inside this window.
  EtaPhiWindow dead_region;
  double z0_shift_cm = 0;       // systematic bias added to every measured z0 (misalignment)
  double pt_scale = 1;          // measured pT multiplied by this (response drift)
  double resolution_scale = 1;  // every track-parameter resolution multiplied by this

  bool is_none() const { return *this == TrackerDegradation{}; }
  bool operator==(const TrackerDegradation&) const = default;
};

// a then b: losses combine as independent (1 - (1-a)(1-b)), shifts add, scales multiply; the
// dead region is b's if b has one, else a's.
TrackerDegradation compose(const TrackerDegradation& a, const TrackerDegradation& b);

// The study's named scenarios, in order of severity.
inline constexpr std::array<std::string_view, 5> kTrackerScenarioNames = {"none", "bri", "bri+1bs",
                                                                          "bri+5bs", "bri+10bs"};
inline constexpr double kBiasRailPresetFraction = 0.10;

// The preset of a named scenario; false (and *out untouched) for an unknown name.
bool tracker_scenario(std::string_view name, TrackerDegradation* out);
// The name of the preset equal to d ("none" for no degradation), or "" if d is none of them.
std::string_view tracker_scenario_name(const TrackerDegradation& d);
// "none, bri, bri+1bs, bri+5bs, bri+10bs": for error messages.
std::string tracker_scenario_list();
// One line for logs and --describe, e.g. "bias_rail=0.1 bad_strips=0.05".
std::string to_string(const TrackerDegradation& d);

}  // namespace l1t::physics
