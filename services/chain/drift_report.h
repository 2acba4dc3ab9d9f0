// The summary's drift: the inference nodes' DriftWatch (their stats files' "drift") as a
// top-level `drift` with every alarm ({detector, signal, event, level}), and each level's
// feature distances from the undegraded reference as that level's `drift`.
#pragma once

#include <nlohmann/json.hpp>

namespace l1t::chain {

// inference: an inference node's stats; summary: with its `levels` array already filled.
void add_drift(const nlohmann::json& inference, nlohmann::json* summary);

}  // namespace l1t::chain
