#include "common/config/timeline_config.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <numbers>
#include <set>
#include <sstream>

namespace l1t::config {
namespace {

using physics::DegradationParameter;
using physics::Knot;
using physics::ParameterSchedule;
using physics::ScheduleKind;
using physics::TimeAxis;

std::string show(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  std::ostringstream s;
  s << YAML::Dump(n);
  return s.str();
}

// The first failure wins; later reads become no-ops, so callers need not check after each one.
class Errors {
 public:
  explicit Errors(std::string* error) : error_(error) {}
  bool ok() const { return error_->empty(); }
  void fail(const std::string& key, const std::string& why) {
    if (ok()) *error_ = "config key '" + key + "' " + why;
  }

 private:
  std::string* error_;
};

// One YAML map read strictly: every key must be asked for, or finish() names it.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string path, Errors* errors)
      : node_(node), path_(std::move(path)), errors_(errors) {
    if (!node_.IsMap()) errors_->fail(path_, "must be a map");
  }

  std::string key(const std::string& k) const {
    return path_.empty() ? k : k.empty() ? path_ : path_ + "." + k;
  }
  bool ok() const { return errors_->ok(); }
  void fail(const std::string& k, const std::string& why) { errors_->fail(key(k), why); }
  bool has(const std::string& k) const { return node_.IsMap() && node_[k]; }

  // The child node, marked as read (undefined if absent).
  YAML::Node take(const std::string& k) {
    seen_.insert(k);
    return has(k) ? node_[k] : YAML::Node(YAML::NodeType::Undefined);
  }
  YAML::Node require(const std::string& k) {
    YAML::Node n = take(k);
    if (!n) fail(k, "is missing");
    return n;
  }

  template <class T>
  bool get(const std::string& k, T* value) {
    const YAML::Node n = take(k);
    return n && convert(n, key(k), value, errors_);
  }

  // Unsigned counts read as signed, so that -5 gets "must be > 0", not "wrong type".
  template <class T>
  void get_count(const std::string& k, bool positive, T* value) {
    long long v = 0;
    if (!get(k, &v)) return;
    if (v < (positive ? 1 : 0)) return fail(k, positive ? "must be > 0" : "must be >= 0");
    if (static_cast<unsigned long long>(v) > std::numeric_limits<T>::max()) {
      return fail(k, "is too large");
    }
    *value = static_cast<T>(v);
  }

  void finish(const std::string& context = "") {
    if (!ok() || !node_.IsMap()) return;
    for (const auto& kv : node_) {
      const std::string k = kv.first.as<std::string>();
      if (!seen_.count(k)) return fail(k, "is not a known key" + context);
    }
  }

  template <class T>
  static bool convert(const YAML::Node& n, const std::string& key, T* value, Errors* errors) {
    if (!errors->ok()) return false;
    try {
      *value = n.as<T>();
      return true;
    } catch (const YAML::Exception&) {
      errors->fail(key, "has a value of the wrong type: '" + show(n) + "'");
      return false;
    }
  }

