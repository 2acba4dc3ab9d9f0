#include "common/drift/label_watch.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace l1t::drift {

void LabelWatch::Sums::add(const Sums& o, double sign) {
  tp += sign * o.tp;
  p += sign * o.p;
  fp += sign * o.fp;
  n += sign * o.n;
  var += sign * o.var;
}

LabelWatch::LabelWatch(const WatchSettings& s, bool calibrate)
    : s_(s),
      calibrate_(calibrate),
      realized_pos_(IsotonicCalibration::kBins),
      realized_neg_(IsotonicCalibration::kBins),
      estimated_pos_(IsotonicCalibration::kBins),
      estimated_neg_(IsotonicCalibration::kBins) {
  for (const char* name : {"ddm", "hddm_a"}) {
    detectors_.push_back(make_watch_detector(name, error_bit_target(s)));
  }
  detector_alarms_.assign(detectors_.size(), 0);
  states_.assign(detectors_.size(), DriftLevel::kOk);
}

void LabelWatch::start_model(uint64_t version) {
  version_ = version;
  for (auto& d : detectors_) d->reset();
  std::fill(states_.begin(), states_.end(), DriftLevel::kOk);
  calibration_.reset();
  realized_ring_.clear();
  estimated_ring_.clear();
  realized_ = estimated_ = Sums{};
  for (Histogram* h : {&realized_pos_, &realized_neg_, &estimated_pos_, &estimated_neg_}) {
    std::fill(h->begin(), h->end(), 0.0);
  }
  gap_alarmed_ = false;
}

void LabelWatch::push(std::deque<Sums>& ring, Sums& total, const Sums& s, size_t cap) {
  ring.push_back(s);
  total.add(s, 1);
  while (ring.size() > cap) {
    total.add(ring.front(), -1);
    ring.pop_front();
  }
}

void LabelWatch::alarm(const std::string& detector, const std::string& signal, uint64_t event) {
  ++alarms_total_;
  if (alarms_.size() < s_.max_alarms) {
    alarms_.push_back({detector, signal, event, version_, 0, DriftLevel::kDrift});
  }
}

void LabelWatch::observe_labels(uint64_t event_id, std::span<const float> scores,
                                std::span<const float> labels, double threshold, bool replayed) {
  if (scores.size() != labels.size()) return;
  if (!replayed) ++labelled_events_;
  last_label_event_ = std::max(last_label_event_, event_id);
  Sums s;
  for (size_t t = 0; t < scores.size(); ++t) {
    if (!std::isfinite(scores[t]) || !(labels[t] == 0 || labels[t] == 1)) continue;
    const bool primary = labels[t] == 1, kept = scores[t] >= threshold;
    (primary ? s.p : s.n) += 1;
    if (kept) (primary ? s.tp : s.fp) += 1;
    (primary ? realized_pos_ : realized_neg_)[IsotonicCalibration::bin(scores[t])] += 1;
    if (calibrate_) calibration_.add(scores[t], primary);
    // The first few tracks (they come in random order) feed the error-bit detectors.
    if (replayed || t >= s_.label_tracks_per_event) continue;
    for (size_t k = 0; k < detectors_.size(); ++k) {
      const DriftLevel level = detectors_[k]->update(kept != primary ? 1.0 : 0.0);
      states_[k] = level;
      if (level == DriftLevel::kDrift) {
        ++detector_alarms_[k];
        alarm(std::string(detectors_[k]->name()), "error_rate", event_id);
      }
    }
  }
  push(realized_ring_, realized_, s, s_.window_events);
  if (!replayed) {
    if (auto* l = level_sums()) l->second.add(s, 1);
  }
}

std::pair<LabelWatch::Sums, LabelWatch::Sums>* LabelWatch::level_sums() {
  auto it = by_level_.find(level_);
  if (it == by_level_.end()) {
    if (by_level_.size() >= s_.max_levels) return nullptr;
    it = by_level_.emplace(level_, std::pair<Sums, Sums>{}).first;
  }
  return &it->second;
}

void LabelWatch::observe_event(std::span<const float> scores, double threshold) {
  ++decided_events_;
  if (!calibration_.fitted()) return;
  Sums s;
  for (float score : scores) {
    const double p = calibration_.p(score);
    if (!std::isfinite(p)) continue;
    const bool kept = score >= threshold;
    s.p += p;
    s.n += 1 - p;
    s.var += p * (1 - p);
    if (kept) {
      s.tp += p;
      s.fp += 1 - p;
    }
    const int b = IsotonicCalibration::bin(score);
    estimated_pos_[b] += p;
    estimated_neg_[b] += 1 - p;
  }
  push(estimated_ring_, estimated_, s, s_.window_events);
  if (auto* l = level_sums()) l->first.add(s, 1);
}

