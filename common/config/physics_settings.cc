#include "common/config/physics_settings.h"

namespace l1t::config {

physics::GeneratorConfig generator_config(const Scenario& s) {
  physics::GeneratorConfig g = s.physics;  // the physics: section, the beam on top
  g.pileup_mean = s.emulator.pileup_mean;
  g.beam_sigma_z_cm = s.emulator.beam_sigma_z_cm;
  g.smear_widths = s.degradation.smear_widths;      // read from degradation:, used by the generator
  g.bias_rail_band = s.degradation.bias_rail_band;  // the same
  return g;
}

physics::GeneratorConfig signal_generator_config(const Scenario& s) {
  physics::GeneratorConfig g = generator_config(s);
  g.hard_scatter_fraction = 1;
  return g;
}

physics::DegradationSchedule degradation_schedule(const DegradationSettings& d) {
  physics::DegradationSchedule schedule;
  schedule.smear_levels = d.smear_levels;
  schedule.events_per_level = d.events_per_level;
  schedule.smear_mode = d.smear_mode;
  schedule.tracker_levels.reserve(d.levels());
  for (size_t level = 0; level < d.levels(); ++level) {
    schedule.tracker_levels.push_back(d.tracker_at(level));
  }
  return schedule;
}

}  // namespace l1t::config
