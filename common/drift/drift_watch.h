// What the live model's inputs and outputs are doing, without labels and without sockets: per
// event, a sample of each track's features (pT, eta, phi, z0, |dZ|) and live score, and the
// event's track multiplicity and vertex z, against two references: the first events of the
// run ("undegraded": the conditions the model was trained for) and the first events after the
// last weight swap ("model"; taken from the first swap after the previous one completed, so that
// frequent swaps do not keep it from completing). Distances are Evidently's
// (distribution_distance.h), computed when asked (once a second), never per event. And per signal
// (score mean, accept rate, multiplicity, vertex z, each feature's event mean), drift detectors on
// block means standardised by their reference blocks, with thresholds set by simulation for a
// target mean number of events between false alarms. The model's signals (score, accept rate) are
// keyed by model version: reset, reference retaken, at each swap; the inputs' keep the run's start.
// Memory is bounded by the settings (windows are rings, levels are capped).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "common/drift/detector.h"
#include "common/drift/distribution_distance.h"
#include "common/drift/watch_settings.h"

namespace l1t::drift {

// The features whose distributions are compared, per track then per event.
inline constexpr std::array<const char*, 8> kWatchedFeatures = {
    "pt", "eta", "phi", "z0", "dz", "score", "tracks", "vertex_z"};
inline constexpr size_t kTrackFeatures = 6;  // the first six are per track
// The detectors' signals, each an event mean.
// disagreement: the share of the event's tracks that the live and the frozen model put on
// different sides of the threshold (an uncertainty signal: where they part, the live model has
// learnt something, or is unsure).
inline constexpr std::array<const char*, 10> kWatchedSignals = {
    "score_mean", "accept_rate", "disagreement", "tracks", "vertex_z",
    "pt",         "eta",         "phi",          "z0",     "dz"};
inline constexpr size_t kModelSignals = 3;  // the first three are the model's: reset at a swap

struct EventInputs {
  uint64_t event_id = 0;
  uint64_t model_version = 0;
  uint32_t level = 0;
  std::span<const float> features;  // n_tracks x 5, row-major, as the model sees them
  std::span<const float> scores;    // n_tracks live scores
  bool accept = false;
  double vertex_z = 0;
  double disagreement = 0;
};

struct WatchAlarm {
  std::string detector, signal;
  uint64_t event = 0, model_version = 0;
  uint32_t level = 0;
  DriftLevel state = DriftLevel::kDrift;
};

struct DetectorState {
  std::string detector, signal;
  double statistic = 0, threshold = 0;
  DriftLevel state = DriftLevel::kOk;
  uint64_t alarms = 0;
};

struct FeatureDistance {
  std::string feature, reference;  // reference: "undegraded" or "model"
  Distances d;
};

// The threshold a detector gets for a target mean run (in values of a unit Gaussian stream)
// between false alarms, by simulation (threshold_calibration.h); for ADWIN it is -log10(delta).
double simulate_threshold(const std::string& detector, double target_run);
// The same, simulated once per process and target (the default target's is stored: tests check
// that the simulation still gives it).
double calibrated_threshold(const std::string& detector, double target_run);
// A detector by name at its calibrated threshold; nullptr if unknown. "page_hinkley" and
// "adwin" are calibrated on a unit Gaussian (standardised block means), "ddm" and "hddm_a" on
// error bits of rate 0.05 (the live model's on tracks); a target other than the default's
// simulates at first use (seconds for the error-bit detectors).
// The error-bit target for settings: false_alarm_events x label_tracks_per_event x 0.4.
double error_bit_target(const WatchSettings& s);
std::unique_ptr<Detector> make_watch_detector(const std::string& name, double target_run);

class DriftWatch {
 public:
  explicit DriftWatch(const WatchSettings& s = {});

  void observe(const EventInputs& in);

  // The recent window against both references (features whose reference is not complete are
  // left out).
  std::vector<FeatureDistance> distances() const;
  // The same for one feature (an index into kWatchedFeatures): a caller on the event loop spreads
  // the sorting over several turns instead of stalling one by tens of ms.
  std::vector<FeatureDistance> distances(size_t feature) const;
  std::vector<DetectorState> detectors() const;
  const std::vector<WatchAlarm>& alarms() const { return alarms_; }
  uint64_t alarms_total() const { return alarms_total_; }
  uint64_t events() const { return events_; }
  uint64_t model_version() const { return version_; }
  // Per level seen: each feature's distances from the undegraded reference, as the summary's
  // levels[].drift; and the alarms.
  nlohmann::json level_json() const;
  nlohmann::json json() const;

 private:
  // A fixed-capacity sample: a ring of the latest values, or the first ones (a reference).
  struct Sample {
    std::vector<double> values;
    size_t capacity = 0, next = 0;
    bool ring = true;
    void add(double x);
    bool full() const { return values.size() >= capacity; }
  };
  using FeatureSamples = std::array<Sample, kWatchedFeatures.size()>;
  struct Signal {
    std::vector<std::unique_ptr<Detector>> detectors;
    std::vector<uint64_t> alarms;  // per detector
    std::vector<DriftLevel> states;
    double block_sum = 0;
    size_t block_n = 0;
    size_t reference_blocks = 0;
    double ref_mean = 0, ref_m2 = 0;  // Welford over the reference blocks
  };

  FeatureSamples make_samples(size_t events, bool ring) const;
  void add(FeatureSamples& s, const EventInputs& in) const;
  void start_model(uint64_t version);
  void end_block(const EventInputs& in);

  WatchSettings s_;
  double target_run_blocks_;
  FeatureSamples undegraded_, model_, model_next_, window_;
  bool model_filling_ = false;
  std::map<uint32_t, FeatureSamples> levels_;
  std::array<Signal, kWatchedSignals.size()> signals_;
  std::array<double, kWatchedSignals.size()> event_values_{};
  size_t in_block_ = 0;
  uint64_t version_ = 0, events_ = 0, alarms_total_ = 0;
  bool started_ = false;
  std::vector<WatchAlarm> alarms_;
};

}  // namespace l1t::drift
