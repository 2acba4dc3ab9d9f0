#include "common/nn/evaluation/classification_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace l1t::nn {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_positive(float label) { return label >= 0.5f; }

double ratio(uint64_t num, uint64_t den) {
  return den == 0 ? kNaN : static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

double accuracy(const float* scores, const float* labels, size_t n, float threshold) {
  BinaryCounts c;
  c.add_scores(scores, labels, n, threshold);
  return c.accuracy();
}

double roc_auc(const float* scores, const float* labels, size_t n) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(),
            [scores](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Sum of positives' ranks (1-based), tied scores sharing their mean rank.
  double rank_sum = 0.0;
  uint64_t n_pos = 0;
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    uint64_t pos_in_group = 0;
    while (j < n && scores[order[j]] == scores[order[i]]) {
      pos_in_group += is_positive(labels[order[j]]) ? 1 : 0;
      ++j;
    }
    const double mid_rank = 0.5 * (static_cast<double>(i + 1) + static_cast<double>(j));
    rank_sum += mid_rank * static_cast<double>(pos_in_group);
    n_pos += pos_in_group;
    i = j;
  }
  const uint64_t n_neg = n - n_pos;
  if (n_pos == 0 || n_neg == 0) return kNaN;
  const double np = static_cast<double>(n_pos);
  const double u = rank_sum - np * (np + 1.0) / 2.0;
  return u / (np * static_cast<double>(n_neg));
}

void BinaryCounts::add_scores(const float* scores, const float* labels, size_t n, float threshold) {
  for (size_t i = 0; i < n; ++i) add(scores[i] >= threshold, is_positive(labels[i]));
}

double BinaryCounts::accuracy() const { return ratio(tp + tn, total()); }
double BinaryCounts::precision() const { return ratio(tp, tp + fp); }
double BinaryCounts::recall() const { return ratio(tp, tp + fn); }
double BinaryCounts::false_positive_rate() const { return ratio(fp, fp + tn); }
double BinaryCounts::f1() const { return ratio(2 * tp, 2 * tp + fp + fn); }

HistogramAuc::HistogramAuc(int bins, float lo, float hi)
    : bins_(std::max(bins, 1)),
      lo_(lo),
      hi_(hi),
      scale_(static_cast<float>(bins_) / (hi - lo)),
      pos_(bins_, 0),
      neg_(bins_, 0) {}

int HistogramAuc::bin_of(float score) const {
  const float f = (score - lo_) * scale_;
  if (!(f > 0.0f)) return 0;  // also NaN
  if (f >= static_cast<float>(bins_)) return bins_ - 1;
  return static_cast<int>(f);
}

void HistogramAuc::add(float score, bool positive) {
  const int b = bin_of(score);
  if (positive) {
    ++pos_[b];
    ++n_pos_;
  } else {
    ++neg_[b];
    ++n_neg_;
  }
}

void HistogramAuc::add_scores(const float* scores, const float* labels, size_t n) {
  for (size_t i = 0; i < n; ++i) add(scores[i], is_positive(labels[i]));
}

bool HistogramAuc::merge(const HistogramAuc& o) {
  if (o.bins_ != bins_ || o.lo_ != lo_ || o.hi_ != hi_) return false;
  for (int b = 0; b < bins_; ++b) {
    pos_[b] += o.pos_[b];
    neg_[b] += o.neg_[b];
  }
  n_pos_ += o.n_pos_;
  n_neg_ += o.n_neg_;
  return true;
}

void HistogramAuc::reset() {
  std::fill(pos_.begin(), pos_.end(), 0);
  std::fill(neg_.begin(), neg_.end(), 0);
  n_pos_ = n_neg_ = 0;
}

double HistogramAuc::auc() const {
  if (n_pos_ == 0 || n_neg_ == 0) return kNaN;
  // Count (positive, negative) pairs: 1 when the positive is in a higher bin, 1/2 in the same.
  double pairs = 0.0;
  double neg_below = 0.0;
  for (int b = 0; b < bins_; ++b) {
    const double p = static_cast<double>(pos_[b]);
    const double q = static_cast<double>(neg_[b]);
    pairs += p * (neg_below + 0.5 * q);
    neg_below += q;
  }
  return pairs / (static_cast<double>(n_pos_) * static_cast<double>(n_neg_));
}

}  // namespace l1t::nn
