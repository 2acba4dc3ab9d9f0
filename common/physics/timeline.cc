#include "common/physics/timeline.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace l1t::physics {

namespace {

bool same_state(const DegradationState& a, const DegradationState& b) {
  return a.smear == b.smear && a.smear_mode == b.smear_mode && a.tracker == b.tracker;
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

std::optional<ParamError> check_entry(const TimelineEntry& e, const std::string& prefix) {
  if (auto err = e.schedule.check()) return ParamError{prefix + ".schedule." + err->key, err->why};
  const auto& knots = e.schedule.knots();
  for (size_t k = 0; k < knots.size(); ++k) {
    const std::string why = check_value(e.parameter, knots[k].value);
    if (!why.empty()) {
      return ParamError{prefix + ".schedule.knots", "value at index " + std::to_string(k) + " " +
                                                        why + " for " +
                                                        std::string(to_string(e.parameter))};
    }
  }
  if (is_switch(e.parameter) && e.schedule.interpolation() == Interpolation::kLinear &&
      knots.size() > 1) {
    return ParamError{
        prefix + ".schedule",
        "must be a staircase for " + std::string(to_string(e.parameter)) +
            " (constant, step, per_fill, or piecewise with interpolation: staircase)"};
  }
  if (e.parameter == DegradationParameter::kDeadRegion) {
    const EtaPhiWindow& w = e.dead_region;
    if (!std::isfinite(w.eta_min) || !std::isfinite(w.eta_max) || !(w.eta_max > w.eta_min)) {
      return ParamError{prefix + ".eta", "must be [min, max] with max > min"};
    }
    if (!(w.phi_min >= -std::numbers::pi && w.phi_max <= std::numbers::pi &&
          w.phi_max > w.phi_min)) {
      return ParamError{prefix + ".phi", "must be [min, max] with -pi <= min < max <= pi"};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<ParamError> check(const TimelineSpec& spec) {
  if (auto err = check(spec.time)) return ParamError{"time." + err->key, err->why};
  if (spec.total_events == 0) return ParamError{"duration", "must be > 0 events"};
  if (spec.update_every_lumisections == 0) {
    return ParamError{"update_every_lumisections", "must be > 0"};
  }
  const uint64_t per_interval =
      spec.time.events_per_lumisection * uint64_t{spec.update_every_lumisections};
  const uint64_t intervals = ceil_div(spec.total_events, per_interval);
  if (intervals > Timeline::kMaxIntervals) {
    return ParamError{"duration", "spans " + std::to_string(intervals) +
                                      " conditions intervals, more than " +
                                      std::to_string(Timeline::kMaxIntervals) +
                                      ": raise update_every_lumisections or "
                                      "time.events_per_lumisection"};
  }
  for (size_t i = 0; i < spec.degradations.size(); ++i) {
    const std::string prefix = "degradations[" + std::to_string(i) + "]";
    for (size_t j = 0; j < i; ++j) {
      if (spec.degradations[j].parameter == spec.degradations[i].parameter) {
        return ParamError{prefix + ".parameter",
                          "'" + std::string(to_string(spec.degradations[i].parameter)) +
                              "' is already scheduled by degradations[" + std::to_string(j) + "]"};
      }
    }
    if (auto err = check_entry(spec.degradations[i], prefix)) return err;
  }
  return std::nullopt;
}

DegradationState evaluate(const std::vector<TimelineEntry>& degradations, const TimePoint& t) {
  DegradationState s;
  TrackerDegradation preset, extra;
  for (const TimelineEntry& e : degradations) {
    const double v = e.schedule.at(t);
    switch (e.parameter) {
      case DegradationParameter::kSmear:
        s.smear = v;
        break;
      case DegradationParameter::kBiasRail:
        extra.bias_rail_fraction = v;
        break;
      case DegradationParameter::kBadStrips:
        extra.bad_strip_fraction = v;
        break;
      case DegradationParameter::kDeadRegion:
        if (v >= 0.5) extra.dead_region = e.dead_region;
        break;
      case DegradationParameter::kZ0Shift:
        extra.z0_shift_cm = v;
        break;
      case DegradationParameter::kPtScale:
        extra.pt_scale = v;
        break;
      case DegradationParameter::kResolution:
        extra.resolution_scale = v;
        break;
      case DegradationParameter::kScenario: {
        const long last = static_cast<long>(kTrackerScenarioNames.size()) - 1;
        const long index = std::clamp(std::lround(v), 0L, last);
        tracker_scenario(kTrackerScenarioNames[index], &preset);
        break;
      }
    }
  }
  s.tracker = compose(preset, extra);
  return s;
}

std::optional<ParamError> Timeline::build(const TimelineSpec& spec, Timeline* out) {
  if (auto err = check(spec)) return err;
  Timeline t;
  t.spec_ = spec;
  t.time_ = TimeModel(spec.time);
  t.levels_.clear();
  const uint64_t per_interval =
      spec.time.events_per_lumisection * uint64_t{spec.update_every_lumisections};
  for (uint64_t first = 0; first < spec.total_events; first += per_interval) {
    DegradationState s = evaluate(spec.degradations, t.time_.at(first));
    s.smear_mode = spec.smear_mode;
    if (!t.levels_.empty() && same_state(s, t.levels_.back().state)) continue;
    if (!t.levels_.empty()) t.levels_.back().end_event = first;
    s.level = static_cast<int>(t.levels_.size());
    t.levels_.push_back({first, spec.total_events, s, tracker_scenario_name(s.tracker)});
  }
  *out = std::move(t);
  return std::nullopt;
}

const TimelineLevel& Timeline::level_of(uint64_t event_index) const {
  const uint64_t e = std::min(event_index, std::max<uint64_t>(spec_.total_events, 1) - 1);
  const auto next =
      std::upper_bound(levels_.begin(), levels_.end(), e,
                       [](uint64_t v, const TimelineLevel& l) { return v < l.first_event; });
  return next == levels_.begin() ? levels_.front() : *std::prev(next);
}

TimelineSample Timeline::at(uint64_t event_index) const {
  const TimelineLevel& l = level_of(event_index);
  return {time_.at(event_index), l.state, l.scenario};
}

TimelineSpec smear_staircase_timeline(const std::vector<double>& smear_levels,
                                      uint64_t events_per_level, const TimeModelParams& time) {
  TimelineSpec spec;
  spec.time = time;
  spec.total_events = smear_levels.size() * events_per_level;
  std::vector<Knot> knots;
  for (size_t i = 0; i < smear_levels.size(); ++i) {
    knots.push_back({static_cast<double>(i * events_per_level), smear_levels[i]});
  }
  if (!knots.empty()) {
    spec.degradations.push_back({DegradationParameter::kSmear,
                                 ParameterSchedule::piecewise(TimeAxis::kEvent, std::move(knots),
                                                              Interpolation::kStaircase),
                                 {}});
  }
  return spec;
}

}  // namespace l1t::physics