void LabelWatch::refresh() {
  if (calibrate_ && calibration_.samples() >= s_.calibration_min_tracks) calibration_.fit();
  const Performance e = estimated(), r = realized();
  if (e.valid && r.valid) {
    last_estimated_ = e;
    last_realized_ = r;
  }
  if (!e.valid || !r.valid || gap_alarmed_) return;
  const double sigma = std::hypot(e.efficiency_error, r.efficiency_error);
  if (std::abs(e.efficiency - r.efficiency) > std::max(s_.efficiency_gap, 3 * sigma)) {
    gap_alarmed_ = true;
    ++gap_alarms_;
    alarm("cbpe", "efficiency_gap", last_label_event_);
  }
}

double LabelWatch::auc(const Histogram& pos, const Histogram& neg) {
  // P(score of a primary > score of a pile-up track), ties counted half.
  double below = 0, sum = 0, total_pos = 0, total_neg = 0;
  for (size_t b = 0; b < pos.size(); ++b) {
    sum += pos[b] * (below + 0.5 * neg[b]);
    below += neg[b];
    total_pos += pos[b];
  }
  total_neg = below;
  return total_pos > 0 && total_neg > 0 ? sum / (total_pos * total_neg) : NAN;
}

Performance LabelWatch::realized() const {
  Performance out;
  out.events = realized_ring_.size();
  out.tracks = static_cast<uint64_t>(realized_.p + realized_.n);
  if (realized_.p < 1 || realized_.n < 1) return out;
  out.valid = true;
  out.efficiency = realized_.tp / realized_.p;
  out.pu_acceptance = realized_.fp / realized_.n;
  out.efficiency_error = std::sqrt(out.efficiency * (1 - out.efficiency) / realized_.p);
  out.auc = auc(realized_pos_, realized_neg_);
  return out;
}

Performance LabelWatch::estimated() const {
  Performance out;
  out.events = estimated_ring_.size();
  out.tracks = static_cast<uint64_t>(std::lround(estimated_.p + estimated_.n));
  if (estimated_.p < 1 || estimated_.n < 1) return out;
  out.valid = true;
  out.efficiency = estimated_.tp / estimated_.p;
  out.pu_acceptance = estimated_.fp / estimated_.n;
  // The spread of the number of primaries, given the calibrated p, relative to their sum.
  out.efficiency_error = std::sqrt(estimated_.var) / estimated_.p;
  out.auc = auc(estimated_pos_, estimated_neg_);
  return out;
}

std::vector<DetectorState> LabelWatch::detectors() const {
  std::vector<DetectorState> out;
  for (size_t k = 0; k < detectors_.size(); ++k) {
    out.push_back({std::string(detectors_[k]->name()), "error_rate", detectors_[k]->statistic(),
                   detectors_[k]->threshold(), states_[k], detector_alarms_[k]});
  }
  out.push_back({"cbpe", "efficiency_gap", 0, s_.efficiency_gap,
                 gap_alarmed_ ? DriftLevel::kDrift : DriftLevel::kOk, gap_alarms_});
  return out;
}

nlohmann::json LabelWatch::json() const {
  auto perf = [](const Performance& p) {
    return nlohmann::json{{"valid", p.valid},
                          {"efficiency", p.valid ? p.efficiency : 0.0},
                          {"efficiency_error", p.valid ? p.efficiency_error : 0.0},
                          {"pu_acceptance", p.valid ? p.pu_acceptance : 0.0},
                          {"auc", p.valid && std::isfinite(p.auc) ? p.auc : 0.0},
                          {"tracks", p.tracks},
                          {"events", p.events}};
  };
  nlohmann::json alarms = nlohmann::json::array();
  for (const WatchAlarm& a : alarms_) {
    alarms.push_back({{"detector", a.detector},
                      {"signal", a.signal},
                      {"event", a.event},
                      {"model_version", a.model_version}});
  }
  nlohmann::json levels = nlohmann::json::object();
  for (const auto& [level, sums] : by_level_) {
    const auto& [e, r] = sums;
    nlohmann::json l = nlohmann::json::object();
    if (e.p >= 1) {
      l["estimated_efficiency"] = e.tp / e.p;
      l["estimated_efficiency_error"] = std::sqrt(e.var) / e.p;
    }
    if (r.p >= 1) {
      const double eff = r.tp / r.p;
      l["realized_efficiency"] = eff;
      l["realized_efficiency_error"] = std::sqrt(eff * (1 - eff) / r.p);
      l["realized_tracks"] = r.p + r.n;
    }
    levels[std::to_string(level)] = l;
  }
  return {{"levels", levels},
          {"labelled_events", labelled_events_},
          {"calibrates", calibrate_},
          {"calibrated", calibration_.fitted()},
          {"calibration_tracks", calibration_.samples()},
          {"estimated", perf(last_estimated_)},
          {"realized", perf(last_realized_)},
          {"alarms_total", alarms_total_},
          {"alarms", alarms}};
}

}  // namespace l1t::drift
