// The chain's ceiling: per level, what a model of the deployed architecture trained from scratch
// on that level's own data reaches (experiment::compute_level_ceilings, cached by its inputs),
// and how much of the way from the frozen model to it the live model went:
//   recovered_fraction = (live - frozen) / (ceiling - frozen)
// with live and frozen the chain's own PV-track efficiencies at the target pile-up acceptance
// (re-tuned per level) and the ceiling's on its own test set of the level's conditions (the
// same quantity, measured on other collisions). The ceiling computation's own frozen model is
// pre-trained on other events than the chain's and scores differently, so the chain's frozen
// model is the one subtracted. Given only where ceiling - frozen exceeds twice its error
// (binomial errors in quadrature); elsewhere null, with the reason.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/config/run_plan.h"
#include "common/config/scenario.h"

namespace l1t::chain {

// The ceiling of every level of the plan; false with *error when it cannot be computed (a bad
// model precision). The JSON: {from_cache, cache_path, seconds, train_events, test_events,
// levels: [{level, ceiling_pv_efficiency, ceiling_pv_efficiency_error, frozen_pv_efficiency,
// gap, gap_error}]}; cache warnings are logged.
bool compute_ceiling(const config::Scenario& cfg, const config::RunPlan& plan, nlohmann::json* out,
                     std::string* error);

// Adds ceiling_pv_efficiency, ceiling_pv_efficiency_error, ceiling_gap, ceiling_gap_error and
// recovered_fraction with recovered_fraction_error (or null and recovered_fraction_note) to
// each of the summary's levels.
void add_ceiling(const nlohmann::json& ceiling, nlohmann::json* levels);

// Where the cache lives when ceiling.cache_dir is empty.
std::string default_cache_dir();

}  // namespace l1t::chain
