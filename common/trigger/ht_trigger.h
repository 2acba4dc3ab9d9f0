// The track-HT trigger scored as a trigger physicist scores it, from the tracks each model keeps
// at the working point (the score threshold fixed on undegraded events):
//  * on the signal sample (events with a hard scatter): track HT and missing HT against those of
//    the tracks truly from the primary vertex, with their measured pT (perfect association), as
//    bias and resolution per level; and the trigger's efficiency;
//  * on the minimum-bias sample (the rate sample): the share of events accepted, as a rate in Hz
//    at the LHC's collision rate;
// at an HT threshold fixed once, on the undegraded minimum-bias events, where the frozen model
// accepts the target share of them, and then held, as a trigger menu holds its thresholds.
//
// Until the working point is fixed, events are kept (the undegraded ones come first); lock()
// then scores them. Memory is bounded by the caller's lock rule (DecisionMonitor).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace l1t::trigger {

struct TriggerSettings {
  double minbias_accept = 0.01;  // share of undegraded minimum-bias events the frozen model keeps
  // LHC: 40.079 MHz bunch crossings, 2808 of 3564 buckets filled (design): 31.6 MHz collisions.
  double crossing_rate_hz = 40.079e6;
  double filled_bunch_fraction = 2808.0 / 3564.0;
  // Fewer undegraded minimum-bias events than this many per expected accept give no threshold.
  double min_reference_accepts = 5;
  double collision_rate_hz() const { return crossing_rate_hz * filled_bunch_fraction; }
};

// One track of a joined event: measured pT and phi, both models' scores, and the truth.
struct ScoredTrack {
  float pt = 0, phi = 0;
  float live = 0, frozen = 0;
  bool primary = false;
};

// Mean and RMS of a residual.
struct Residual {
  uint64_t n = 0;
  double sum = 0, sum_sq = 0;
  void add(double r) {
    ++n;
    sum += r;
    sum_sq += r * r;
  }
  double mean() const;
  double rms() const;  // around the mean: the resolution
};

struct TriggerModelScore {
  Residual ht;   // (HT - HT_true) / HT_true on signal events
  Residual mht;  // MHT - MHT_true [GeV] on signal events
  uint64_t signal_accepted = 0, minbias_accepted = 0;
  // Each event's HT, for the threshold re-tuned per level (the first kMaxHtKept of a level).
  std::vector<double> signal_ht, minbias_ht;
};
inline constexpr size_t kMaxHtKept = 200000;

struct TriggerLevel {
  uint64_t signal_events = 0, minbias_events = 0;
  TriggerModelScore live, frozen;
};

// A trigger's share of events accepted and, on minimum bias, the rate; NaN without events.
struct Rate {
  double share = 0, share_error = 0;  // binomial
  double hz = 0, hz_error = 0;
};

class HtTrigger {
 public:
  explicit HtTrigger(TriggerSettings settings = {}) : settings_(settings) {}

  // One joined event of a level; reference: undegraded (the working point is fixed on these).
  // live_threshold: the live model's own working point for this event (its weight version's
  // calibration); nullopt: the fixed one, as for the frozen model.
  void add(uint32_t level, bool reference, bool minimum_bias, std::span<const ScoredTrack> tracks,
           std::optional<double> live_threshold = std::nullopt);
  // Fixes the score threshold and, from the kept undegraded minimum-bias events, the HT
  // threshold; then scores the kept events. Later calls do nothing. nullopt (no working point,
  // no undegraded events): nothing is scored, then or after.
  void lock(std::optional<double> score_threshold);
  bool locked() const { return locked_; }
  size_t kept_events() const { return kept_.size(); }

  const TriggerSettings& settings() const { return settings_; }
  std::optional<double> ht_threshold_gev() const { return ht_threshold_; }
  uint64_t reference_minbias_events() const { return reference_minbias_; }
  const std::map<uint32_t, TriggerLevel>& levels() const { return levels_; }

  Rate efficiency(const TriggerLevel& l, const TriggerModelScore& m) const;  // signal sample
  Rate rate(const TriggerLevel& l, const TriggerModelScore& m) const;        // minimum bias
  // The efficiency at the target minimum-bias share of this level, the HT threshold re-tuned
  // on the level for this model: models compared at the same rate, as triggers are judged.
  Rate efficiency_at_rate(const TriggerModelScore& m) const;

 private:
  struct Kept {
    uint32_t level;
    bool reference, minimum_bias;
    std::vector<ScoredTrack> tracks;
    std::optional<double> live_threshold;
  };
  void score(uint32_t level, bool minimum_bias, std::span<const ScoredTrack> tracks,
             std::optional<double> live_threshold);
  // The HT above which at most the target share of `ht` lies; nullopt with too few events.
  std::optional<double> threshold_for_share(std::vector<double> ht) const;

  TriggerSettings settings_;
  bool locked_ = false;
  std::optional<double> score_threshold_;
  std::optional<double> ht_threshold_;
  uint64_t reference_minbias_ = 0;
  std::vector<Kept> kept_;
  std::map<uint32_t, TriggerLevel> levels_;
};

// Scalar and vector sums of the pT of the tracks a selection keeps: the truly primary ones, or
// those a model scores at or above the threshold.
enum class Selection { kTruth, kLive, kFrozen };
struct HtSums {
  double ht = 0, mhx = 0, mhy = 0;
  double mht() const;
};
HtSums ht_sums(std::span<const ScoredTrack> tracks, Selection selection, double threshold);

}  // namespace l1t::trigger
