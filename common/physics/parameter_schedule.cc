#include "common/physics/parameter_schedule.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <utility>

namespace l1t::physics {

namespace {

template <class E, size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

constexpr NameTable<TimeAxis, 4> kAxes = {{{TimeAxis::kEvent, "event"},
                                           {TimeAxis::kLumisection, "lumisection"},
                                           {TimeAxis::kFill, "fill"},
                                           {TimeAxis::kIntegratedLumiPb, "lumi_pb"}}};
constexpr NameTable<ScheduleKind, 5> kKinds = {{{ScheduleKind::kConstant, "constant"},
                                                {ScheduleKind::kStep, "step"},
                                                {ScheduleKind::kLinear, "linear"},
                                                {ScheduleKind::kPiecewise, "piecewise"},
                                                {ScheduleKind::kPerFill, "per_fill"}}};
constexpr NameTable<Interpolation, 2> kInterpolations = {
    {{Interpolation::kLinear, "linear"}, {Interpolation::kStaircase, "staircase"}}};

template <class E, size_t N>
std::string_view name_of(const NameTable<E, N>& table, E e) {
  for (const auto& [v, name] : table) {
    if (v == e) return name;
  }
  return "?";
}

template <class E, size_t N>
bool parse_name(const NameTable<E, N>& table, std::string_view name, E* out) {
  for (const auto& [v, n] : table) {
    if (n == name) {
      *out = v;
      return true;
    }
  }
  return false;
}

template <class E, size_t N>
std::string list_of(const NameTable<E, N>& table) {
  std::string s;
  for (const auto& [v, name] : table) {
    if (!s.empty()) s += ", ";
    s += name;
  }
  return s;
}

}  // namespace

std::string_view to_string(TimeAxis a) { return name_of(kAxes, a); }
std::string_view to_string(ScheduleKind k) { return name_of(kKinds, k); }
std::string_view to_string(Interpolation i) { return name_of(kInterpolations, i); }
bool parse_time_axis(std::string_view name, TimeAxis* out) { return parse_name(kAxes, name, out); }
bool parse_schedule_kind(std::string_view name, ScheduleKind* out) {
  return parse_name(kKinds, name, out);
}
bool parse_interpolation(std::string_view name, Interpolation* out) {
  return parse_name(kInterpolations, name, out);
}
std::string time_axis_list() { return list_of(kAxes); }
std::string schedule_kind_list() { return list_of(kKinds); }

double coordinate(const TimePoint& t, TimeAxis axis) {
  switch (axis) {
    case TimeAxis::kEvent:
      return static_cast<double>(t.event_index);
    case TimeAxis::kLumisection:
      return static_cast<double>(t.lumisection_index);
    case TimeAxis::kFill:
      return static_cast<double>(t.fill_index);
    case TimeAxis::kIntegratedLumiPb:
      return t.integrated_lumi_pb;
  }
  return 0;
}

ParameterSchedule ParameterSchedule::constant(double value) {
  return {ScheduleKind::kConstant, TimeAxis::kEvent, Interpolation::kStaircase, {{0, value}}};
}

ParameterSchedule ParameterSchedule::step(TimeAxis axis, double at, double before, double after) {
  // Two knots at the same point: before it the first value holds, from it the second.
  return {ScheduleKind::kStep, axis, Interpolation::kStaircase, {{at, before}, {at, after}}};
}

ParameterSchedule ParameterSchedule::linear(TimeAxis axis, Knot from, Knot to) {
  return {ScheduleKind::kLinear, axis, Interpolation::kLinear, {from, to}};
}

ParameterSchedule ParameterSchedule::piecewise(TimeAxis axis, std::vector<Knot> knots,
                                               Interpolation interpolation) {
  return {ScheduleKind::kPiecewise, axis, interpolation, std::move(knots)};
}

ParameterSchedule ParameterSchedule::per_fill(const std::vector<double>& values) {
  std::vector<Knot> knots;
  knots.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) knots.push_back({static_cast<double>(i), values[i]});
  return {ScheduleKind::kPerFill, TimeAxis::kFill, Interpolation::kStaircase, std::move(knots)};
}

double ParameterSchedule::at_coordinate(double x) const {
  if (knots_.empty()) return 0;
  // First knot strictly after x: the knot before it is the last one at or before x.
  const auto next = std::upper_bound(knots_.begin(), knots_.end(), x,
                                     [](double v, const Knot& k) { return v < k.at; });
  if (next == knots_.begin()) return knots_.front().value;
  const Knot& a = *std::prev(next);
  if (next == knots_.end() || interpolation_ == Interpolation::kStaircase) return a.value;
  const Knot& b = *next;  // b.at > x >= a.at, so the width is positive
  return a.value + (x - a.at) / (b.at - a.at) * (b.value - a.value);
}

std::optional<ParamError> ParameterSchedule::check() const {
  if (knots_.empty()) return ParamError{"knots", "must hold at least one value"};
  for (size_t i = 0; i < knots_.size(); ++i) {
    if (!std::isfinite(knots_[i].at) || !std::isfinite(knots_[i].value)) {
      return ParamError{"knots", "has a value that is not finite at index " + std::to_string(i)};
    }
    if (i > 0 && knots_[i].at < knots_[i - 1].at) {
      return ParamError{"knots", "is not increasing at index " + std::to_string(i)};
    }
  }
  return std::nullopt;
}

std::string ParameterSchedule::describe() const {
  std::ostringstream s;
  s << to_string(kind_);
  if (kind_ == ScheduleKind::kConstant) {
    s << ' ' << (knots_.empty() ? 0.0 : knots_.front().value);
    return s.str();
  }
  s << " on " << to_string(axis_);
  if (kind_ == ScheduleKind::kPiecewise) s << " (" << to_string(interpolation_) << ")";
  s << ':';
  const char* sep = " ";
  for (const Knot& k : knots_) {
    s << sep << k.value << " at " << k.at;
    sep = " -> ";
  }
  return s.str();
}

}  // namespace l1t::physics
