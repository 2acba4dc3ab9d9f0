// A drift detector on one real-valued or binary stream (a feature statistic, the score mean,
// the live model's error bits against delayed labels): one value in, its state out. River's
// detectors (river.drift) are the definitions and defaults followed; each implementation says
// where it departs. The interface is apart from the implementations (adwin.h, page_hinkley.h,
// ddm.h, hddm_a.h) so that a caller holds any of them, keyed by model version, and resets it at
// a weight swap.
#pragma once

#include <string_view>

namespace l1t::drift {

// As Prometheus reports it: 0 ok, 1 warning, 2 drift.
enum class DriftLevel { kOk = 0, kWarning = 1, kDrift = 2 };

class Detector {
 public:
  virtual ~Detector() = default;
  // One value of the stream. kDrift once per change, after which the detector goes on in the
  // new regime, as River's do (ADWIN keeps the part of its window after the change, the others
  // start afresh at the next value). Non-finite values are ignored (kOk).
  virtual DriftLevel update(double x) = 0;
  // The test statistic after the last update and the value at which it calls drift, in the same
  // units, for `l1t_drift_statistic` and `l1t_drift_threshold`.
  virtual double statistic() const = 0;
  virtual double threshold() const = 0;
  // Forgets everything seen (a new model in service).
  virtual void reset() = 0;
  virtual std::string_view name() const = 0;
};

}  // namespace l1t::drift
