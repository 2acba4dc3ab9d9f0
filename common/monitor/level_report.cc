#include "common/monitor/level_report.h"

#include <cmath>
#include <string>

namespace l1t::monitor {
namespace {

nlohmann::json num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

nlohmann::json working_point_json(const trigger::DecisionMonitor& m) {
  nlohmann::json j = {{"target_pu_acceptance", m.target_pu_acceptance()},
                      {"reference_events", m.reference_events()},
                      {"live", m.live_calibrated() ? "calibrated" : "held"},
                      {"model", "frozen"}};
  const auto wp = m.working_point();
  j["threshold"] = wp ? num(wp->threshold) : nlohmann::json();
  j["pu_acceptance"] = wp ? num(wp->negative_acceptance) : nlohmann::json();
  j["pv_efficiency"] = wp ? num(wp->efficiency) : nlohmann::json();
  return j;
}

nlohmann::json trigger_json(const trigger::DecisionMonitor& m) {
  const trigger::HtTrigger& t = m.trigger();
  const trigger::TriggerSettings& s = t.settings();
  const auto ht = t.ht_threshold_gev();
  return {{"ht_threshold_gev", ht ? num(*ht) : nlohmann::json()},
          {"target_minbias_accept", s.minbias_accept},
          {"reference_minbias_events", t.reference_minbias_events()},
          {"bunch_crossing_rate_hz", s.crossing_rate_hz},
          {"filled_bunch_fraction", s.filled_bunch_fraction},
          {"collision_rate_hz", s.collision_rate_hz()},
          {"selection", "tracks scored at or above the working point's threshold"}};
}

namespace {

// The trigger's figures of a level, for one model (suffix "frozen" or "live").
void add_trigger(const trigger::HtTrigger& t, const trigger::TriggerLevel& l,
                 const trigger::TriggerModelScore& s, const std::string& model, nlohmann::json* j) {
  const trigger::Rate eff = t.efficiency(l, s);
  const trigger::Rate rate = t.rate(l, s);
  (*j)["trigger_efficiency_" + model] = num(eff.share);
  (*j)["trigger_efficiency_" + model + "_error"] = num(eff.share_error);
  const trigger::Rate at_rate = t.efficiency_at_rate(s);
  (*j)["trigger_efficiency_at_rate_" + model] = num(at_rate.share);
  (*j)["trigger_efficiency_at_rate_" + model + "_error"] = num(at_rate.share_error);
  (*j)["trigger_rate_hz_" + model] = num(rate.hz);
  (*j)["trigger_rate_hz_" + model + "_error"] = num(rate.hz_error);
  (*j)["ht_bias_" + model] = num(s.ht.mean());
  (*j)["ht_resolution_" + model] = num(s.ht.rms());
  (*j)["mht_bias_gev_" + model] = num(s.mht.mean());
  (*j)["mht_resolution_gev_" + model] = num(s.mht.rms());
}

}  // namespace

nlohmann::json level_json(const trigger::DecisionMonitor& m, const trigger::LevelScore& l) {
  const trigger::LevelFigures f = m.figures(l);
  nlohmann::json j = {{"level", l.level},
                      {"smear", l.smear},
                      {"degradation", l.smear},
                      {"tracker", l.tracker},
                      {"events", l.events},
                      {"signal_events", l.signal_events()},
                      {"primary_tracks", l.frozen.counts.tp + l.frozen.counts.fn},
                      {"pileup_tracks", l.frozen.counts.fp + l.frozen.counts.tn},
                      {"minimum_bias_events", l.minimum_bias_events},
                      {"pv_efficiency_frozen", num(f.frozen.efficiency)},
                      {"pv_efficiency_live", num(f.live.efficiency)},
                      {"pu_acceptance_frozen", num(f.frozen.negative_acceptance)},
                      {"pu_acceptance_live", num(f.live.negative_acceptance)},
                      {"threshold_live", num(f.live.threshold)},
                      {"live_calibrated", f.live_calibrated},
                      {"pv_efficiency_frozen_retuned", num(f.frozen_retuned.efficiency)},
                      {"pv_efficiency_live_retuned", num(f.live_retuned.efficiency)},
                      {"vertex_efficiency", num(l.vertex_efficiency())},
                      {"vertex_resolution_cm", num(l.vertex_resolution_cm())},
                      {"auc_frozen", num(l.frozen.auc.auc())},
                      {"auc_live", num(l.live.auc.auc())},
                      {"accuracy_frozen", num(l.frozen.counts.accuracy())},
                      {"accuracy_live", num(l.live.counts.accuracy())}};
  const auto& levels = m.trigger().levels();
  const auto it = levels.find(l.level);
  const trigger::TriggerLevel none;
  const trigger::TriggerLevel& tl = it == levels.end() ? none : it->second;
  add_trigger(m.trigger(), tl, tl.frozen, "frozen", &j);
  add_trigger(m.trigger(), tl, tl.live, "live", &j);
  return j;
}

nlohmann::json levels_json(const trigger::DecisionMonitor& m) {
  nlohmann::json levels = nlohmann::json::array();
  for (const auto& [level, score] : m.levels()) levels.push_back(level_json(m, score));
  return levels;
}

}  // namespace l1t::monitor
