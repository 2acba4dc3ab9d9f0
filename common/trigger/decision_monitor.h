// Joins the inference node's decisions with the emulator's truth, per event, and keeps score:
// per degradation level, the accuracy and AUC of the live and the frozen model, latency, the
// weight versions seen and whether any event went missing around a weight swap.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/nn/evaluation/classification_metrics.h"
#include "common/nn/evaluation/working_point.h"
#include "common/trigger/ht_trigger.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::trigger {

struct ModelScore {
  nn::BinaryCounts counts;
  nn::HistogramAuc auc{1025, 0.0f, 1.0f + 1.0f / 1024};  // one bin per 2^-10 step, 1.0 included
};

struct LevelScore {
  uint32_t level = 0;
  double smear = 0;
  // The outer tracker's condition: a CMS scenario's name ("bri+5bs"), else its parameters
  // ("bias_rail=0.2 z0_shift_cm=0.1"), "none" when undegraded.
  std::string tracker = "none";
  uint64_t events = 0;               // joined, of both samples
  uint64_t minimum_bias_events = 0;  // the rate sample: not in the track figures below
  uint64_t signal_events() const { return events - minimum_bias_events; }
  ModelScore live, frozen;  // on the signal sample
  // The live model at its own working point, each event at the threshold its weight version
  // carried (Decision.live_threshold), counted over the events that had one.
  nn::BinaryCounts live_deployed;
  uint64_t live_deployed_events = 0;
  double live_threshold_sum = 0;
  // FastHisto (the decision's pv_z0) against the true primary vertex: found when within the
  // monitor's vertex window; the resolution is the RMS of the found ones' residuals.
  uint64_t vertices_found = 0;
  double vertex_residual_sq = 0;
  double vertex_efficiency() const;
  double vertex_resolution_cm() const;
};

// A level's figures of merit at the run's working point (the threshold fixed on undegraded
// events) and, as a trigger re-tuned per level would be, at the target pile-up acceptance.
struct LevelFigures {
  // live: at the live model's own working point when every event of the level had one
  // (live_calibrated; threshold the mean over its events), else at the frozen model's.
  nn::WorkingPoint live, frozen;
  bool live_calibrated = false;
  nn::WorkingPoint live_retuned, frozen_retuned;
};

// One inference node as its decisions show it (several nodes share the event stream).
struct NodeView {
  uint64_t decisions = 0;        // every decision the node sent, duplicates included
  uint64_t drift_alarms = 0;     // its label-free drift alarms so far (Decision.drift_alarms)
  uint64_t model_version = 0;    // the live weight version of its latest decision
  std::string last_drift_alarm;  // "detector/signal" of its latest alarm
};

class DecisionMonitor {
 public:
  // Decisions from more nodes than this are scored but not shown per node (names come from
  // the network: a peer cannot grow this without bound).
  static constexpr size_t kMaxNodes = 256;

  // history bounds memory for endless runs: the latencies kept for quantiles, the per-event
  // versions kept for the swap check, and the events waiting for their other half (older ones
  // are given up and counted in unmatched()).
  // pu_acceptance: the share of pile-up tracks the frozen model keeps at the working point.
  // vertex_window_cm: how near the true primary vertex FastHisto must be to count as found (as
  // l1t-emulator --describe counts it).
  // trigger: the HT trigger's settings. reference_cap: the undegraded events kept for the HT
  // trigger until the working point is fixed (DecisionMonitor::fix_working_point).
  explicit DecisionMonitor(double threshold = 0.5, size_t history = 1000000,
                           double pu_acceptance = 0.10, double vertex_window_cm = 0.5,
                           TriggerSettings trigger = {}, size_t reference_cap = 5000)
      : threshold_(threshold),
        history_(std::max<size_t>(history, 2)),
        pu_acceptance_(pu_acceptance),
        vertex_window_cm_(vertex_window_cm),
        reference_cap_(reference_cap),
        ht_(trigger) {}

  void on_truth(const v1::Truth& truth);
  void on_decision(const v1::Decision& decision);