 private:
  const YAML::Node node_;
  std::string path_;
  Errors* errors_;
  std::set<std::string> seen_;
};

void read_time(MapReader s, physics::TimeModelParams* t) {
  s.get_count("events_per_lumisection", true, &t->events_per_lumisection);
  s.get_count("lumisections_per_run", true, &t->lumisections_per_run);
  s.get_count("runs_per_fill", true, &t->runs_per_fill);
  s.get_count("first_run", false, &t->first_run);
  s.get_count("first_fill", false, &t->first_fill);
  s.get("lumisection_seconds", &t->lumisection_seconds);
  s.get("peak_pileup", &t->peak_pileup);
  s.get_count("levelled_lumisections", false, &t->levelled_lumisections);
  s.get("decay_lifetime_hours", &t->decay_lifetime_hours);
  s.get("inelastic_cross_section_mb", &t->inelastic_cross_section_mb);
  s.get_count("colliding_bunches", true, &t->colliding_bunches);
  s.finish();
  // Ranges: physics::check() names the same keys.
  if (auto err = physics::check(*t)) s.fail(err->key, err->why);
}

uint64_t read_duration(MapReader s, const physics::TimeModelParams& t) {
  uint64_t events = 0, lumisections = 0, fills = 0;
  s.get_count("events", true, &events);
  s.get_count("lumisections", true, &lumisections);
  s.get_count("fills", true, &fills);
  s.finish(" (give one of: events, lumisections, fills)");
  if (!s.ok()) return 0;
  const int given = (events > 0) + (lumisections > 0) + (fills > 0);
  if (given != 1) {
    s.fail("", "needs exactly one of: events, lumisections, fills");
    return 0;
  }
  uint64_t total = events;
  const uint64_t per_fill = uint64_t{t.lumisections_per_run} * t.runs_per_fill;
  if ((lumisections > 0 &&
       __builtin_mul_overflow(lumisections, t.events_per_lumisection, &total)) ||
      (fills > 0 && (__builtin_mul_overflow(fills, per_fill, &total) ||
                     __builtin_mul_overflow(total, t.events_per_lumisection, &total)))) {
    s.fail(lumisections > 0 ? "lumisections" : "fills", "is too large");
    return 0;
  }
  return total;
}

// A degradation value: a number in range, a preset name (scenario) or on/off (dead_region).
bool read_value(const YAML::Node& n, const std::string& key, DegradationParameter p, double* out,
                Errors* errors) {
  const std::string name(physics::to_string(p));
  if (p == DegradationParameter::kScenario) {
    std::string preset;
    if (!MapReader::convert(n, key, &preset, errors)) return false;
    for (size_t i = 0; i < physics::kTrackerScenarioNames.size(); ++i) {
      if (physics::kTrackerScenarioNames[i] == preset) {
        *out = static_cast<double>(i);
        return true;
      }
    }
    errors->fail(key,
                 "must be one of: " + physics::tracker_scenario_list() + " (got '" + preset + "')");
    return false;
  }
  if (p == DegradationParameter::kDeadRegion) {
    bool on = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, on)) {
      errors->fail(key, "must be on or off for dead_region (got '" + show(n) + "')");
      return false;
    }
    *out = on ? 1 : 0;
    return true;
  }
  if (!MapReader::convert(n, key, out, errors)) return false;
  const std::string why = physics::check_value(p, *out);
  if (!why.empty()) {
    errors->fail(key, why + " for " + name + " (got " + show(n) + ")");
    return false;
  }
  return true;
}

bool read_point(const YAML::Node& n, const std::string& key, TimeAxis axis, double* out,
                Errors* errors) {
  if (!MapReader::convert(n, key, out, errors)) return false;
  if (!(*out >= 0) || !std::isfinite(*out)) {
    errors->fail(key, "must be a point >= 0 on the " + std::string(physics::to_string(axis)) +
                          " axis (got " + show(n) + ")");
    return false;
  }
  return true;
}

// [point, value]
bool read_knot(const YAML::Node& n, const std::string& key, TimeAxis axis, DegradationParameter p,
               Knot* out, Errors* errors) {
  if (!n.IsSequence() || n.size() != 2) {
    errors->fail(key, "must be a pair [point, value] (got '" + show(n) + "')");
    return false;
  }
  return read_point(n[0], key, axis, &out->at, errors) &&
         read_value(n[1], key, p, &out->value, errors);
}

TimeAxis read_axis(MapReader& s) {
  TimeAxis axis = TimeAxis::kEvent;
  std::string name;
  if (!s.require("axis") || !s.get("axis", &name)) return axis;
  if (!physics::parse_time_axis(name, &axis)) {
    s.fail("axis", "must be one of: " + physics::time_axis_list() + " (got '" + name + "')");
  }
  return axis;
}

