// A scripted timeline: several degradations, each with its own schedule, over a run whose
// events are placed in time by a TimeModel. It tells, for any event index, when the event was
// taken (run, fill, lumisection, integrated luminosity, pile-up) and the detector's state then.
//
// Conditions are updated once per interval of `update_every_lumisections` lumisections (like
// detector conditions valid for a range of lumisections): the state of the whole interval is
// the schedules' values at its first event. A step at event 2050 with 100 events per
// lumisection therefore takes effect at event 2100, and a linear ramp advances once per
// interval.
//
// Composition: the `scenario` preset (tracker_scenario()) is the base, and the other tracker
// entries compose onto it with compose(): losses as independent (1-(1-a)(1-b)), the shift
// adds, the scales multiply, a dead region switched on is set. Each parameter appears at most
// once. `smear` sets DegradationState::smear, read in the spec's smear_mode.
//
// Levels: level 0 is the first interval's state; the level goes up by one at every interval
// whose state differs from the one before (a return to an earlier state is a new level), so
// grouping by level groups events taken under one state. Events at or past total_events keep
// the last interval's state and level (the run is over; the detector does not heal), while their
// TimePoint still moves on.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/physics/degradation_parameter.h"
#include "common/physics/param_error.h"
#include "common/physics/parameter_schedule.h"
#include "common/physics/time_model.h"
#include "common/physics/track.h"
#include "common/physics/tracker_degradation.h"

namespace l1t::physics {

struct TimelineEntry {
  DegradationParameter parameter = DegradationParameter::kSmear;
  ParameterSchedule schedule;
  EtaPhiWindow dead_region;  // the window a dead_region entry switches on; unused otherwise
};

// What the YAML `timeline:` section describes (common/config/timeline_config.h).
struct TimelineSpec {
  TimeModelParams time;
  uint64_t total_events = 0;  // length of the run (YAML: duration)
  uint32_t update_every_lumisections = 1;
  std::vector<TimelineEntry> degradations;
  // How the smear entry's value acts (smear.h); the scenario's degradation.smear_mode, set by
  // config::RunPlan, not a key of the timeline section.
  SmearMode smear_mode = SmearMode::kAdditive;
};

// The first problem of spec, keyed as in YAML: "time.<field>", "duration",
// "update_every_lumisections", "degradations[i].parameter" (twice the same),
// "degradations[i].schedule.knots" (order, values out of range), "degradations[i].eta".
std::optional<ParamError> check(const TimelineSpec& spec);

// The schedules' values at t, without interval quantisation; level is left 0 and smear_mode
// at its default (Timeline::build sets the spec's).
DegradationState evaluate(const std::vector<TimelineEntry>& degradations, const TimePoint& t);

struct TimelineSample {
  TimePoint time;
  DegradationState degradation;  // level, smear and tracker state of the event's interval
  std::string_view scenario;     // tracker_scenario_name(degradation.tracker)
};

struct TimelineLevel {
  uint64_t first_event = 0;  // events [first_event, end_event) share this state
  uint64_t end_event = 0;
  DegradationState state;  // state.level is this level's index
  std::string_view scenario;
};

class Timeline {
 public:
  // At most this many conditions intervals: the levels are computed up front.
  static constexpr uint64_t kMaxIntervals = 1'000'000;

  // An empty timeline: no degradation, no events.
  Timeline() = default;

  // Checks spec (see check()) and computes its levels; on a problem returns it and leaves *out.
  static std::optional<ParamError> build(const TimelineSpec& spec, Timeline* out);

  TimelineSample at(uint64_t event_index) const;
  DegradationState degradation_at(uint64_t event_index) const {
    return at(event_index).degradation;
  }

  uint64_t total_events() const { return spec_.total_events; }
  const std::vector<TimelineLevel>& levels() const { return levels_; }
  const TimeModel& time_model() const { return time_; }
  const TimelineSpec& spec() const { return spec_; }

 private:
  const TimelineLevel& level_of(uint64_t event_index) const;

  TimelineSpec spec_;
  TimeModel time_;
  std::vector<TimelineLevel> levels_{TimelineLevel{0, 0, {}, "none"}};
};

// The old staircase (common/physics/degradation_schedule.h) as a timeline: smear_levels[i] for
// events [i*N, (i+1)*N). With time.events_per_lumisection dividing N the levels match exactly.
TimelineSpec smear_staircase_timeline(const std::vector<double>& smear_levels,
                                      uint64_t events_per_level, const TimeModelParams& time);

}  // namespace l1t::physics
