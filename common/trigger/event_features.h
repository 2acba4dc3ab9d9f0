// From one event's L1 tracks to the network's inputs: FastHisto vertex, per-track features,
// and their quantisation to the input precision. The inference node, the labeller and the
// trainer all call this, so features are computed by exactly the same code everywhere.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/fixed/spec.h"
#include "common/physics/track.h"

namespace l1t::trigger {

// Fills features (n_tracks x kNumFeatures, row-major, scaled) and returns the vertex z0 [cm].
double event_features(std::span<const physics::Track> tracks, std::vector<float>* features);

// Quantises scaled features to the model's input precision, as the firmware's input stage does.
void quantise_inputs(std::span<const float> features, const fixed::Spec& input,
                     std::vector<int64_t>* raw);

}  // namespace l1t::trigger
