// The model every continual-learning run starts from: the network "trained once on perfect
// Monte Carlo", pre-trained with Adam on undegraded events of its own stream.
#pragma once

#include <cstdint>
#include <vector>

#include "common/experiment/data_view.h"
#include "common/nn/training/float_mlp.h"

namespace l1t::experiment {

struct PretrainSettings {
  std::vector<int> sizes = {nn::kNumFeatures, 25, 30, 1};
  int epochs = 8;
  size_t batch = 256;
  float lr = 3e-3f;  // as l1t-trainer pre-trains
};

// A seeded He/Glorot start, trained on data; *losses (optional) gets the loss of every epoch.
nn::FloatMlp pretrained_model(const DataView& data, const PretrainSettings& settings, uint64_t seed,
                              std::vector<float>* losses);

}  // namespace l1t::experiment
