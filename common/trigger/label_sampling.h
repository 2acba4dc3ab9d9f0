// The labeller's sampling as its settings give it, for the labeller and l1t-chain's loss count.
#pragma once

#include "common/config/scenario.h"
#include "common/trigger/label_draws.h"

namespace l1t::trigger {

// settings.mode must have been checked (config::load_scenario does).
inline LabelSampling label_sampling(const config::LabellerSettings& settings) {
  return {parse_label_mode(settings.mode).value_or(LabelMode::kTruth), settings.seed,
          settings.fraction, settings.label_minimum_bias};
}

}  // namespace l1t::trigger
