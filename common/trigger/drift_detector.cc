#include "common/trigger/drift_detector.h"

#include <algorithm>
#include <cmath>

namespace l1t::trigger {

DriftDetector::DriftDetector(const DriftConfig& config) : config_(config) {
  config_.block_events = std::max<size_t>(config_.block_events, 1);
  config_.reference_blocks = std::max<size_t>(config_.reference_blocks, 2);
}

void DriftDetector::reset() {
  in_block_ = 0;
  block_sum_ = 0;
  n_ref_ = 0;
  mean_ = m2_ = sigma_ = 0;
  up_ = down_ = 0;
  n_recent_ = 0;
  sum_recent_ = 0;
}

bool DriftDetector::observe(double x, DriftAlarmInfo* alarm) {
  if (!enabled() || !std::isfinite(x)) return false;
  block_sum_ += x;
  if (++in_block_ < config_.block_events) return false;
  const double m = block_sum_ / static_cast<double>(in_block_);
  in_block_ = 0;
  block_sum_ = 0;
  return observe_block(m, alarm);
}

bool DriftDetector::observe_block(double x, DriftAlarmInfo* alarm) {
  if (!reference_ready()) {
    ++n_ref_;
    const double d = x - mean_;
    mean_ += d / static_cast<double>(n_ref_);
    m2_ += d * (x - mean_);
    if (reference_ready()) {
      // A constant reference would make every later wobble infinitely significant.
      sigma_ = std::max(std::sqrt(m2_ / static_cast<double>(n_ref_ - 1)),
                        1e-6 * std::max(1.0, std::abs(mean_)));
    }
    return false;
  }
  ++n_recent_;
  sum_recent_ += x;
  const double z = (x - mean_) / sigma_;
  up_ = std::max(0.0, up_ + z - config_.slack);
  down_ = std::max(0.0, down_ - z - config_.slack);
  if (up_ <= config_.threshold && down_ <= config_.threshold) return false;
  ++alarms_;
  if (alarm != nullptr) {
    alarm->reference_mean = mean_;
    alarm->reference_sigma = sigma_;
    alarm->recent_mean = sum_recent_ / static_cast<double>(n_recent_);
    alarm->direction = up_ > config_.threshold ? +1 : -1;
    alarm->cusum = std::max(up_, down_);
    alarm->events = n_recent_ * config_.block_events;
  }
  reset();
  return true;
}

}  // namespace l1t::trigger
