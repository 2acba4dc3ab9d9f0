// HDDM_A (Frias-Blanco et al. 2015, "Online and non-parametric drift detection methods based
// on Hoeffding's bounds"), as River's drift.binary.HDDM_A: on error bits it keeps the cut point
// where the running mean (plus its Hoeffding bound) was lowest, and calls drift (warning) when
// the mean of the whole stream exceeds the mean up to the cut by more than the bound at
// drift_confidence (warning_confidence): an increase in the error rate (one-sided, River's
// default). statistic(): that increase over its bound at drift_confidence (drift from 1).
#pragma once

#include <cstdint>

#include "common/drift/detector.h"

namespace l1t::drift {

struct HddmASettings {  // River's defaults
  double drift_confidence = 0.001;
  double warning_confidence = 0.005;
};

class HddmA final : public Detector {
 public:
  explicit HddmA(const HddmASettings& s = {}) : s_(s) { reset(); }
  DriftLevel update(double error) override;
  double statistic() const override { return statistic_; }
  double threshold() const override { return 1.0; }
  void reset() override;
  std::string_view name() const override { return "hddm_a"; }

 private:
  // The whole stream's mean over the mean up to the cut, in units of the bound at confidence.
  double increase(double confidence) const;

  HddmASettings s_;
  double n_total_ = 0, c_total_ = 0, n_min_ = 0, c_min_ = 0;
  double statistic_ = 0;
  bool restart_ = false;
};

}  // namespace l1t::drift
