#include "common/trigger/degradation_codec.h"

#include <string>

#include "common/physics/tracker_degradation.h"

namespace l1t::trigger {

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
