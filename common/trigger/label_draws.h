// The labeller's random draws for one event, as a pure function of the run's labelling seed and
// the event id: whether the event is labelled (its sampled fraction) and which of its labels are
// flipped (reconstruction noise). Offline reconstruction labels an event the same way whenever
// it sees it, so a restarted labeller labels exactly the events an uninterrupted one would, and
// l1t-chain counts from the truth alone which labels the trainer should have had.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace l1t::trigger {

class LabelDraws {
 public:
  LabelDraws(uint64_t seed, uint64_t event_id);
  // The first draw: the event is labelled when it falls below fraction.
  bool labelled(double fraction);
  // One draw per track, in track order, after labelled(): flip this track's label.
  bool flipped(double noise);
  // After labelled(), when the delay has a random part: an exponential of this mean.
  double exponential(double mean);
  // A standard normal (offline re-measurement, offline_labels.h).
  double gauss() { return normal_(rng_); }

 private:
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uniform_{0, 1};
  std::normal_distribution<double> normal_{0, 1};
};

// Which events get labels (config::LabellerSettings::mode says what each is).
enum class LabelMode { kTruth, kScouting, kOffline };
// "truth", "scouting", "offline"; nullopt for anything else.
std::optional<LabelMode> parse_label_mode(std::string_view name);

struct LabelSampling {
  LabelMode mode = LabelMode::kTruth;
  uint64_t seed = 0;
  double fraction = 1;
  bool label_minimum_bias = false;  // truth mode only
};

// Whether the labeller labels this event, making the first draw of draws (every mode makes it,
// so that the draws after it are the same whatever the mode). accepted: the trigger's decision,
// read in offline mode only.
bool labels_event(const LabelSampling& s, LabelDraws& draws, uint64_t event_id, bool minimum_bias,
                  bool accepted);
// The same from the event alone (l1t-chain's count of the labels the trainer should have had).
bool labels_event(const LabelSampling& s, uint64_t event_id, bool minimum_bias, bool accepted);

}  // namespace l1t::trigger
