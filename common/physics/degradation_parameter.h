// The degradations a timeline can schedule, their YAML names and the values that make sense.
//
//   name          aliases                    value                       neutral
//   smear                                    s in [0, 1] (smear.h)       0
//                                            additive: step s / 0.01; relative: sigma = s*|x|
//   bias_rail     bias_rail_fraction         fraction in [0, 1]          0
//   bad_strips    bad_strip_fraction         fraction in [0, 1]          0
//   dead_region                              0 (off) or 1 (on)           0
//   z0_shift      z0_shift_cm, misalignment  cm, |shift| <= 20           0
//   pt_scale                                 factor > 0                  1
//   resolution    resolution_scale           factor > 0                  1
//   scenario                                 index in kTrackerScenarioNames (none, bri, ...)  0
//
// dead_region and scenario are switches: their schedules are read as staircases.
#pragma once

#include <string>
#include <string_view>

namespace l1t::physics {

enum class DegradationParameter {
  kSmear,
  kBiasRail,
  kBadStrips,
  kDeadRegion,
  kZ0Shift,
  kPtScale,
  kResolution,
  kScenario,
};

std::string_view to_string(DegradationParameter p);  // the canonical name
// Canonical names and aliases; false (and *out untouched) for an unknown name.
bool parse_degradation_parameter(std::string_view name, DegradationParameter* out);
std::string degradation_parameter_list();  // the canonical names, for error messages

double neutral_value(DegradationParameter p);
// Empty if v is meaningful for p, else why not (e.g. "must be in [0, 1]").
std::string check_value(DegradationParameter p, double v);
// Values are choices (on/off, a preset), not quantities: no interpolation between them.
bool is_switch(DegradationParameter p);

}  // namespace l1t::physics
