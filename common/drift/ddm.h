// DDM, the drift detection method (Gama et al. 2004), as River's drift.binary.DDM: on a stream
// of error bits (1: the live model got the label wrong) it follows the error rate p and its
// binomial spread s = sqrt(p (1 - p) / n), keeps the smallest p + s seen, and warns (drifts)
// when p + s exceeds p_min + warning_threshold s_min (drift_threshold s_min). statistic():
// (p + s - p_min) / s_min, against drift_threshold.
#pragma once

#include <cstdint>

#include "common/drift/detector.h"

namespace l1t::drift {

struct DdmSettings {  // River's defaults
  uint64_t warm_start = 30;
  double warning_threshold = 2.0;
  double drift_threshold = 3.0;
};

class Ddm final : public Detector {
 public:
  explicit Ddm(const DdmSettings& s = {}) : s_(s) { reset(); }
  DriftLevel update(double error) override;  // 0 or 1; other values are clamped to [0, 1]
  double statistic() const override { return statistic_; }
  double threshold() const override { return s_.drift_threshold; }
  void reset() override;
  std::string_view name() const override { return "ddm"; }

 private:
  DdmSettings s_;
  uint64_t n_ = 0;
  double p_ = 0, p_min_ = 0, s_min_ = 0, ps_min_ = 0, statistic_ = 0;
  bool restart_ = false;
};

}  // namespace l1t::drift
