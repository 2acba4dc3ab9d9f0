// Reads the scenario's `physics:` section: every constant of the event generator
// (physics::GeneratorConfig) but the beam's pile-up mean and luminous-region length, which stay
// in `emulator:`. configs/default.yaml lists every key with its source; an absent key keeps
// the built-in value, an unknown key or a bad value fails naming the key
// (config key 'physics.tsallis_n' must be >= 2.5 ...).
#pragma once

#include "common/config/section.h"
#include "common/physics/event_generator.h"

namespace l1t::config {

// Reads the section into *g (its pileup_mean and beam_sigma_z_cm are left alone). Errors go to
// the section's error string.
void read_physics(Section s, physics::GeneratorConfig* g);

}  // namespace l1t::config
