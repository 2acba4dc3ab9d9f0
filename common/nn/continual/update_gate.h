// The safe-update gate: a candidate weight set is published only if, scored in bit-exact fixed
// point as the FPGA would score it, it is no worse than the model in service by more than a
// margin, both on a held-out window of recent labels and on a reference set from the original
// conditions (a guard against forgetting).
//
// The held-out window is prequential ("test, then train"): it is made of the rows that arrive
// after the candidate was taken, which the candidate has never trained on. The learner still
// trains on them afterwards, so the gate costs the learner no data.
//
// The metric is accuracy at the trigger's score threshold, the quantity the trigger is judged
// by; the binary cross-entropy is reported too, but it does not decide.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/nn/inference/fixed_model.h"

namespace l1t::nn {

struct GateConfig {
  size_t window = 10000;           // rows judged after the candidate; 0 turns the gate off
  double margin = 0.005;           // accuracy the candidate may lose on the window
  double reference_margin = 0.01;  // ... on the reference set (old conditions may fade a little)
  float threshold = 0.5f;          // score at which a track counts as from the primary vertex
  // The working point published with each model (calibrate): its threshold keeps this share of
  // pile-up tracks.
  double pu_acceptance = 0.10;
};

// How one model does on one set of rows.
struct GateScore {
  size_t rows = 0;
  size_t correct = 0;
  double accuracy = 0;
  double bce = 0;  // mean binary cross-entropy of the fixed-point scores (clamped)
};

struct GateDecision {
  bool publish = true;
  std::string reason;  // "ok", "window", "reference", "window+reference" or "gate off"
  bool window_checked = false, reference_checked = false;
  GateScore window_candidate, window_service;
  GateScore reference_candidate, reference_service;
  double window_delta() const { return window_candidate.accuracy - window_service.accuracy; }
  double reference_delta() const {
    return reference_candidate.accuracy - reference_service.accuracy;
  }
  std::string summary() const;  // one line with all the numbers, for logs
};

// Scores a model on float feature rows in fixed point: inputs quantised to the model's input
// precision as the inference node does, then BatchScorer (bit-exact with the FPGA).
GateScore score_fixed(const FixedModel& model, const float* x, const float* y, size_t n,
                      float threshold);

// The lowest score threshold (on the output's lsb grid) at which model, in fixed point, keeps
// at most `pu_acceptance` of the rows labelled 0; 0 when there are none.
double threshold_for_acceptance(const FixedModel& model, const float* x, const float* y, size_t n,
                                double pu_acceptance);

class UpdateGate {
 public:
  UpdateGate(const GateConfig& config, int width);

  bool enabled() const { return config_.window > 0; }
  const GateConfig& config() const { return config_; }

  // The rows from the original conditions (copied). Fewer than 1 row: no reference check.
  void set_reference(const float* x, const float* y, size_t n);
  size_t reference_rows() const { return ref_y_.size(); }

  // Starts collecting a window for a candidate just taken: rows offered from now on are rows
  // it never trained on. Empties any window collected before.
  void open_window();
  bool window_open() const { return open_; }
  // Copies rows into the open window until it holds config().window rows; returns how many it
  // took (0 when no window is open or it is full).
  size_t offer(const float* x, const float* y, size_t n);
  bool window_full() const { return open_ && win_y_.size() >= config_.window; }
  size_t window_rows() const { return win_y_.size(); }

  // Scores both models on the window (if any rows) and on the reference set, decides, counts
  // the outcome and closes the window. With the gate off every candidate passes.
  GateDecision judge(const FixedModel& service, const FixedModel& candidate);

  // The working point to publish with model: threshold_for_acceptance on the latest window
  // (the most recent labelled tracks: current conditions) when it holds at least
  // kMinCalibrationRows pile-up rows, else on the reference set.
  static constexpr size_t kMinCalibrationRows = 1000;
  double calibrate(const FixedModel& model) const;

  uint64_t passed() const { return passed_; }
  uint64_t rejected() const { return rejected_; }

 private:
  GateConfig config_;
  int width_;
  bool open_ = false;
  std::vector<float> win_x_, win_y_;
  std::vector<float> ref_x_, ref_y_;
  uint64_t passed_ = 0, rejected_ = 0;
};

}  // namespace l1t::nn
