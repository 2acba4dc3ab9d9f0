// The live model against the labels as they come back (late, partial), and its performance
// before they do, without sockets:
//   * DDM and HDDM_A (River's) on the live model's error bits at its threshold, a few sampled
//     tracks per labelled event;
//   * the realised PV-track efficiency, pile-up acceptance and AUC on the last labelled events;
//   * an isotonic calibration of the live scores on the labels (only where the labels are an
//     unbiased sample: never on triggered-only ones), and from it, for every decided event,
//     the estimated efficiency, pile-up acceptance and AUC from the scores alone (NannyML's
//     confidence-based performance estimation, CBPE). A gap between estimate and realisation
//     beyond settings.efficiency_gap is concept drift: P(primary | score) itself moved.
// All of it is keyed by model version: start_model() forgets the old model's figures.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "common/drift/detector.h"
#include "common/drift/drift_watch.h"
#include "common/drift/isotonic_calibration.h"
#include "common/drift/watch_settings.h"

namespace l1t::drift {

struct Performance {
  bool valid = false;
  double efficiency = 0, pu_acceptance = 0, auc = 0;
  double efficiency_error = 0;  // binomial (realised) or from the calibrated p (estimated)
  uint64_t tracks = 0, events = 0;
};

class LabelWatch {
 public:
  // calibrate: whether these labels may calibrate the scores (false for offline labels).
  LabelWatch(const WatchSettings& s = {}, bool calibrate = true);

  void start_model(uint64_t version);
  // One labelled event as the live model scores it: scores and labels (1 primary) per track.
  // replayed: recent labels scored again by a new model (the calibration and the realised
  // figures take them, the error-bit detectors do not: they saw those labels once).
  void observe_labels(uint64_t event_id, std::span<const float> scores,
                      std::span<const float> labels, double threshold, bool replayed = false);
  // One decided event's live scores, for the estimate.
  void observe_event(std::span<const float> scores, double threshold);
  // The degradation level of what observe_event() and observe_labels() see next: the estimate
  // and the realised efficiency are also kept per level, over every model (the summary's).
  void set_level(uint32_t level) { level_ = level; }
  // Refits the calibration and checks the gap (about once a second).
  void refresh();

  Performance estimated() const;
  Performance realized() const;
  bool calibrated() const { return calibration_.fitted(); }
  bool calibrates() const { return calibrate_; }
  uint64_t model_version() const { return version_; }
  std::vector<DetectorState> detectors() const;
  const std::vector<WatchAlarm>& alarms() const { return alarms_; }
  uint64_t alarms_total() const { return alarms_total_; }
  // The counts, and the estimated and realised figures of the last refresh that had both.
  nlohmann::json json() const;

 private:
  struct Sums {
    double tp = 0, p = 0, fp = 0, n = 0, var = 0;
    void add(const Sums& o, double sign);
  };
  using Histogram = std::vector<double>;

  void push(std::deque<Sums>& ring, Sums& total, const Sums& s, size_t cap);
  void alarm(const std::string& detector, const std::string& signal, uint64_t event);
  static double auc(const Histogram& pos, const Histogram& neg);

  WatchSettings s_;
  bool calibrate_;
  uint64_t version_ = 0, labelled_events_ = 0, decided_events_ = 0, last_label_event_ = 0;
  std::vector<std::unique_ptr<Detector>> detectors_;  // ddm, hddm_a
  std::vector<uint64_t> detector_alarms_;
  std::vector<DriftLevel> states_;
  IsotonicCalibration calibration_;
  std::deque<Sums> realized_ring_, estimated_ring_;
  Sums realized_, estimated_;
  Histogram realized_pos_, realized_neg_, estimated_pos_, estimated_neg_;
  bool gap_alarmed_ = false;                    // one gap alarm per model
  Performance last_estimated_, last_realized_;  // at the last refresh that had both
  uint32_t level_ = 0;
  std::map<uint32_t, std::pair<Sums, Sums>> by_level_;  // estimated, realised; max_levels
  std::pair<Sums, Sums>* level_sums();
  uint64_t alarms_total_ = 0, gap_alarms_ = 0;
  std::vector<WatchAlarm> alarms_;
};

}  // namespace l1t::drift
