// Outer-tracker degradations, as in the CMS robustness study of L1 tracking: what can go wrong
// in the modules that make the stubs, and what the track finder then reports.
//
// Each field is one degradation with its own parameter; the defaults are "none". They compose
// (compose()), and the five scenarios of the study are presets (tracker_scenario()):
//
//   none       no degradation
//   bri        bias-rail inefficiency as CMS's digitiser models it: in every PS macro-pixel
//              sensor, hits inside the bias-rail band between implants are lost, and the
//              stub with its pixel cluster (tracker_layers.h; ~2.5 % of PS pixel hits)
//   bri+1bs    bri, and 1 % of the strips dead in PS strip and 2S sensors
//   bri+5bs    bri, and 5 % bad strips
//   bri+10bs   bri, and 10 % bad strips
//
// "bri" follows CMSSW SimTracker/SiPhase2Digitizer PSPDigitizerAlgorithm
// (AddBiasRailInefficiency, isInBiasRailRegion). The earlier model of this project, a share of
// PS modules losing their z but keeping the stub, stays available as ps_z_loss_fraction.
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
  // Share of PS modules whose macro-pixel sensor loses the hits in its bias-rail bands (and
  // with them the stubs); 1 is CMS's digitiser (every sensor). Band geometry: BiasRailBand.
  double bias_rail_fraction = 0;
  // Fraction of PS modules whose macro-pixel half is dead: their stubs still exist (the strip
  // half measures r-phi) but carry no z. This project's former "bri"; not a CMS scenario.
  double ps_z_loss_fraction = 0;
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
// bri: the band loss in every PS sensor, as CMS's digitiser with AddBiasRailInefficiency.
inline constexpr double kBiasRailPresetFraction = 1.0;
// The share of PS modules the former "bri" took out of z (ps_z_loss), for comparisons.
inline constexpr double kPsZLossReferenceFraction = 0.10;

// The preset of a named scenario; false (and *out untouched) for an unknown name.
bool tracker_scenario(std::string_view name, TrackerDegradation* out);
// The name of the preset equal to d ("none" for no degradation), or "" if d is none of them.
std::string_view tracker_scenario_name(const TrackerDegradation& d);
// "none, bri, bri+1bs, bri+5bs, bri+10bs": for error messages.
std::string tracker_scenario_list();
// One line for logs and --describe, e.g. "bias_rail=1 bad_strips=0.05".
std::string to_string(const TrackerDegradation& d);

}  // namespace l1t::physics
