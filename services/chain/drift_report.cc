#include "services/chain/drift_report.h"

#include <string>

namespace l1t::chain {

void add_drift(const nlohmann::json& inference, nlohmann::json* summary) {
  const nlohmann::json watch = inference.value("drift", nlohmann::json::object());
  const nlohmann::json labels = watch.value("labels", nlohmann::json::object());
  nlohmann::json alarms = nlohmann::json::array();
  // The label-free alarms know their event's level; those against labels know the event the
  // last label came from.
  for (const auto* list : {&watch, &labels}) {
    for (const auto& a : list->value("alarms", nlohmann::json::array())) {
      nlohmann::json entry = {{"detector", a.value("detector", "")},
                              {"signal", a.value("signal", "")},
                              {"event", a.value("event", uint64_t{0})},
                              {"model_version", a.value("model_version", uint64_t{0})}};
      entry["level"] = a.contains("level") ? a["level"] : nlohmann::json();
      alarms.push_back(entry);
    }
  }
  (*summary)["drift"] = {{"alarms", alarms},
                         {"alarms_total", watch.value("alarms_total", uint64_t{0}) +
                                              labels.value("alarms_total", uint64_t{0})},
                         {"labels", labels},
                         {"events", watch.value("events", uint64_t{0})},
                         {"false_alarm_events", watch.value("false_alarm_events", 0.0)},
                         {"block_events", watch.value("block_events", uint64_t{0})}};
  const nlohmann::json by_level = watch.value("levels", nlohmann::json::object());
  const nlohmann::json performance = labels.value("levels", nlohmann::json::object());
  for (auto& level : (*summary)["levels"]) {
    const std::string key = std::to_string(level.value("level", 0u));
    level["drift"] = by_level.value(key, nlohmann::json::object());
    // The live model at the node's threshold: estimated from scores alone, realised on labels.
    level["performance"] = performance.value(key, nlohmann::json::object());
  }
}

}  // namespace l1t::chain
