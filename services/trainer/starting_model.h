// What the trainer starts from: the model trained once on undegraded Monte Carlo (or loaded
// from a file), and the gate's reference rows from those same original conditions.
#pragma once

#include <cstddef>
#include <vector>

#include "common/config/scenario.h"
#include "common/nn/training/float_mlp.h"
#include "common/trigger/training_data.h"

namespace l1t::trainer {

// Loads trainer.initial_model, or pre-trains on trainer.pretrain_events undegraded events.
// false (logged) when the file cannot be used.
bool starting_model(const config::Scenario& cfg, const std::vector<int>& sizes,
                    nn::FloatMlp* model);

// About `rows` labelled tracks from fresh undegraded events, from a seed of their own (neither
// the pre-training nor the live collisions).
trigger::TrainingSet reference_rows(const config::Scenario& cfg, size_t rows);

}  // namespace l1t::trainer
