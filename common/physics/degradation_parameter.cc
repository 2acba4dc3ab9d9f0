#include "common/physics/degradation_parameter.h"

#include <array>
#include <cmath>
#include <utility>

#include "common/physics/tracker_degradation.h"

namespace l1t::physics {

namespace {
using P = DegradationParameter;

constexpr std::array<std::pair<P, std::string_view>, 8> kCanonical = {{
    {P::kSmear, "smear"},
    {P::kBiasRail, "bias_rail"},
    {P::kBadStrips, "bad_strips"},
    {P::kDeadRegion, "dead_region"},
    {P::kZ0Shift, "z0_shift"},
    {P::kPtScale, "pt_scale"},
    {P::kResolution, "resolution"},
    {P::kScenario, "scenario"},
}};
// The words and the TrackerDegradation field names both work.
constexpr std::array<std::pair<P, std::string_view>, 5> kAliases = {{
    {P::kBiasRail, "bias_rail_fraction"},
    {P::kBadStrips, "bad_strip_fraction"},
    {P::kZ0Shift, "z0_shift_cm"},
    {P::kZ0Shift, "misalignment"},
    {P::kResolution, "resolution_scale"},
}};

// z0 of an L1 track word spans +-20.47 cm: a larger shift moves every track out of range.
constexpr double kMaxZ0ShiftCm = 20;
}  // namespace

std::string_view to_string(DegradationParameter p) {
  for (const auto& [v, name] : kCanonical) {
    if (v == p) return name;
  }
  return "?";
}

bool parse_degradation_parameter(std::string_view name, DegradationParameter* out) {
  auto find = [&](const auto& table) {
    for (const auto& [v, n] : table) {
      if (n == name) {
        *out = v;
        return true;
      }
    }
    return false;
  };
  return find(kCanonical) || find(kAliases);
}

std::string degradation_parameter_list() {
  std::string s;
  for (const auto& [v, name] : kCanonical) {
    if (!s.empty()) s += ", ";
    s += name;
  }
  return s;
}

double neutral_value(DegradationParameter p) {
  return p == P::kPtScale || p == P::kResolution ? 1.0 : 0.0;
}

std::string check_value(DegradationParameter p, double v) {
  if (!std::isfinite(v)) return "must be a finite number";
  switch (p) {
    case P::kSmear:
    case P::kBiasRail:
    case P::kBadStrips:
      return v >= 0 && v <= 1 ? "" : "must be in [0, 1]";
    case P::kDeadRegion:
      return v == 0 || v == 1 ? "" : "must be off or on";
    case P::kZ0Shift:
      return std::abs(v) <= kMaxZ0ShiftCm ? "" : "must be in [-20, 20] cm";
    case P::kPtScale:
    case P::kResolution:
      return v > 0 ? "" : "must be > 0";
    case P::kScenario: {
      const bool ok = v >= 0 && v < kTrackerScenarioNames.size() && v == std::floor(v);
      return ok ? "" : "must name one of: " + tracker_scenario_list();
    }
  }
  return "is not a known degradation";
}

bool is_switch(DegradationParameter p) { return p == P::kDeadRegion || p == P::kScenario; }

}  // namespace l1t::physics
