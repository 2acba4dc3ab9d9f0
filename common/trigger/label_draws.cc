#include "common/trigger/label_draws.h"

#include <algorithm>
#include <cmath>

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

double LabelDraws::exponential(double mean) {
  return mean > 0 ? std::exponential_distribution<double>(1 / mean)(rng_) : 0;
}

std::optional<LabelMode> parse_label_mode(std::string_view name) {
  if (name == "truth") return LabelMode::kTruth;
  if (name == "scouting") return LabelMode::kScouting;
  if (name == "offline") return LabelMode::kOffline;
  return std::nullopt;
}

bool labels_event(const LabelSampling& s, LabelDraws& draws, uint64_t event_id, bool minimum_bias,
                  bool accepted) {
  const bool drawn = draws.labelled(s.fraction);
  switch (s.mode) {
    case LabelMode::kTruth:
      return drawn && (!minimum_bias || s.label_minimum_bias);
    case LabelMode::kScouting: {
      // A prescale counts crossings, not a random draw: exactly one in every `prescale`.
      const auto prescale = static_cast<uint64_t>(std::max(1.0, std::round(1 / s.fraction)));
      return event_id % prescale == 0;
    }
    case LabelMode::kOffline:
      return accepted && drawn;
  }
  return false;
}

bool labels_event(const LabelSampling& s, uint64_t event_id, bool minimum_bias, bool accepted) {
  LabelDraws draws(s.seed, event_id);
  return labels_event(s, draws, event_id, minimum_bias, accepted);
}

}  // namespace l1t::trigger
