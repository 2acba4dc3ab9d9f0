#include "common/monitor/level_report.h"

#include <cmath>

namespace l1t::monitor {
namespace {

nlohmann::json num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

nlohmann::json working_point_json(const trigger::DecisionMonitor& m) {
  nlohmann::json j = {{"target_pu_acceptance", m.target_pu_acceptance()},
                      {"reference_events", m.reference_events()},
                      {"model", "frozen"}};
  const auto wp = m.working_point();
  j["threshold"] = wp ? num(wp->threshold) : nlohmann::json();
  j["pu_acceptance"] = wp ? num(wp->negative_acceptance) : nlohmann::json();
  j["pv_efficiency"] = wp ? num(wp->efficiency) : nlohmann::json();
  return j;
}

nlohmann::json level_json(const trigger::DecisionMonitor& m, const trigger::LevelScore& l) {
  const trigger::LevelFigures f = m.figures(l);
  return {{"level", l.level},
          {"smear", l.smear},
          {"degradation", l.smear},
          {"tracker", l.tracker},
          {"events", l.events},
          {"pv_efficiency_frozen", num(f.frozen.efficiency)},
          {"pv_efficiency_live", num(f.live.efficiency)},
          {"pu_acceptance_frozen", num(f.frozen.negative_acceptance)},
          {"pu_acceptance_live", num(f.live.negative_acceptance)},
          {"pv_efficiency_frozen_retuned", num(f.frozen_retuned.efficiency)},
          {"pv_efficiency_live_retuned", num(f.live_retuned.efficiency)},
          {"vertex_efficiency", num(l.vertex_efficiency())},
          {"vertex_resolution_cm", num(l.vertex_resolution_cm())},
          {"auc_frozen", num(l.frozen.auc.auc())},
          {"auc_live", num(l.live.auc.auc())},
          {"accuracy_frozen", num(l.frozen.counts.accuracy())},
          {"accuracy_live", num(l.live.counts.accuracy())}};
}

nlohmann::json levels_json(const trigger::DecisionMonitor& m) {
  nlohmann::json levels = nlohmann::json::array();
  for (const auto& [level, score] : m.levels()) levels.push_back(level_json(m, score));
  return levels;
}

}  // namespace l1t::monitor
