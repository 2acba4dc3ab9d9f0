// From a scenario to the physics library's settings, in one place: every process that
// generates events (the emulator, and the trainer for its pre-training and reference rows)
// must simulate the same detector, so none builds a GeneratorConfig of its own.
#pragma once

#include "common/config/scenario.h"
#include "common/physics/degradation_schedule.h"
#include "common/physics/event_generator.h"

namespace l1t::config {

// The undegraded detector and the collisions: beam, pile-up, the layered tracker. Degradation
// is not in it (it comes per event from the schedule's DegradationState), but for the additive
// smear's fixed widths per step (degradation.smear_widths), which the generator applies.
physics::GeneratorConfig generator_config(const Scenario& s);

// The same detector with a hard scatter in every event: the signal sample that models are
// trained and judged on (the trainer's pre-training and reference rows, experiments). The
// scenario's minimum-bias events (physics.hard_scatter_fraction) are the trigger's rate
// sample; training on them would teach that the vertex the event was taken for has no tracks.
physics::GeneratorConfig signal_generator_config(const Scenario& s);

// The staircase: level i has smear_levels[i] (in smear_mode) and tracker_at(i),
// events_per_level events each.
physics::DegradationSchedule degradation_schedule(const DegradationSettings& d);

}  // namespace l1t::config
