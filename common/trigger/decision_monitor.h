// Joins the inference node's decisions with the emulator's truth, per event, and keeps score:
// per degradation level, the accuracy and AUC of the live and the frozen model, latency, the
// weight versions seen and whether any event went missing around a weight swap.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "common/nn/classification_metrics.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::trigger {

struct ModelScore {
  nn::BinaryCounts counts;
  nn::HistogramAuc auc{1025, 0.0f, 1.0f + 1.0f / 1024};  // one bin per 2^-10 step, 1.0 included
};

struct LevelScore {
  uint32_t level = 0;
  double smear = 0;
  uint64_t events = 0;
  ModelScore live, frozen;
};

class DecisionMonitor {
 public:
  explicit DecisionMonitor(double threshold = 0.5) : threshold_(threshold) {}

  void on_truth(const v1::Truth& truth);
  void on_decision(const v1::Decision& decision);

  uint64_t joined() const { return joined_; }
  uint64_t decisions() const { return decisions_; }
  uint64_t mismatched() const { return mismatched_; }  // track counts that disagree
  const std::map<uint32_t, LevelScore>& levels() const { return levels_; }
  // Recent joined events only (for progress lines): accuracy of live and frozen model.
  std::pair<double, double> rolling_accuracy() const;
  uint64_t latest_version() const { return latest_version_; }
  const std::vector<uint64_t>& versions_seen() const { return versions_seen_; }
  // Decided events in id order whose neighbour across a version change is missing.
  uint64_t events_missing_around_swaps() const;
  double latency_quantile(double q) const;
  const std::optional<LevelScore>& current_level() const { return current_; }

 private:
  void join(const v1::Truth& truth, const v1::Decision& decision);

  double threshold_;
  std::map<uint64_t, v1::Truth> truth_;        // waiting for their decision
  std::map<uint64_t, v1::Decision> decision_;  // waiting for their truth
  std::map<uint32_t, LevelScore> levels_;
  std::optional<LevelScore> current_;
  std::deque<std::pair<nn::BinaryCounts, nn::BinaryCounts>> recent_;
  std::map<uint64_t, uint64_t> version_of_event_;
  std::vector<uint64_t> versions_seen_;
  std::vector<double> latencies_;
  uint64_t latest_version_ = 0;
  uint64_t joined_ = 0, decisions_ = 0, mismatched_ = 0;
};

}  // namespace l1t::trigger
