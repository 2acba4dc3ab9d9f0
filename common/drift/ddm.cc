#include "common/drift/ddm.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace l1t::drift {

void Ddm::reset() {
  n_ = 0;
  p_ = p_min_ = s_min_ = statistic_ = 0;
  ps_min_ = std::numeric_limits<double>::infinity();
  restart_ = false;
}

DriftLevel Ddm::update(double error) {
  if (!std::isfinite(error)) return DriftLevel::kOk;
  if (restart_) reset();
  ++n_;
  p_ += (std::clamp(error, 0.0, 1.0) - p_) / static_cast<double>(n_);
  const double s = std::sqrt(p_ * (1 - p_) / static_cast<double>(n_));
  if (n_ < s_.warm_start) return DriftLevel::kOk;
  // Departure from River: no minimum while s is 0 (no error yet), where River would call drift
  // at the first error; p_min then follows the first spread that means something.
  if (s > 0 && p_ + s <= ps_min_) {
    p_min_ = p_;
    s_min_ = s;
    ps_min_ = p_ + s;
  }
  if (s_min_ <= 0) {
    statistic_ = 0;
    return DriftLevel::kOk;
  }
  statistic_ = (p_ + s - p_min_) / s_min_;
  if (statistic_ > s_.drift_threshold) {
    restart_ = true;
    return DriftLevel::kDrift;
  }
  return statistic_ > s_.warning_threshold ? DriftLevel::kWarning : DriftLevel::kOk;
}

}  // namespace l1t::drift
