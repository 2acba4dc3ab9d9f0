// Binary classification metrics from scores and 0/1 labels: exact ones for tests and offline
// studies, and mergeable streaming accumulators for live monitoring.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace l1t::nn {

// A label counts as positive when it is >= 0.5; a score as positive when it is >= threshold.

// Fraction of samples classified correctly at threshold; NaN for n = 0.
double accuracy(const float* scores, const float* labels, size_t n, float threshold = 0.5f);

// Area under the ROC curve: the probability that a random positive scores above a random
// negative, ties counting one half (Mann-Whitney U with mid-ranks). O(n log n). NaN when either
// class is absent. Scores must not be NaN.
double roc_auc(const float* scores, const float* labels, size_t n);

// Confusion counts, added to one sample at a time and merged across threads or nodes.
struct BinaryCounts {
  uint64_t tp = 0, fp = 0, tn = 0, fn = 0;

  void add(bool predicted, bool truth) {
    if (predicted) {
      truth ? ++tp : ++fp;
    } else {
      truth ? ++fn : ++tn;
    }
  }
  void add_scores(const float* scores, const float* labels, size_t n, float threshold = 0.5f);
  void merge(const BinaryCounts& o) {
    tp += o.tp;
    fp += o.fp;
    tn += o.tn;
    fn += o.fn;
  }
  uint64_t total() const { return tp + fp + tn + fn; }
  // Each ratio is NaN when its denominator is zero.
  double accuracy() const;
  double precision() const;
  double recall() const;  // true-positive rate, efficiency
  double false_positive_rate() const;
  double f1() const;
};

// ROC AUC from score histograms, for scores in [lo, hi] (clamped). Samples in the same bin count
// as ties, so with 1024 bins over [0, 1] it is exact for the fixed-point sigmoid's outputs
// (multiples of 2^-10) and within ~1/bins of exact for any scores. Memory and auc() cost are
// O(bins); add() is O(1).
class HistogramAuc {
 public:
  explicit HistogramAuc(int bins = 1024, float lo = 0.0f, float hi = 1.0f);

  void add(float score, bool positive);
  void add_scores(const float* scores, const float* labels, size_t n);
  // Adds o's counts; false (and nothing changes) if the binning differs.
  bool merge(const HistogramAuc& o);
  void reset();

  double auc() const;  // NaN when either class is absent
  uint64_t positives() const { return n_pos_; }
  uint64_t negatives() const { return n_neg_; }
  int bins() const { return bins_; }
  int bin_of(float score) const;
  float bin_low_edge(int bin) const { return lo_ + static_cast<float>(bin) / scale_; }
  const std::vector<uint64_t>& positive_counts() const { return pos_; }
  const std::vector<uint64_t>& negative_counts() const { return neg_; }

 private:
  int bins_;
  float lo_, hi_;
  float scale_;  // bins / (hi - lo)
  std::vector<uint64_t> pos_, neg_;
  uint64_t n_pos_ = 0, n_neg_ = 0;
};

}  // namespace l1t::nn
