#include "common/drift/isotonic_calibration.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace l1t::drift {

int IsotonicCalibration::bin(double score) {
  if (!(score >= 0)) return 0;  // NaN and negatives
  return std::min(kBins - 1, static_cast<int>(std::lround(score * (kBins - 1))));
}

void IsotonicCalibration::add(double score, bool positive) {
  if (!std::isfinite(score)) return;
  const int b = bin(score);
  n_[b] += 1;
  k_[b] += positive ? 1 : 0;
  ++samples_;
}

void IsotonicCalibration::fit() {
  // Blocks of adjacent non-empty bins, merged while a block's mean is above the next one's.
  struct Block {
    int first, last;
    double n, k;
    double mean() const { return k / n; }
  };
  std::vector<Block> blocks;
  for (int b = 0; b < kBins; ++b) {
    if (n_[b] == 0) continue;
    blocks.push_back({b, b, n_[b], k_[b]});
    while (blocks.size() >= 2 && blocks[blocks.size() - 2].mean() >= blocks.back().mean()) {
      Block last = blocks.back();
      blocks.pop_back();
      Block& prev = blocks.back();
      prev.last = last.last;
      prev.n += last.n;
      prev.k += last.k;
    }
  }
  if (blocks.empty()) return;
  // Empty bins take the block to their left (the step function holds its value), and those
  // below the first block the first block's.
  size_t i = 0;
  for (int b = 0; b < kBins; ++b) {
    while (i + 1 < blocks.size() && b >= blocks[i + 1].first) ++i;
    p_[b] = blocks[i].mean();
  }
  fitted_ = true;
}

void IsotonicCalibration::reset() {
  n_.fill(0);
  k_.fill(0);
  samples_ = 0;
  fitted_ = false;
}

double IsotonicCalibration::p(double score) const { return fitted_ ? p_[bin(score)] : NAN; }

}  // namespace l1t::drift
