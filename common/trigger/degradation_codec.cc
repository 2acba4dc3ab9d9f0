#include "common/trigger/degradation_codec.h"

#include <cmath>
#include <numbers>
#include <string>

#include "common/physics/tracker_degradation.h"

namespace l1t::trigger {
namespace {

bool within(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

bool fail(std::string* why, const char* field, double v, const char* rule) {
  *why = std::string("degradation ") + field + " " + std::to_string(v) + " " + rule;
  return false;
}

}  // namespace

void to_wire(const physics::DegradationState& state, v1::DegradationState* out) {
  const physics::TrackerDegradation& t = state.tracker;
  out->set_level(static_cast<uint32_t>(state.level));
  out->set_smear(state.smear);
  out->set_smear_mode(state.smear_mode == physics::SmearMode::kRelative ? v1::SMEAR_MODE_RELATIVE
                                                                        : v1::SMEAR_MODE_ADDITIVE);
  out->set_scenario(std::string(physics::tracker_scenario_name(t)));
  out->set_bias_rail_fraction(t.bias_rail_fraction);
  out->set_ps_z_loss_fraction(t.ps_z_loss_fraction);
  out->set_bad_strip_fraction(t.bad_strip_fraction);
  out->set_dead_eta_min(t.dead_region.eta_min);
  out->set_dead_eta_max(t.dead_region.eta_max);
  out->set_dead_phi_min(t.dead_region.phi_min);
  out->set_dead_phi_max(t.dead_region.phi_max);
  out->set_z0_shift_cm(t.z0_shift_cm);
  out->set_pt_scale(t.pt_scale);
  out->set_resolution_scale(t.resolution_scale);
}

physics::DegradationState from_wire(const v1::DegradationState& wire) {
  physics::DegradationState s;
  s.level = static_cast<int>(wire.level());
  s.smear = wire.smear();
  // Only additive says additive: unset (an old sender) and unknown values were relative.
  s.smear_mode = wire.smear_mode() == v1::SMEAR_MODE_ADDITIVE ? physics::SmearMode::kAdditive
                                                              : physics::SmearMode::kRelative;
  physics::TrackerDegradation& t = s.tracker;
  t.bias_rail_fraction = wire.bias_rail_fraction();
  t.ps_z_loss_fraction = wire.ps_z_loss_fraction();
  t.bad_strip_fraction = wire.bad_strip_fraction();
  t.dead_region = {wire.dead_eta_min(), wire.dead_eta_max(), wire.dead_phi_min(),
                   wire.dead_phi_max()};
  t.z0_shift_cm = wire.z0_shift_cm();
  t.pt_scale = wire.pt_scale() == 0 ? 1 : wire.pt_scale();
  t.resolution_scale = wire.resolution_scale() == 0 ? 1 : wire.resolution_scale();
  return s;
}

}  // namespace l1t::trigger

namespace l1t::trigger {

bool check_wire(const v1::DegradationState& w, std::string* why) {
  if (w.level() > kMaxWireLevel) return fail(why, "level", w.level(), "is beyond 65536");
  if (!within(w.smear(), 0, kMaxWireSmear)) return fail(why, "smear", w.smear(), "not in [0, 10]");
  if (!v1::SmearMode_IsValid(w.smear_mode())) {
    return fail(why, "smear_mode", w.smear_mode(), "is not a known mode");
  }
  const std::pair<const char*, double> fractions[] = {
      {"bias_rail_fraction", w.bias_rail_fraction()},
      {"ps_z_loss_fraction", w.ps_z_loss_fraction()},
      {"bad_strip_fraction", w.bad_strip_fraction()}};
  for (const auto& [name, v] : fractions) {
    if (!within(v, 0, 1)) return fail(why, name, v, "not in [0, 1]");
  }
  for (const auto& [name, v] :
       {std::pair{"pt_scale", w.pt_scale()}, std::pair{"resolution_scale", w.resolution_scale()}}) {
    if (!within(v, 0, kMaxWireScale)) return fail(why, name, v, "not in (0, 100] (0: unset)");
  }
  if (!within(w.z0_shift_cm(), -kMaxWireZ0ShiftCm, kMaxWireZ0ShiftCm)) {
    return fail(why, "z0_shift_cm", w.z0_shift_cm(), "not in [-100, 100]");
  }
  for (const auto& [name, v] :
       {std::pair{"dead_eta_min", w.dead_eta_min()}, std::pair{"dead_eta_max", w.dead_eta_max()}}) {
    if (!within(v, -kMaxWireEta, kMaxWireEta)) return fail(why, name, v, "not in [-10, 10]");
  }
  for (const auto& [name, v] :
       {std::pair{"dead_phi_min", w.dead_phi_min()}, std::pair{"dead_phi_max", w.dead_phi_max()}}) {
    if (!within(v, -std::numbers::pi, std::numbers::pi)) {
      return fail(why, name, v, "not in [-pi, pi]");
    }
  }
  return true;
}

bool from_wire(const v1::DegradationState& wire, physics::DegradationState* out, std::string* why) {
  if (!check_wire(wire, why)) return false;
  *out = from_wire(wire);
  return true;
}

}  // namespace l1t::trigger
