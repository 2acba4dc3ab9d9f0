// The labeller's random draws for one event, as a pure function of the run's labelling seed and
// the event id: whether the event is labelled (its sampled fraction) and which of its labels are
// flipped (reconstruction noise). Offline reconstruction labels an event the same way whenever
// it sees it, so a restarted labeller labels exactly the events an uninterrupted one would, and
// l1t-chain counts from the truth alone which labels the trainer should have had.
#pragma once

#include <cstdint>
#include <random>

namespace l1t::trigger {

class LabelDraws {
 public:
  LabelDraws(uint64_t seed, uint64_t event_id);
  // The first draw: the event is labelled when it falls below fraction.
  bool labelled(double fraction);
  // One draw per track, in track order, after labelled(): flip this track's label.
  bool flipped(double noise);

 private:
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uniform_{0, 1};
};

// Whether the labeller labels this event: minimum-bias events only when asked to.
bool labels_event(uint64_t seed, double fraction, bool label_minimum_bias, uint64_t event_id,
                  bool minimum_bias);

}  // namespace l1t::trigger
