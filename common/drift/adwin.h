// ADWIN, adaptive windowing (Bifet and Gavalda 2007), as River's drift.ADWIN: a window of the
// recent stream kept as an exponential histogram (at most max_buckets buckets of each size 2^i,
// so memory grows with the log of the window), checked every `clock` values: wherever the window
// splits into an older and a newer part whose means differ by more than the bound at delta, the
// older part is dropped and drift called. Warning: a split that passes the bound at
// warning_delta but not at delta (River has none). statistic(): the largest |mean difference| /
// bound at delta over the splits of the last check (drift above 1).
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "common/drift/detector.h"

namespace l1t::drift {

struct AdwinSettings {  // River's defaults
  double delta = 0.002;
  int clock = 32;
  int max_buckets = 5;
  int min_window_length = 5;
  int grace_period = 10;
  double warning_delta = 0.01;
};

class Adwin final : public Detector {
 public:
  explicit Adwin(const AdwinSettings& s = {}) : s_(s) { reset(); }
  DriftLevel update(double x) override;
  double statistic() const override { return statistic_; }
  double threshold() const override { return 1.0; }
  void reset() override;
  std::string_view name() const override { return "adwin"; }

  uint64_t width() const { return width_; }
  double mean() const { return width_ > 0 ? total_ / static_cast<double>(width_) : 0; }

 private:
  struct Bucket {
    double total = 0, variance = 0;  // sum, and sum of squared deviations from its mean
  };
  // levels_[i]: buckets of 2^i values, oldest first; the highest level holds the oldest.
  void insert(double x);
  void compress();
  void drop_oldest();
  // The bound on |mean difference| for a split into n0 and n1 values, at this delta.
  double bound(double n0, double n1, double delta) const;
  // One check of every split; true if it cut the window.
  bool check(bool* warning);

  AdwinSettings s_;
  std::vector<std::deque<Bucket>> levels_;
  uint64_t width_ = 0, ticks_ = 0;
  double total_ = 0, variance_ = 0, statistic_ = 0;
};

}  // namespace l1t::drift