ParameterSchedule read_schedule(MapReader s, DegradationParameter p, Errors* errors) {
  const std::string param(physics::to_string(p));
  std::string kind_name;
  ScheduleKind kind = ScheduleKind::kConstant;
  if (!s.require("kind") || !s.get("kind", &kind_name)) return {};
  if (!physics::parse_schedule_kind(kind_name, &kind)) {
    s.fail("kind",
           "must be one of: " + physics::schedule_kind_list() + " (got '" + kind_name + "')");
    return {};
  }
  const bool is_switch = physics::is_switch(p);
  ParameterSchedule out;
  switch (kind) {
    case ScheduleKind::kConstant: {
      double v = 0;
      if (YAML::Node n = s.require("value")) read_value(n, s.key("value"), p, &v, errors);
      out = ParameterSchedule::constant(v);
      break;
    }
    case ScheduleKind::kStep: {
      const TimeAxis axis = read_axis(s);
      double at = 0, before = physics::neutral_value(p), after = 1;
      if (YAML::Node n = s.require("at")) read_point(n, s.key("at"), axis, &at, errors);
      if (YAML::Node n = s.take("before")) read_value(n, s.key("before"), p, &before, errors);
      YAML::Node n = p == DegradationParameter::kDeadRegion ? s.take("after") : s.require("after");
      if (n) read_value(n, s.key("after"), p, &after, errors);
      out = ParameterSchedule::step(axis, at, before, after);
      break;
    }
    case ScheduleKind::kLinear: {
      if (is_switch) {
        s.fail("kind", "linear cannot be used for " + param +
                           " (a switch): use step, per_fill, or piecewise with interpolation: "
                           "staircase");
        return {};
      }
      const TimeAxis axis = read_axis(s);
      Knot from, to;
      if (YAML::Node n = s.require("from")) read_knot(n, s.key("from"), axis, p, &from, errors);
      if (YAML::Node n = s.require("to")) read_knot(n, s.key("to"), axis, p, &to, errors);
      if (s.ok() && !(to.at > from.at)) s.fail("to", "must be at a later point than 'from'");
      out = ParameterSchedule::linear(axis, from, to);
      break;
    }
    case ScheduleKind::kPiecewise: {
      const TimeAxis axis = read_axis(s);
      auto interpolation =
          is_switch ? physics::Interpolation::kStaircase : physics::Interpolation::kLinear;
      std::string interp_name;
      if (s.get("interpolation", &interp_name)) {
        if (!physics::parse_interpolation(interp_name, &interpolation)) {
          s.fail("interpolation", "must be one of: linear, staircase (got '" + interp_name + "')");
        } else if (is_switch && interpolation == physics::Interpolation::kLinear) {
          s.fail("interpolation", "must be staircase for " + param + " (a switch)");
        }
      }
      std::vector<Knot> knots;
      const YAML::Node n = s.require("knots");
      if (n && (!n.IsSequence() || n.size() == 0)) {
        s.fail("knots", "must be a non-empty list of [point, value] pairs");
      }
      for (size_t i = 0; s.ok() && n && i < n.size(); ++i) {
        Knot k;
        if (!read_knot(n[i], s.key("knots") + "[" + std::to_string(i) + "]", axis, p, &k, errors)) {
          break;
        }
        if (!knots.empty() && !(k.at > knots.back().at)) {
          s.fail("knots", "is not increasing at index " + std::to_string(i));
        }
        knots.push_back(k);
      }
      out = ParameterSchedule::piecewise(axis, std::move(knots), interpolation);
      break;
    }
    case ScheduleKind::kPerFill: {
      std::vector<double> values;
      const YAML::Node n = s.require("values");
      if (n && (!n.IsSequence() || n.size() == 0)) s.fail("values", "must be a non-empty list");
      for (size_t i = 0; s.ok() && n && i < n.size(); ++i) {
        double v = 0;
        if (!read_value(n[i], s.key("values") + "[" + std::to_string(i) + "]", p, &v, errors)) {
          break;
        }
        values.push_back(v);
      }
      out = ParameterSchedule::per_fill(values);
      break;
    }
  }
  s.finish(" for a schedule of kind " + kind_name);
  return out;
}

