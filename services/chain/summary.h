// l1t-chain's report: the run summary (JSON) from the monitor and each process's stats, and
// the table printed at the end.
#pragma once

#include <nlohmann/json.hpp>

namespace l1t::chain {

void print_summary(const nlohmann::json& summary);

}  // namespace l1t::chain
