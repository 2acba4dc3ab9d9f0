// What a scenario's run is: how many events, when each was taken and under which degradation.
// The emulator stamps its events from it and l1t-chain counts the events and levels it expects
// from it, so the two cannot disagree.
//
// With a `timeline:` section the Timeline decides everything (its smear read in
// degradation.smear_mode, the one key of the smear's mode). Without one the degradation is
// the staircase (config::degradation_schedule, byte-identical events to before timelines) and
// the time is a default TimeModel whose pile-up is the emulator's constant pileup_mean
// (levelled over the whole run: the generator does not change it either).
#pragma once

#include <optional>
#include <string>

#include "common/config/scenario.h"
#include "common/physics/degradation_schedule.h"
#include "common/physics/time_model.h"
#include "common/physics/timeline.h"

namespace l1t::config {

struct EventConditions {
  physics::TimePoint time;
  physics::DegradationState degradation;
};

class RunPlan {
 public:
  // Builds the plan of s; false with *error naming the key when the timeline is inconsistent.
  static bool build(const Scenario& s, RunPlan* out, std::string* error);

  EventConditions at(uint64_t event_index) const;
  uint64_t total_events() const;
  size_t levels() const;
  // The state of level l and its first event (for --describe --level and the start-up log).
  EventConditions level_start(size_t level) const;
  bool has_timeline() const { return timeline_.has_value(); }
  const std::optional<physics::Timeline>& timeline() const { return timeline_; }

 private:
  std::optional<physics::Timeline> timeline_;
  physics::DegradationSchedule schedule_;
  physics::TimeModel time_;
};

}  // namespace l1t::config
