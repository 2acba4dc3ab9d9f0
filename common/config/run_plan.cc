#include "common/config/run_plan.h"

#include <limits>

#include "common/config/physics_settings.h"

namespace l1t::config {

bool RunPlan::build(const Scenario& s, RunPlan* out, std::string* error) {
  RunPlan plan;
  if (s.timeline) {
    physics::Timeline t;
    physics::TimelineSpec spec = *s.timeline;
    spec.smear_mode = s.degradation.smear_mode;  // one key for the staircase and the timeline
    if (auto problem = physics::Timeline::build(spec, &t)) {
      *error = "config key 'timeline." + problem->key + "' " + problem->why;
      return false;
    }
    plan.time_ = t.time_model();
    plan.timeline_ = std::move(t);
  } else {
    plan.schedule_ = degradation_schedule(s.degradation);
    physics::TimeModelParams p;
    p.peak_pileup = s.emulator.pileup_mean;
    p.levelled_lumisections = std::numeric_limits<uint32_t>::max();
    plan.time_ = physics::TimeModel(p);
  }
  *out = std::move(plan);
  return true;
}

EventConditions RunPlan::at(uint64_t event_index) const {
  if (timeline_) {
    const physics::TimelineSample x = timeline_->at(event_index);
    return {x.time, x.degradation};
  }
  return {time_.at(event_index), schedule_.at(event_index)};
}

uint64_t RunPlan::total_events() const {
  return timeline_ ? timeline_->total_events() : schedule_.total_events();
}

size_t RunPlan::levels() const {
  return timeline_ ? timeline_->levels().size() : schedule_.smear_levels.size();
}

EventConditions RunPlan::level_start(size_t level) const {
  if (timeline_) return at(timeline_->levels().at(level).first_event);
  return at(static_cast<uint64_t>(level) * schedule_.events_per_level);
}

}  // namespace l1t::config
