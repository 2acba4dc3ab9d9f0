#include "common/physics/tracker_degradation.h"

#include <sstream>

namespace l1t::physics {

namespace {
// Independent losses; exact when one is 0, so that composing with none changes nothing.
double combine_losses(double x, double y) {
  if (x == 0) return y;
  if (y == 0) return x;
  return 1 - (1 - x) * (1 - y);
}
}  // namespace

TrackerDegradation compose(const TrackerDegradation& a, const TrackerDegradation& b) {
  TrackerDegradation c;
  c.bias_rail_fraction = combine_losses(a.bias_rail_fraction, b.bias_rail_fraction);
  c.ps_z_loss_fraction = combine_losses(a.ps_z_loss_fraction, b.ps_z_loss_fraction);
  c.bad_strip_fraction = combine_losses(a.bad_strip_fraction, b.bad_strip_fraction);
  c.dead_region = b.dead_region.empty() ? a.dead_region : b.dead_region;
  c.z0_shift_cm = a.z0_shift_cm + b.z0_shift_cm;
  c.pt_scale = a.pt_scale * b.pt_scale;
  c.resolution_scale = a.resolution_scale * b.resolution_scale;
  return c;
}

bool tracker_scenario(std::string_view name, TrackerDegradation* out) {
  TrackerDegradation d;
  if (name == "none") {
    *out = d;
    return true;
  }
  d.bias_rail_fraction = kBiasRailPresetFraction;
  if (name == "bri") {
  } else if (name == "bri+1bs") {
    d.bad_strip_fraction = 0.01;
  } else if (name == "bri+5bs") {
    d.bad_strip_fraction = 0.05;
  } else if (name == "bri+10bs") {
    d.bad_strip_fraction = 0.10;
  } else {
    return false;
  }
  *out = d;
  return true;
}

std::string_view tracker_scenario_name(const TrackerDegradation& d) {
  for (std::string_view name : kTrackerScenarioNames) {
    TrackerDegradation preset;
    if (tracker_scenario(name, &preset) && preset == d) return name;
  }
  return {};
}

std::string tracker_scenario_list() {
  std::string s;
  for (std::string_view n : kTrackerScenarioNames) {
    if (!s.empty()) s += ", ";
    s += n;
  }
  return s;
}

std::string to_string(const TrackerDegradation& d) {
  if (d.is_none()) return "none";
  std::ostringstream s;
  const char* sep = "";
  auto item = [&](const char* key, double v) {
    s << sep << key << '=' << v;
    sep = " ";
  };
  if (d.bias_rail_fraction != 0) item("bias_rail", d.bias_rail_fraction);
  if (d.ps_z_loss_fraction != 0) item("ps_z_loss", d.ps_z_loss_fraction);
  if (d.bad_strip_fraction != 0) item("bad_strips", d.bad_strip_fraction);
  if (!d.dead_region.empty()) {
    s << sep << "dead_region=eta[" << d.dead_region.eta_min << ',' << d.dead_region.eta_max
      << ")xphi[" << d.dead_region.phi_min << ',' << d.dead_region.phi_max << ')';
    sep = " ";
  }
  if (d.z0_shift_cm != 0) item("z0_shift_cm", d.z0_shift_cm);
  if (d.pt_scale != 1) item("pt_scale", d.pt_scale);
  if (d.resolution_scale != 1) item("resolution_scale", d.resolution_scale);
  return s.str();
}

}  // namespace l1t::physics
