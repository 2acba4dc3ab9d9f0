#include "common/drift/adwin.h"

#include <algorithm>
#include <cmath>

namespace l1t::drift {

void Adwin::reset() {
  levels_.clear();
  width_ = ticks_ = 0;
  total_ = variance_ = statistic_ = 0;
}

void Adwin::insert(double x) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(Bucket{x, 0});
  ++width_;
  if (width_ > 1) {
    const double w = static_cast<double>(width_);
    const double d = x - total_ / (w - 1);
    variance_ += (w - 1) * d * d / w;
  }
  total_ += x;
  compress();
}

void Adwin::compress() {
  for (size_t i = 0; i < levels_.size(); ++i) {
    if (levels_[i].size() <= static_cast<size_t>(s_.max_buckets)) break;
    // The two oldest of this size become one of the next.
    const Bucket a = levels_[i][0], b = levels_[i][1];
    levels_[i].pop_front();
    levels_[i].pop_front();
    const double n = std::ldexp(1.0, static_cast<int>(i));
    const double d = a.total / n - b.total / n;
    if (i + 1 == levels_.size()) levels_.emplace_back();
    levels_[i + 1].push_back(
        Bucket{a.total + b.total, a.variance + b.variance + n * n * d * d / (2 * n)});
  }
}

void Adwin::drop_oldest() {
  auto& top = levels_.back();
  const Bucket b = top.front();
  const double n = std::ldexp(1.0, static_cast<int>(levels_.size() - 1));
  width_ -= static_cast<uint64_t>(n);
  total_ -= b.total;
  const double w = static_cast<double>(width_);
  if (w > 0) {
    const double d = b.total / n - total_ / w;
    variance_ -= b.variance + n * w * d * d / (n + w);
  } else {
    variance_ = 0;
  }
  variance_ = std::max(variance_, 0.0);
  top.pop_front();
  if (top.empty()) levels_.pop_back();
}

double Adwin::bound(double n0, double n1, double delta) const {
  const double w = static_cast<double>(width_);
  const double log_term = std::log(2 * std::log(w) / delta);
  const double m = 1 / (n0 - s_.min_window_length + 1) + 1 / (n1 - s_.min_window_length + 1);
  return std::sqrt(2 * m * (variance_ / w) * log_term) + 2.0 / 3.0 * log_term * m;
}

bool Adwin::check(bool* warning) {
  bool cut = false;
  statistic_ = 0;
  for (bool again = true; again && width_ > 1;) {
    again = false;
    double n0 = 0, u0 = 0, n1 = static_cast<double>(width_), u1 = total_;
    // Splits from the oldest end: the older part grows bucket by bucket, the newest bucket
    // always stays in the newer part.
    for (size_t i = levels_.size(); i-- > 0 && !again;) {
      const double n = std::ldexp(1.0, static_cast<int>(i));
      for (size_t k = 0; k < levels_[i].size(); ++k) {
        if (i == 0 && k + 1 == levels_[i].size()) break;
        n0 += n;
        n1 -= n;
        u0 += levels_[i][k].total;
        u1 -= levels_[i][k].total;
        if (n0 < s_.min_window_length || n1 < s_.min_window_length) continue;
        const double diff = std::fabs(u0 / n0 - u1 / n1);
        const double b = bound(n0, n1, s_.delta);
        statistic_ = std::max(statistic_, b > 0 ? diff / b : 0.0);
        if (diff > b) {
          drop_oldest();
          cut = again = true;
          break;
        }
        if (diff > bound(n0, n1, s_.warning_delta)) *warning = true;
      }
    }
  }
  return cut;
}

DriftLevel Adwin::update(double x) {
  if (!std::isfinite(x)) return DriftLevel::kOk;
  insert(x);
  ++ticks_;
  if (ticks_ % static_cast<uint64_t>(std::max(s_.clock, 1)) != 0 ||
      width_ <= static_cast<uint64_t>(s_.grace_period)) {
    return DriftLevel::kOk;
  }
  bool warning = false;
  if (check(&warning)) return DriftLevel::kDrift;
  return warning ? DriftLevel::kWarning : DriftLevel::kOk;
}

}  // namespace l1t::drift
