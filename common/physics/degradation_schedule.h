// How the detector degrades over a run: a staircase of levels, N events each; a level has a
// smear and an outer-tracker degradation (a named scenario of the CMS study, or any
// composition of the individual degradations).
#pragma once

#include <cstdint>
#include <vector>

#include "common/physics/track.h"

namespace l1t::physics {

struct DegradationSchedule {
  std::vector<double> smear_levels;  // smear of level i; its size is the number of levels
  uint64_t events_per_level = 0;
  // Tracker degradation of level i; empty: none at every level. A shorter list holds its
  // last entry for the levels beyond it.
  std::vector<TrackerDegradation> tracker_levels;
  // How every level's smear acts (smear.h). Last, so that {levels, N, trackers} initialisers
  // keep their meaning.
  SmearMode smear_mode = SmearMode::kAdditive;

  // Level i covers events [i*N, (i+1)*N). Events past the end stay at the last level (the
  // detector does not heal); an empty schedule, or N = 0, is level 0 with no smear.
  DegradationState at(uint64_t event_index) const;
  // Events until the end of the last level: levels * N.
  uint64_t total_events() const;
};

// The seed study's steps: smear 0, 0.01, ..., 0.10 (11 levels; additive: steps 0 ... 10).
DegradationSchedule default_degradation_schedule(uint64_t events_per_level);

}  // namespace l1t::physics