// [min, max] of a dead region.
void read_range(MapReader& s, const std::string& k, double* lo, double* hi) {
  std::vector<double> v;
  if (!s.get(k, &v)) return;
  if (v.size() != 2) return s.fail(k, "must be [min, max]");
  *lo = v[0];
  *hi = v[1];
}

physics::TimelineEntry read_entry(MapReader s, Errors* errors) {
  physics::TimelineEntry e;
  std::string name;
  if (!s.require("parameter") || !s.get("parameter", &name)) return e;
  if (!physics::parse_degradation_parameter(name, &e.parameter)) {
    s.fail("parameter", "is not a known degradation: '" + name +
                            "' (known: " + physics::degradation_parameter_list() + ")");
    return e;
  }
  if (e.parameter == DegradationParameter::kDeadRegion) {
    e.dead_region.phi_min = -std::numbers::pi;
    e.dead_region.phi_max = std::numbers::pi;
    if (s.require("eta")) read_range(s, "eta", &e.dead_region.eta_min, &e.dead_region.eta_max);
    read_range(s, "phi", &e.dead_region.phi_min, &e.dead_region.phi_max);
  }
  if (YAML::Node n = s.require("schedule")) {
    e.schedule = read_schedule(MapReader(n, s.key("schedule"), errors), e.parameter, errors);
  }
  s.finish(e.parameter == DegradationParameter::kDeadRegion
               ? std::string()
               : " (eta and phi belong to dead_region only)");
  return e;
}

}  // namespace

bool parse_timeline(const YAML::Node& node, const std::string& key_path, physics::TimelineSpec* out,
                    std::string* error) {
  error->clear();
  Errors errors(error);
  physics::TimelineSpec spec;
  MapReader top(node, key_path, &errors);
  if (YAML::Node n = top.take("time"))
    read_time(MapReader(n, top.key("time"), &errors), &spec.time);
  if (YAML::Node n = top.require("duration")) {
    spec.total_events = read_duration(MapReader(n, top.key("duration"), &errors), spec.time);
  }
  top.get_count("update_every_lumisections", true, &spec.update_every_lumisections);
  if (YAML::Node list = top.take("degradations")) {
    if (!list.IsSequence()) top.fail("degradations", "must be a list");
    for (size_t i = 0; errors.ok() && list.IsSequence() && i < list.size(); ++i) {
      const std::string key = top.key("degradations") + "[" + std::to_string(i) + "]";
      spec.degradations.push_back(read_entry(MapReader(list[i], key, &errors), &errors));
    }
  }
  top.finish();
  // What only the whole spec shows: a parameter twice, an empty window, too many intervals.
  if (errors.ok()) {
    if (auto err = physics::check(spec)) top.fail(err->key, err->why);
  }
  if (!errors.ok()) return false;
  *out = std::move(spec);
  return true;
}

bool parse_timeline_text(const std::string& yaml_text, const std::string& key_path,
                         physics::TimelineSpec* out, std::string* error) {
  YAML::Node node;
  try {
    node = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    *error = std::string("config is not valid YAML: ") + e.what();
    return false;
  }
  std::stringstream path(key_path);
  for (std::string k; !key_path.empty() && std::getline(path, k, '.');) {
    if (!node.IsMap() || !node[k]) {
      *error = "config key '" + key_path + "' is missing";
      return false;
    }
    node.reset(node[k]);  // rebind; operator= would overwrite the parent's content
  }
  return parse_timeline(node, key_path, out, error);
}

bool load_timeline(const std::string& path, const std::string& key_path, physics::TimelineSpec* out,
                   std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot open config file '" + path + "'";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  if (!parse_timeline_text(text.str(), key_path, out, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

}  // namespace l1t::config
