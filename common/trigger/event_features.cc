#include "common/trigger/event_features.h"

#include "common/fixed/cast.h"
#include "common/physics/fasthisto.h"
#include "common/physics/features.h"

namespace l1t::trigger {

double event_features(std::span<const physics::Track> tracks, std::vector<float>* features) {
  const double pv_z0 = physics::find_primary_vertex(tracks);
  features->resize(tracks.size() * physics::kNumFeatures);
  physics::compute_features(tracks, pv_z0, features->data());
  return pv_z0;
}

void quantise_inputs(std::span<const float> features, const fixed::Spec& input,
                     std::vector<int64_t>* raw) {
  raw->resize(features.size());
  for (size_t i = 0; i < features.size(); ++i)
    raw->data()[i] = fixed::from_double(features[i], input);
}

}  // namespace l1t::trigger
