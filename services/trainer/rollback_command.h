// `l1t-trainer --rollback-to N` and `--list-versions`: one command that asks the running trainer
// (on its snapshot ROUTER endpoint, endpoints.control) to republish kept version N as a new,
// higher version, or to list the versions it keeps with the gate's numbers.
#pragma once

#include <cstdint>
#include <string>

#include "common/config/scenario.h"

namespace l1t::trainer {

// Returns the process exit code: 0 done, 1 refused by the trainer, 3 no answer in time.
int run_rollback_command(const config::Scenario& cfg, uint64_t version, bool list_only,
                         double timeout_s);

}  // namespace l1t::trainer
