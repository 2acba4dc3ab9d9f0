// l1t-chain's report: the run summary (JSON) from the monitor and each process's stats, and
// the table printed at the end.
#pragma once

#include <nlohmann/json.hpp>

#include "common/trigger/decision_monitor.h"

namespace l1t::chain {

nlohmann::json level_json(const trigger::LevelScore& l);
void print_summary(const nlohmann::json& summary);

}  // namespace l1t::chain
