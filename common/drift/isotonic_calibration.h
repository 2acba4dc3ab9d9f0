// Isotonic calibration of a model's scores on labelled tracks: P(primary | score) as the
// non-decreasing step function closest to the labels in least squares, by pool-adjacent-
// violators. Scores live on [0, 1] and are binned at the output's 2^-10 step (1,025 bins), so
// memory is fixed whatever the number of samples, and a fit is O(bins).
#pragma once

#include <array>
#include <cstdint>

namespace l1t::drift {

class IsotonicCalibration {
 public:
  static constexpr int kBins = 1025;

  void add(double score, bool positive);
  // Refits from everything added since the last reset(); p() then answers from this fit.
  void fit();
  void reset();
  // The fitted probability; before any fit, NaN.
  double p(double score) const;
  bool fitted() const { return fitted_; }
  uint64_t samples() const { return samples_; }
  static int bin(double score);

 private:
  std::array<double, kBins> n_{}, k_{};
  std::array<double, kBins> p_{};
  uint64_t samples_ = 0;
  bool fitted_ = false;
};

}  // namespace l1t::drift