  uint64_t joined() const { return joined_; }
  uint64_t decisions() const { return decisions_; }
  uint64_t mismatched() const { return mismatched_; }  // track counts that disagree
  uint64_t unmatched() const { return unmatched_; }    // given up waiting for the other half
  // Truths and decisions of an event already seen (a restarted sender's overlap): ignored.
  uint64_t duplicates() const { return duplicates_; }
  // Truths still waiting for their decision: events the inference nodes lost, at the run's end.
  uint64_t undecided() const { return truth_.size(); }
  const std::map<uint32_t, LevelScore>& levels() const { return levels_; }
  // Recent joined events only (for progress lines): accuracy of live and frozen model.
  std::pair<double, double> rolling_accuracy() const;
  uint64_t latest_version() const { return latest_version_; }
  // The inference nodes' label-free drift alarms (Decision.drift_alarms, summed over nodes)
  // and the latest one named ("detector/signal"), for progress lines.
  uint64_t drift_alarms() const;
  const std::string& last_drift_alarm() const { return last_drift_alarm_; }
  const std::map<std::string, NodeView>& nodes() const { return nodes_; }
  const std::vector<uint64_t>& versions_seen() const { return versions_seen_; }
  // Decided events in id order whose neighbour across a version change is missing.
  uint64_t events_missing_around_swaps() const;
  // Over the last `history` decisions.
  double latency_quantile(double q) const;
  const std::optional<LevelScore>& current_level() const { return current_; }

  // The working point: the frozen model's threshold for the target pile-up acceptance on the
  // undegraded signal events (no smear, tracker "none"), held for every level as a deployed
  // trigger holds its threshold. nullopt before any undegraded event. It is estimated on the
  // undegraded events joined so far until it is fixed: at the first degraded event, when
  // reference_cap undegraded events are kept, or by fix_working_point() (the end of a run).
  std::optional<nn::WorkingPoint> working_point() const;
  void fix_working_point();
  // true (the default): the live model's figures at the working point are at the threshold
  // each weight version carries, where it has one; false: at the frozen model's fixed one.
  void set_live_calibrated(bool calibrated) { live_calibrated_ = calibrated; }
  bool live_calibrated() const { return live_calibrated_; }
  bool working_point_fixed() const { return ht_.locked(); }
  // The HT trigger at the working point (scored once the working point is fixed).
  const HtTrigger& trigger() const { return ht_; }
  double target_pu_acceptance() const { return pu_acceptance_; }
  uint64_t reference_events() const { return reference_events_; }
  double vertex_window_cm() const { return vertex_window_cm_; }
  LevelFigures figures(const LevelScore& level) const;

 private:
  void join(const v1::Truth& truth, const v1::Decision& decision);
  void forget_old(uint64_t newest_id);

  double threshold_;
  size_t history_;
  double pu_acceptance_;
  double vertex_window_cm_;
  size_t reference_cap_;
  bool live_calibrated_ = true;
  HtTrigger ht_;
  std::optional<nn::WorkingPoint> fixed_;
  std::vector<ScoredTrack> scored_;                             // reused per event
  nn::HistogramAuc reference_{1025, 0.0f, 1.0f + 1.0f / 1024};  // frozen, undegraded events
  uint64_t reference_events_ = 0;
  std::map<uint64_t, v1::Truth> truth_;        // waiting for their decision
  std::map<uint64_t, v1::Decision> decision_;  // waiting for their truth
  std::map<uint32_t, LevelScore> levels_;
  std::optional<LevelScore> current_;
  std::deque<std::pair<nn::BinaryCounts, nn::BinaryCounts>> recent_;
  std::map<uint64_t, uint64_t> version_of_event_;
  std::vector<uint64_t> versions_seen_;
  std::vector<double> latencies_;  // a ring of the last history_ once full
  size_t latency_next_ = 0;
  uint64_t missing_forgotten_ = 0;  // events_missing_around_swaps() of pruned events
  uint64_t latest_version_ = 0;
  std::map<std::string, NodeView> nodes_;  // at most kMaxNodes
  std::string last_drift_alarm_;
  uint64_t joined_ = 0, decisions_ = 0, mismatched_ = 0, unmatched_ = 0, duplicates_ = 0;
};

}  // namespace l1t::trigger
