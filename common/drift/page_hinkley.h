// Page-Hinkley (Page 1954), as River's drift.PageHinkley: the running mean of the stream, two
// sums of the deviations from it, each faded by alpha and penalised by delta, and an alarm when
// either moves more than threshold from its extreme (mode both: rises and falls). Warning: the
// same test at warning_fraction of the threshold (River has none).
#pragma once

#include <cstdint>

#include "common/drift/detector.h"

namespace l1t::drift {

struct PageHinkleySettings {  // River's defaults
  uint64_t min_instances = 30;
  double delta = 0.005;
  double threshold = 50;
  double alpha = 1 - 0.0001;
  double warning_fraction = 0.5;
};

class PageHinkley final : public Detector {
 public:
  explicit PageHinkley(const PageHinkleySettings& s = {}) : s_(s) { reset(); }
  DriftLevel update(double x) override;
  double statistic() const override { return statistic_; }
  double threshold() const override { return s_.threshold; }
  void reset() override;
  std::string_view name() const override { return "page_hinkley"; }

 private:
  PageHinkleySettings s_;
  uint64_t n_ = 0;
  double mean_ = 0, sum_increase_ = 0, sum_decrease_ = 0, min_increase_ = 0, max_decrease_ = 0;
  double statistic_ = 0;
  bool restart_ = false;
};

}  // namespace l1t::drift
