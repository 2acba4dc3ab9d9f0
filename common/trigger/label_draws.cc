#include "common/trigger/label_draws.h"

namespace l1t::trigger {

namespace {

// SplitMix64's finaliser: nearby (seed, id) pairs give unrelated generator seeds.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

LabelDraws::LabelDraws(uint64_t seed, uint64_t event_id) : rng_(mix(mix(seed) ^ event_id)) {}

bool LabelDraws::labelled(double fraction) { return uniform_(rng_) < fraction; }

bool LabelDraws::flipped(double noise) { return noise > 0 && uniform_(rng_) < noise; }

bool labels_event(uint64_t seed, double fraction, bool label_minimum_bias, uint64_t event_id,
                  bool minimum_bias) {
  if (minimum_bias && !label_minimum_bias) return false;
  return LabelDraws(seed, event_id).labelled(fraction);
}

}  // namespace l1t::trigger
