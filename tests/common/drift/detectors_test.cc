// Every detector on the streams it is for: quiet before a change, drift soon after it, states
// in order (a warning is never above a drift), a fresh start after a drift and after reset(), and
// non-finite values ignored. Fixed seeds: the same streams every run.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <random>

#include "common/drift/adwin.h"
#include "common/drift/ddm.h"
#include "common/drift/hddm_a.h"
#include "common/drift/page_hinkley.h"

namespace l1t::drift {
namespace {

// A stream that changes at `change`: before(rng), then after(rng).
struct Stream {
  size_t change, length;
  std::function<double(std::mt19937_64&)> before, after;
};

struct Outcome {
  long first_drift = -1;    // index of the first drift, -1 for none
  long first_warning = -1;  // of the first warning
  int drifts_before = 0;    // false alarms before the change
};

Outcome run(Detector& d, const Stream& s, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Outcome o;
  for (size_t i = 0; i < s.length; ++i) {
    const double x = i < s.change ? s.before(rng) : s.after(rng);
    const DriftLevel level = d.update(x);
    if (level == DriftLevel::kDrift) {
      if (i < s.change) ++o.drifts_before;
      if (o.first_drift < 0 && i >= s.change) o.first_drift = static_cast<long>(i);
    }
    if (level == DriftLevel::kWarning && o.first_warning < 0 && i >= s.change) {
      o.first_warning = static_cast<long>(i);
    }
  }
  return o;
}

// A mean step of 5 sigma in a real-valued stream (a feature statistic moving).
Stream mean_step() {
  return {2000, 3000, [](std::mt19937_64& r) { return std::normal_distribution<>(0, 0.1)(r); },
          [](std::mt19937_64& r) { return std::normal_distribution<>(0.5, 0.1)(r); }};
}
// The live model's error rate rising from 5 % to 30 % (error bits against delayed labels).
Stream error_rise() {
  return {3000, 4000,
          [](std::mt19937_64& r) { return std::bernoulli_distribution(0.05)(r) ? 1.0 : 0.0; },
          [](std::mt19937_64& r) { return std::bernoulli_distribution(0.30)(r) ? 1.0 : 0.0; }};
}

void expect_detects(Detector& d, const Stream& s, long within, int false_alarms = 0) {
  for (uint64_t seed : {1, 2, 3}) {
    d.reset();
    const Outcome o = run(d, s, seed);
    EXPECT_LE(o.drifts_before, false_alarms) << d.name() << " seed " << seed;
    ASSERT_GE(o.first_drift, 0) << d.name() << " missed the change, seed " << seed;
    EXPECT_LT(o.first_drift - static_cast<long>(s.change), within) << d.name() << " seed " << seed;
  }
}

TEST(DetectorsTest, AdwinFindsAMeanStepAndShrinksItsWindowToTheNewRegime) {
  Adwin a;
  expect_detects(a, mean_step(), 100);
  // After the change the window holds (mostly) the new regime only.
  a.reset();
  run(a, mean_step(), 7);
  EXPECT_LT(a.width(), 1100u);
  EXPECT_NEAR(a.mean(), 0.5, 0.05);
}

TEST(DetectorsTest, PageHinkleyFindsAMeanStep) {
  PageHinkley p;
  expect_detects(p, mean_step(), 300);
}

TEST(DetectorsTest, DdmFindsARisingErrorRateAndWarnsFirst) {
  // DDM with River's thresholds is not quiet on a long stationary stream: p_min is the lowest
  // p + s ever seen, a low excursion by chance, and the stationary rate later crosses
  // p_min + 3 s_min (with River's warm start of 30, 1 or 2 false alarms in these 3,000 bits
  // for two of the three seeds; with 300, one for one seed). Hence thresholds set by
  // simulation to a target time between false alarms, not taken as they come.
  Ddm d(DdmSettings{.warm_start = 300});
  expect_detects(d, error_rise(), 250, /*false_alarms=*/1);
  d.reset();
  const Outcome o = run(d, error_rise(), 1);
  ASSERT_GE(o.first_warning, 0);
  EXPECT_LE(o.first_warning, o.first_drift);
}

TEST(DetectorsTest, HddmAFindsARisingErrorRateAndWarnsFirst) {
  HddmA h;
  expect_detects(h, error_rise(), 150);
  h.reset();
  const Outcome o = run(h, error_rise(), 1);
  ASSERT_GE(o.first_warning, 0);
  EXPECT_LE(o.first_warning, o.first_drift);
}

TEST(DetectorsTest, EachStartsAfreshAfterADriftAndAfterReset) {
  std::vector<std::unique_ptr<Detector>> all;
  all.push_back(std::make_unique<PageHinkley>());
  all.push_back(std::make_unique<Ddm>());
  all.push_back(std::make_unique<HddmA>());
  for (auto& d : all) {
    // A stream that jumps from 0 to 1 for good: one drift, then quiet in the new regime.
    int drifts = 0;
    for (int i = 0; i < 400; ++i) drifts += d->update(i < 100 ? 0.0 : 1.0) == DriftLevel::kDrift;
    EXPECT_EQ(drifts, 1) << d->name();
    d->reset();
    EXPECT_DOUBLE_EQ(d->statistic(), 0.0) << d->name();
    EXPECT_GT(d->threshold(), 0.0) << d->name();
  }
}

TEST(DetectorsTest, NonFiniteValuesAreIgnored) {
  Adwin a;
  PageHinkley p;
  Ddm d;
  HddmA h;
  for (Detector* det : std::initializer_list<Detector*>{&a, &p, &d, &h}) {
    for (int i = 0; i < 100; ++i) {
      EXPECT_EQ(det->update(NAN), DriftLevel::kOk) << det->name();
      EXPECT_EQ(det->update(INFINITY), DriftLevel::kOk) << det->name();
    }
    EXPECT_TRUE(std::isfinite(det->statistic())) << det->name();
  }
  EXPECT_EQ(a.width(), 0u);
}

}  // namespace
}  // namespace l1t::drift
