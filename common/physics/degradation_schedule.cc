#include "common/physics/degradation_schedule.h"

#include <algorithm>

namespace l1t::physics {

DegradationState DegradationSchedule::at(uint64_t event_index) const {
  if (smear_levels.empty() || events_per_level == 0) return {};
  const uint64_t last = smear_levels.size() - 1;
  const uint64_t level = std::min(event_index / events_per_level, last);
  DegradationState s{static_cast<int>(level), smear_levels[level]};
  s.smear_mode = smear_mode;
  if (!tracker_levels.empty()) {
    s.tracker = tracker_levels[std::min<uint64_t>(level, tracker_levels.size() - 1)];
  }
  return s;
}

uint64_t DegradationSchedule::total_events() const {
  return smear_levels.size() * events_per_level;
}

DegradationSchedule default_degradation_schedule(uint64_t events_per_level) {
  DegradationSchedule s;
  s.events_per_level = events_per_level;
  // i / 100.0 rather than i * 0.01 so that the levels print as 0.07, not 0.07000000000000001.
  for (int i = 0; i <= 10; ++i) s.smear_levels.push_back(i / 100.0);
  return s;
}

}  // namespace l1t::physics
