// Offline training of a FloatMlp on a fixed data set (the "trained once on Monte Carlo" model
// the continual learner starts from): shuffled mini-batches, Adam, several epochs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/nn/training/float_mlp.h"

namespace l1t::nn {

struct PretrainConfig {
  int epochs = 10;
  size_t batch = 256;
  float lr = 1e-3f;
  uint64_t seed = 1;  // shuffling order
  LossOptions loss;
};

// Trains model in place on n rows (x row-major n x n_inputs, y row-major n x n_outputs).
// Returns, per epoch, the mean training loss over that epoch's batches (weighted by batch size).
std::vector<float> pretrain(FloatMlp& model, const float* x, const float* y, size_t n,
                            const PretrainConfig& config);

}  // namespace l1t::nn
