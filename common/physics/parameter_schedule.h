// A scalar that changes with time: one degradation parameter's value at any moment of the run.
//
// The time coordinate (the axis) is one of
//   event        the event index, from 0
//   lumisection  lumisections since the start, from 0 (TimePoint::lumisection_index)
//   fill         fills since the start, from 0 (TimePoint::fill_index)
//   lumi_pb      integrated luminosity delivered since the start [1/pb]
//
// Every kind is stored as knots (point, value) on its axis, read either as linear
// interpolation or as a staircase (the value of the last knot at or before the point). Before
// the first knot the first value holds, after the last knot the last value (clamped):
//   constant(v)                        v everywhere
//   step(axis, at, before, after)      before, then after from `at` on (inclusive)
//   linear(axis, {x0, v0}, {x1, v1})   v0 up to x0, a straight ramp, v1 from x1 on
//   piecewise(axis, knots, interp)     knots sorted by point; linear or staircase
//   per_fill(values)                   values[i] during fill index i; the last one repeats
// Knots may share a point (a jump): at that point the later knot holds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/physics/param_error.h"
#include "common/physics/time_model.h"

namespace l1t::physics {

enum class TimeAxis { kEvent, kLumisection, kFill, kIntegratedLumiPb };
enum class ScheduleKind { kConstant, kStep, kLinear, kPiecewise, kPerFill };
enum class Interpolation { kLinear, kStaircase };

// YAML names: event, lumisection, fill, lumi_pb / constant, step, linear, piecewise, per_fill /
// linear, staircase. parse_* return false (and leave *out) for an unknown name.
std::string_view to_string(TimeAxis a);
std::string_view to_string(ScheduleKind k);
std::string_view to_string(Interpolation i);
bool parse_time_axis(std::string_view name, TimeAxis* out);
bool parse_schedule_kind(std::string_view name, ScheduleKind* out);
bool parse_interpolation(std::string_view name, Interpolation* out);
std::string time_axis_list();      // "event, lumisection, fill, lumi_pb"
std::string schedule_kind_list();  // "constant, step, linear, piecewise, per_fill"

// The value of t on an axis.
double coordinate(const TimePoint& t, TimeAxis axis);

struct Knot {
  double at = 0;  // point on the schedule's axis
  double value = 0;
  bool operator==(const Knot&) const = default;
};

class ParameterSchedule {
 public:
  ParameterSchedule() : ParameterSchedule(constant(0)) {}

  static ParameterSchedule constant(double value);
  static ParameterSchedule step(TimeAxis axis, double at, double before, double after);
  static ParameterSchedule linear(TimeAxis axis, Knot from, Knot to);
  static ParameterSchedule piecewise(TimeAxis axis, std::vector<Knot> knots,
                                     Interpolation interpolation);
  static ParameterSchedule per_fill(const std::vector<double>& values);

  double at(const TimePoint& t) const { return at_coordinate(coordinate(t, axis_)); }
  double at_coordinate(double x) const;

  // The first problem: no knots, a point or value that is not finite, or knots out of order
  // (key "knots", why "is not increasing at index i"). Factories never fail; check before use.
  std::optional<ParamError> check() const;

  ScheduleKind kind() const { return kind_; }
  TimeAxis axis() const { return axis_; }
  Interpolation interpolation() const { return interpolation_; }
  const std::vector<Knot>& knots() const { return knots_; }
  // One line for logs, e.g. "linear on event: 0 at 0 -> 0.1 at 20000".
  std::string describe() const;

 private:
  ParameterSchedule(ScheduleKind kind, TimeAxis axis, Interpolation interpolation,
                    std::vector<Knot> knots)
      : kind_(kind), axis_(axis), interpolation_(interpolation), knots_(std::move(knots)) {}

  ScheduleKind kind_;
  TimeAxis axis_;
  Interpolation interpolation_;
  std::vector<Knot> knots_;
};

}  // namespace l1t::physics
