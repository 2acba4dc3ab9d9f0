#include "common/drift/hddm_a.h"

#include <algorithm>
#include <cmath>

namespace l1t::drift {

void HddmA::reset() {
  n_total_ = c_total_ = n_min_ = c_min_ = statistic_ = 0;
  restart_ = false;
}

double HddmA::increase(double confidence) const {
  if (n_min_ == n_total_) return 0;
  const double m = (n_total_ - n_min_) / n_min_ / n_total_;
  const double bound = std::sqrt(m / 2 * std::log(2.0 / confidence));
  return (c_total_ / n_total_ - c_min_ / n_min_) / bound;
}

DriftLevel HddmA::update(double error) {
  if (!std::isfinite(error)) return DriftLevel::kOk;
  if (restart_) reset();
  n_total_ += 1;
  c_total_ += std::clamp(error, 0.0, 1.0);
  if (n_min_ == 0) {
    n_min_ = n_total_;
    c_min_ = c_total_;
  }
  // The cut moves here when the mean up to now, with its bound, is below the one at the cut.
  const double log_term = std::log(1.0 / s_.drift_confidence);
  const double bound_cut = std::sqrt(log_term / (2 * n_min_));
  const double bound_now = std::sqrt(log_term / (2 * n_total_));
  if (c_min_ / n_min_ + bound_cut >= c_total_ / n_total_ + bound_now) {
    n_min_ = n_total_;
    c_min_ = c_total_;
  }
  statistic_ = std::max(0.0, increase(s_.drift_confidence));
  if (statistic_ >= 1) {
    restart_ = true;
    return DriftLevel::kDrift;
  }
  return increase(s_.warning_confidence) >= 1 ? DriftLevel::kWarning : DriftLevel::kOk;
}

}  // namespace l1t::drift
