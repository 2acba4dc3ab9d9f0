#include "common/trigger/training_data.h"

#include "common/trigger/event_features.h"

namespace l1t::trigger {

TrainingSet make_training_set(physics::EventGenerator& generator, int n_events,
                              const physics::DegradationState& state) {
  TrainingSet set;
  std::vector<float> features;
  for (int e = 0; e < n_events; ++e) {
    const physics::GeneratedEvent ev = generator.next(state);
    event_features(ev.tracks, &features);
    set.x.insert(set.x.end(), features.begin(), features.end());
    for (auto o : ev.origin) set.y.push_back(o == physics::Origin::kPrimary ? 1.0f : 0.0f);
  }
  return set;
}

}  // namespace l1t::trigger
