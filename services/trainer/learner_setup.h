// From the scenario's model and trainer sections to the learning library's configs: the
// deployed precision, the algorithm (nn::make_algorithm is the one list of names), the strategy
// with its parameters, the gate and the update policy. Every refusal names its config key.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config/scenario.h"
#include "common/nn/continual/continual_learner.h"
#include "common/nn/continual/update_gate.h"
#include "common/nn/training/algorithm.h"
#include "common/nn/training/quantise.h"
#include "common/nn/training/strategy.h"
#include "common/trigger/update_policy.h"

namespace l1t::trainer {

struct LearnerSetup {
  std::vector<int> sizes;  // layer sizes, input first
  nn::QuantisationConfig quantisation;
  nn::ContinualConfig continual;
  nn::AlgorithmConfig algorithm;
  nn::GateConfig gate;
  trigger::UpdatePolicyKind policy = trigger::UpdatePolicyKind::kEveryN;
  bool learning = true;  // strategy "none" keeps the starting model
};

bool make_learner_setup(const config::Scenario& cfg, LearnerSetup* out, std::string* error);

// The configured strategy's penalty (null for none, naive and replay); in_service is the model
// the inference nodes run (LwF's first teacher).
std::unique_ptr<nn::Strategy> make_strategy(const config::TrainerSettings& t,
                                            const nn::FloatMlp& in_service);

// A learner starting from start with the configured algorithm and strategy.
std::unique_ptr<nn::ContinualLearner> make_learner(const config::Scenario& cfg,
                                                   const LearnerSetup& setup,
                                                   const nn::FloatMlp& start);

}  // namespace l1t::trainer
