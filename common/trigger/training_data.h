// Labelled training rows made from generated events, with the inference node's own features.
#pragma once

#include <cstdint>
#include <vector>

#include "common/physics/event_generator.h"

namespace l1t::trigger {

struct TrainingSet {
  std::vector<float> x;  // n x kNumFeatures, scaled features
  std::vector<float> y;  // 1 = track from the primary vertex
  size_t rows() const { return y.size(); }
};

// n_events events from the generator at the given degradation, every track labelled by truth.
TrainingSet make_training_set(physics::EventGenerator& generator, int n_events,
                              const physics::DegradationState& state = {});

}  // namespace l1t::trigger
