// The monitor's report as JSON, one shape for l1t-monitor's stats and l1t-chain's summary: the
// working point, and per degradation level the figures a trigger physicist judges by (PV-track
// efficiency and pile-up acceptance at the fixed working point and re-tuned per level, AUC)
// beside accuracy at the score threshold. Values that do not exist (no tracks of a class) are
// null.
#pragma once

#include <nlohmann/json.hpp>

#include "common/trigger/decision_monitor.h"

namespace l1t::monitor {

nlohmann::json working_point_json(const trigger::DecisionMonitor& m);
// The HT trigger's menu: its HT threshold, the minimum-bias share it was set for, on how many
// undegraded minimum-bias events, and the collision rate the rates assume.
nlohmann::json trigger_json(const trigger::DecisionMonitor& m);
nlohmann::json level_json(const trigger::DecisionMonitor& m, const trigger::LevelScore& level);
nlohmann::json levels_json(const trigger::DecisionMonitor& m);

}  // namespace l1t::monitor
