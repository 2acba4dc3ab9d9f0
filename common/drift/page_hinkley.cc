#include "common/drift/page_hinkley.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace l1t::drift {

void PageHinkley::reset() {
  n_ = 0;
  mean_ = sum_increase_ = sum_decrease_ = statistic_ = 0;
  min_increase_ = std::numeric_limits<double>::max();
  max_decrease_ = std::numeric_limits<double>::lowest();
  restart_ = false;
}

DriftLevel PageHinkley::update(double x) {
  if (!std::isfinite(x)) return DriftLevel::kOk;
  if (restart_) reset();
  ++n_;
  mean_ += (x - mean_) / static_cast<double>(n_);
  const double dev = x - mean_;
  sum_increase_ = s_.alpha * sum_increase_ + dev - s_.delta;
  sum_decrease_ = s_.alpha * sum_decrease_ + dev + s_.delta;
  min_increase_ = std::min(min_increase_, sum_increase_);
  max_decrease_ = std::max(max_decrease_, sum_decrease_);
  if (n_ < s_.min_instances) return DriftLevel::kOk;
  statistic_ = std::max(sum_increase_ - min_increase_, max_decrease_ - sum_decrease_);
  if (statistic_ > s_.threshold) {
    restart_ = true;
    return DriftLevel::kDrift;
  }
  return statistic_ > s_.warning_fraction * s_.threshold ? DriftLevel::kWarning : DriftLevel::kOk;
}

}  // namespace l1t::drift
