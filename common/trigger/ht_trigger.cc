#include "common/trigger/ht_trigger.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

namespace l1t::trigger {

double Residual::mean() const { return n == 0 ? std::nan("") : sum / static_cast<double>(n); }

double Residual::rms() const {
  if (n == 0) return std::nan("");
  const double m = mean();
  return std::sqrt(std::max(0.0, sum_sq / static_cast<double>(n) - m * m));
}

double HtSums::mht() const { return std::hypot(mhx, mhy); }

HtSums ht_sums(std::span<const ScoredTrack> tracks, Selection selection, double threshold) {
  HtSums s;
  for (const ScoredTrack& t : tracks) {
    const bool kept = selection == Selection::kTruth  ? t.primary
                      : selection == Selection::kLive ? t.live >= threshold
                                                      : t.frozen >= threshold;
    if (!kept) continue;
    s.ht += t.pt;
    s.mhx -= t.pt * std::cos(t.phi);
    s.mhy -= t.pt * std::sin(t.phi);
  }
  return s;
}

void HtTrigger::add(uint32_t level, bool reference, bool minimum_bias,
                    std::span<const ScoredTrack> tracks, std::optional<double> live_threshold) {
  if (!locked_) {
    kept_.push_back(
        {level, reference, minimum_bias, {tracks.begin(), tracks.end()}, live_threshold});
  } else if (score_threshold_) {
    score(level, minimum_bias, tracks, live_threshold);
  }
}

void HtTrigger::lock(std::optional<double> score_threshold) {
  if (locked_) return;
  locked_ = true;
  score_threshold_ = score_threshold;
  if (!score_threshold) {
    kept_.clear();
    kept_.shrink_to_fit();
    return;
  }
  std::vector<double> ht;  // the frozen model's, on undegraded minimum bias
  for (const Kept& k : kept_) {
    if (k.reference && k.minimum_bias) {
      ht.push_back(ht_sums(k.tracks, Selection::kFrozen, *score_threshold).ht);
    }
  }
  reference_minbias_ = ht.size();
  ht_threshold_ = threshold_for_share(std::move(ht));
  for (const Kept& k : kept_) score(k.level, k.minimum_bias, k.tracks, k.live_threshold);
  kept_.clear();
  kept_.shrink_to_fit();
}

std::optional<double> HtTrigger::threshold_for_share(std::vector<double> ht) const {
  const double expected = settings_.minbias_accept * static_cast<double>(ht.size());
  if (ht.empty() || expected < settings_.min_reference_accepts) return std::nullopt;
  // Accept HT strictly above the (k+1)-th largest: at most k = floor(share n) events pass.
  const size_t k = static_cast<size_t>(std::floor(expected));
  std::nth_element(ht.begin(), ht.begin() + static_cast<long>(k), ht.end(), std::greater<double>());
  return ht[k];
}

void HtTrigger::score(uint32_t level, bool minimum_bias, std::span<const ScoredTrack> tracks,
                      std::optional<double> live_threshold) {
  TriggerLevel& l = levels_[level];
  const HtSums truth = ht_sums(tracks, Selection::kTruth, 0);
  for (auto [selection, m] :
       {std::pair{Selection::kLive, &l.live}, std::pair{Selection::kFrozen, &l.frozen}}) {
    const double t = selection == Selection::kLive ? live_threshold.value_or(*score_threshold_)
                                                   : *score_threshold_;
    const HtSums got = ht_sums(tracks, selection, t);
    const bool accept = ht_threshold_ && got.ht > *ht_threshold_;
    std::vector<double>& kept = minimum_bias ? m->minbias_ht : m->signal_ht;
    if (kept.size() < kMaxHtKept) kept.push_back(got.ht);
    if (minimum_bias) {
      m->minbias_accepted += accept;
      continue;
    }
    m->signal_accepted += accept;
    if (truth.ht > 0) m->ht.add((got.ht - truth.ht) / truth.ht);
    m->mht.add(got.mht() - truth.mht());
  }
  ++(minimum_bias ? l.minbias_events : l.signal_events);
}

namespace {

Rate share(uint64_t accepted, uint64_t events, double hz_per_share) {
  Rate r;
  if (events == 0) {
    r.share = r.share_error = r.hz = r.hz_error = std::nan("");
    return r;
  }
  const double n = static_cast<double>(events);
  r.share = static_cast<double>(accepted) / n;
  r.share_error = std::sqrt(r.share * (1 - r.share) / n);
  r.hz = r.share * hz_per_share;
  r.hz_error = r.share_error * hz_per_share;
  return r;
}

}  // namespace

Rate HtTrigger::efficiency(const TriggerLevel& l, const TriggerModelScore& m) const {
  if (!ht_threshold_) return share(0, 0, 0);
  return share(m.signal_accepted, l.signal_events, 0);
}

Rate HtTrigger::efficiency_at_rate(const TriggerModelScore& m) const {
  const auto threshold = threshold_for_share(m.minbias_ht);
  if (!threshold || m.signal_ht.empty()) return share(0, 0, 0);
  const auto accepted = std::count_if(m.signal_ht.begin(), m.signal_ht.end(),
                                      [&](double h) { return h > *threshold; });
  return share(static_cast<uint64_t>(accepted), m.signal_ht.size(), 0);
}

Rate HtTrigger::rate(const TriggerLevel& l, const TriggerModelScore& m) const {
  if (!ht_threshold_) return share(0, 0, 0);
  return share(m.minbias_accepted, l.minbias_events, settings_.collision_rate_hz());
}

}  // namespace l1t::trigger
