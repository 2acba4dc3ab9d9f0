#include "common/trigger/decision_monitor.h"

#include <algorithm>
#include <cmath>

#include "common/physics/track.h"
#include "common/physics/tracker_degradation.h"
#include "common/trigger/degradation_codec.h"

namespace l1t::trigger {
namespace {

// The sender's scenario name when it gave one, else the decoded parameters.
std::string tracker_label(const v1::DegradationState& d) {
  if (!d.scenario().empty()) return d.scenario();
  return physics::to_string(from_wire(d).tracker);
}

}  // namespace

void DecisionMonitor::on_truth(const v1::Truth& truth) {
  auto it = decision_.find(truth.event_id());
  // An event seen before: a restarted emulator sending again what its last incarnation sent.
  const bool joined_before =
      it == decision_.end() && version_of_event_.count(truth.event_id()) != 0;
  if (joined_before || truth_.count(truth.event_id()) != 0) {
    ++duplicates_;
    return;
  }
  if (it == decision_.end()) {
    truth_[truth.event_id()] = truth;
    forget_old(truth.event_id());
    return;
  }
  join(truth, it->second);
  decision_.erase(it);
}

void DecisionMonitor::on_decision(const v1::Decision& decision) {
  if (nodes_.size() < kMaxNodes || nodes_.count(decision.node()) > 0) {
    NodeView& node = nodes_[decision.node()];
    ++node.decisions;
    node.model_version = decision.model_version();
    if (decision.drift_alarms() > node.drift_alarms) {
      last_drift_alarm_ = decision.last_drift_alarm();
      node.last_drift_alarm = decision.last_drift_alarm();
    }
    node.drift_alarms = std::max(node.drift_alarms, decision.drift_alarms());
  }
  // A second decision on one event (it was sent twice, around an emulator restart): the first
  // one counts.
  if (version_of_event_.count(decision.event_id()) != 0) {
    ++duplicates_;
    return;
  }
  ++decisions_;
  const double latency =
      1e-9 * static_cast<double>(decision.decided_unix_ns() - decision.event_timestamp_ns());
  if (latencies_.size() < history_) {
    latencies_.push_back(latency);
  } else {
    latencies_[latency_next_] = latency;
    latency_next_ = (latency_next_ + 1) % history_;
  }
  version_of_event_[decision.event_id()] = decision.model_version();
  if (decision.model_version() != latest_version_) {
    if (std::find(versions_seen_.begin(), versions_seen_.end(), decision.model_version()) ==
        versions_seen_.end()) {
      versions_seen_.push_back(decision.model_version());
    }
    latest_version_ = std::max(latest_version_, decision.model_version());
  }
  auto it = truth_.find(decision.event_id());
  if (it == truth_.end()) {
    decision_[decision.event_id()] = decision;
    forget_old(decision.event_id());
    return;
  }
  join(it->second, decision);
  truth_.erase(it);
  forget_old(decision.event_id());
}

void DecisionMonitor::forget_old(uint64_t newest_id) {
  if (newest_id < history_) return;
  const uint64_t oldest_kept = newest_id - history_;
  auto prune_waiting = [&](auto& waiting) {
    while (!waiting.empty() && waiting.begin()->first < oldest_kept) {
      waiting.erase(waiting.begin());
      ++unmatched_;
    }
  };
  prune_waiting(truth_);
  prune_waiting(decision_);
  // Keep the swap check exact: count a pruned event's gap to its successor before dropping it.
  while (version_of_event_.size() > 1 && version_of_event_.begin()->first < oldest_kept) {
    const auto first = version_of_event_.begin();
    const auto second = std::next(first);
    if (second->second != first->second && second->first != first->first + 1) {
      missing_forgotten_ += second->first - first->first - 1;
    }
    version_of_event_.erase(first);
  }
}

void DecisionMonitor::join(const v1::Truth& truth, const v1::Decision& d) {
  const size_t n = truth.origin().size();
  if (static_cast<size_t>(d.score_live_size()) != n ||
      static_cast<size_t>(d.score_frozen_size()) != n) {
    ++mismatched_;
    return;
  }
  ++joined_;
  const uint32_t level = d.degradation().level();
  auto& ls = levels_[level];
  ls.level = level;
  ls.smear = d.degradation().smear();
  if (ls.events == 0) ls.tracker = tracker_label(d.degradation());
  ++ls.events;
  const bool reference = ls.smear == 0 && ls.tracker == "none";
  if (!reference && !ht_.locked()) fix_working_point();  // degraded: the reference is complete
  const bool minimum_bias = truth.minimum_bias();
  const double scale = std::ldexp(1.0, -d.score_frac_bits());
  auto primary = [&](size_t t) {
    return truth.origin()[t] == static_cast<char>(physics::Origin::kPrimary);
  };
  auto live_score = [&](size_t t) { return d.score_live(static_cast<int>(t)) * scale; };
  auto frozen_score = [&](size_t t) { return d.score_frozen(static_cast<int>(t)) * scale; };
  const std::optional<double> live_threshold = live_calibrated_ && d.live_threshold() > 0
                                                   ? std::optional<double>(d.live_threshold())
                                                   : std::nullopt;
  // Truths from senders before the HT fields carry no pT: no trigger figures for them.
  if (static_cast<size_t>(truth.track_pt_size()) == n &&
      static_cast<size_t>(truth.track_phi_size()) == n) {
    scored_.resize(n);
    for (size_t t = 0; t < n; ++t) {
      scored_[t] = {truth.track_pt(static_cast<int>(t)), truth.track_phi(static_cast<int>(t)),
                    static_cast<float>(live_score(t)), static_cast<float>(frozen_score(t)),
                    primary(t)};
    }
    ht_.add(level, reference, minimum_bias, scored_, live_threshold);
    if (!ht_.locked() && ht_.kept_events() >= reference_cap_) fix_working_point();
  }
  if (minimum_bias) {  // the rate sample: no track-level figures, no vertex to find
    ++ls.minimum_bias_events;
    current_ = ls;
    return;
  }
  const double dz = d.pv_z0() - truth.pv_z0();
  if (std::abs(dz) < vertex_window_cm_) {
    ++ls.vertices_found;
    ls.vertex_residual_sq += dz * dz;
  }
  nn::BinaryCounts live, frozen;
  for (size_t t = 0; t < n; ++t) {
    const double s_live = live_score(t);
    const double s_frozen = frozen_score(t);
    live.add(s_live >= threshold_, primary(t));
    frozen.add(s_frozen >= threshold_, primary(t));
    ls.live.auc.add(static_cast<float>(s_live), primary(t));
    ls.frozen.auc.add(static_cast<float>(s_frozen), primary(t));
  }
  if (live_threshold) {
    for (size_t t = 0; t < n; ++t)
      ls.live_deployed.add(live_score(t) >= *live_threshold, primary(t));
    ++ls.live_deployed_events;
    ls.live_threshold_sum += *live_threshold;
  }
  if (reference && !ht_.locked()) {
    ++reference_events_;
    for (size_t t = 0; t < n; ++t) reference_.add(static_cast<float>(frozen_score(t)), primary(t));
  }
  ls.live.counts.merge(live);
  ls.frozen.counts.merge(frozen);
  current_ = ls;
  recent_.emplace_back(live, frozen);
  if (recent_.size() > 200) recent_.pop_front();
}

double LevelScore::vertex_efficiency() const {
  return signal_events() == 0 ? std::nan("")
                              : static_cast<double>(vertices_found) / signal_events();
}

double LevelScore::vertex_resolution_cm() const {
  return vertices_found == 0 ? std::nan("") : std::sqrt(vertex_residual_sq / vertices_found);
}

std::optional<nn::WorkingPoint> DecisionMonitor::working_point() const {
  if (fixed_) return fixed_;
  if (reference_events_ == 0) return std::nullopt;
  return nn::working_point_for_acceptance(reference_, pu_acceptance_);
}

void DecisionMonitor::fix_working_point() {
  if (ht_.locked()) return;
  fixed_ = working_point();
  ht_.lock(fixed_ ? std::optional<double>(fixed_->threshold) : std::nullopt);
}

LevelFigures DecisionMonitor::figures(const LevelScore& level) const {
  LevelFigures f;
  if (const auto wp = working_point()) {
    f.live = nn::working_point_at(level.live.auc, wp->bin);
    f.frozen = nn::working_point_at(level.frozen.auc, wp->bin);
  }
  if (live_calibrated_ && level.live_deployed_events > 0 &&
      level.live_deployed_events == level.signal_events()) {
    const nn::BinaryCounts& c = level.live_deployed;
    f.live.bin = -1;  // no one bin: each event at its version's threshold
    f.live.threshold = level.live_threshold_sum / static_cast<double>(level.live_deployed_events);
    f.live.efficiency = c.recall();
    f.live.negative_acceptance = c.false_positive_rate();
    f.live_calibrated = true;
  }
  f.live_retuned = nn::working_point_for_acceptance(level.live.auc, pu_acceptance_);
  f.frozen_retuned = nn::working_point_for_acceptance(level.frozen.auc, pu_acceptance_);
  return f;
}

std::pair<double, double> DecisionMonitor::rolling_accuracy() const {
  nn::BinaryCounts live, frozen;
  for (const auto& [l, f] : recent_) {
    live.merge(l);
    frozen.merge(f);
  }
  return {live.accuracy(), frozen.accuracy()};
}

uint64_t DecisionMonitor::events_missing_around_swaps() const {
  uint64_t missing = missing_forgotten_;
  for (auto it = version_of_event_.begin(); it != version_of_event_.end(); ++it) {
    auto next = std::next(it);
    if (next == version_of_event_.end()) break;
    if (next->second != it->second && next->first != it->first + 1) {
      missing += next->first - it->first - 1;
    }
  }
  return missing;
}

double DecisionMonitor::latency_quantile(double q) const {
  if (latencies_.empty()) return 0;
  std::vector<double> sorted = latencies_;
  const size_t k = std::min(sorted.size() - 1, static_cast<size_t>(q * sorted.size()));
  std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end());
  return sorted[k];
}

uint64_t DecisionMonitor::drift_alarms() const {
  uint64_t sum = 0;
  for (const auto& [name, node] : nodes_) sum += node.drift_alarms;
  return sum;
}

}  // namespace l1t::trigger
