// DriftWatch on synthetic events whose inputs the test controls: the stored thresholds are what
// the simulation gives, a stationary stream stays (nearly) quiet, a z0 shift and a pT-scale
// step are found on the right signal and in the distances, a weight swap resets the model's
// detectors and reference (not the inputs'), and each level gets its own distances.
#include "common/drift/drift_watch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace l1t::drift {
namespace {

// A stream of events like the emulator's after scaling (features.h): ~60 tracks, pT/8, eta,
// phi, z0/4 around the vertex, |dZ|/4, a score, an accept bit.
class Stream {
 public:
  explicit Stream(uint64_t seed) : rng_(seed) {}
  double z0_shift = 0, pt_scale = 1;
  uint32_t level = 0;
  uint64_t version = 1;

  EventInputs next() {
    const int n = std::poisson_distribution<int>(60)(rng_);
    features_.resize(static_cast<size_t>(n) * 5);
    scores_.resize(static_cast<size_t>(n));
    const double vz = 4.3 * normal_(rng_);
    for (int t = 0; t < n; ++t) {
      float* f = &features_[static_cast<size_t>(t) * 5];
      f[0] =
          static_cast<float>(pt_scale * (2 + std::exponential_distribution<double>(0.3)(rng_)) / 8);
      f[1] = static_cast<float>(std::uniform_real_distribution<double>(-2.4, 2.4)(rng_));
      f[2] = static_cast<float>(std::uniform_real_distribution<double>(-3.14, 3.14)(rng_));
      const double z0 = vz + 0.3 * normal_(rng_) + z0_shift;
      f[3] = static_cast<float>(z0 / 4);
      f[4] = static_cast<float>(std::abs(z0 - vz) / 4);
      scores_[static_cast<size_t>(t)] = static_cast<float>(uniform_(rng_));
    }
    EventInputs in;
    in.event_id = ++id_;
    in.model_version = version;
    in.level = level;
    in.features = features_;
    in.scores = scores_;
    in.accept = uniform_(rng_) < 0.3;
    in.vertex_z = vz;
    return in;
  }

 private:
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_;
  std::uniform_real_distribution<double> uniform_{0, 1};
  std::vector<float> features_, scores_;
  uint64_t id_ = 0;
};

std::set<std::string> alarmed_signals(const DriftWatch& w, uint64_t after_event) {
  std::set<std::string> out;
  for (const WatchAlarm& a : w.alarms()) {
    if (a.event > after_event) out.insert(a.signal);
  }
  return out;
}

const FeatureDistance* find(const std::vector<FeatureDistance>& d, const std::string& feature,
                            const std::string& reference) {
  for (const auto& x : d) {
    if (x.feature == feature && x.reference == reference) return &x;
  }
  return nullptr;
}

TEST(DriftWatchTest, TheStoredThresholdsAreWhatTheSimulationGives) {
  EXPECT_NEAR(simulate_threshold("page_hinkley", 20000),
              calibrated_threshold("page_hinkley", 20000),
              0.02 * calibrated_threshold("page_hinkley", 20000));
  EXPECT_NEAR(simulate_threshold("adwin", 20000), calibrated_threshold("adwin", 20000), 0.05);
  const double bits = error_bit_target(WatchSettings{});
  EXPECT_EQ(bits, 3.2e6);
  EXPECT_NEAR(simulate_threshold("ddm", bits), calibrated_threshold("ddm", bits), 0.05);
  EXPECT_NEAR(simulate_threshold("hddm_a", bits), calibrated_threshold("hddm_a", bits), 0.05);
}

TEST(DriftWatchTest, AStationaryStreamRaisesNoMoreThanAFewFalseAlarms) {
  DriftWatch w;
  Stream s(1);
  for (int i = 0; i < 100000; ++i) w.observe(s.next());
  // 9 signals x 2 detectors at one false alarm per 10^6 events each: 1.8 expected.
  EXPECT_LE(w.alarms_total(), 6u);
  const auto d = w.distances();
  for (const char* f : kWatchedFeatures) {
    const FeatureDistance* x = find(d, f, "undegraded");
    ASSERT_NE(x, nullptr) << f;
    EXPECT_LT(x->d.wasserstein_normed, 0.1) << f;
    EXPECT_LT(x->d.psi, 0.1) << f;
  }
}

TEST(DriftWatchTest, AZ0ShiftIsFoundOnZ0AndInItsDistance) {
  DriftWatch w;
  Stream s(2);
  for (int i = 0; i < 10000; ++i) w.observe(s.next());
  s.z0_shift = 1.0;  // 1 cm: a quarter of the luminous region
  uint64_t first = 0;
  for (int i = 0; i < 10000; ++i) {
    w.observe(s.next());
    if (first == 0 && alarmed_signals(w, 10000).count("z0")) first = 10000 + i + 1;
  }
  ASSERT_GT(first, 0u) << "no alarm on z0";
  EXPECT_LT(first - 10000, 2000u) << "found only after " << first - 10000 << " events";
  const auto d = w.distances();
  EXPECT_GT(find(d, "z0", "undegraded")->d.wasserstein_normed, 0.1);
  EXPECT_LT(find(d, "eta", "undegraded")->d.wasserstein_normed, 0.1);
  EXPECT_LT(find(d, "z0", "undegraded")->d.ks_p_value, 0.05);
}

TEST(DriftWatchTest, APtScaleStepIsFoundOnPt) {
  DriftWatch w;
  Stream s(3);
  for (int i = 0; i < 10000; ++i) w.observe(s.next());
  s.pt_scale = 0.95;
  for (int i = 0; i < 5000; ++i) w.observe(s.next());
  EXPECT_TRUE(alarmed_signals(w, 10000).count("pt"));
}

TEST(DriftWatchTest, AWeightSwapResetsTheDetectorsAndRetakesTheModelReference) {
  DriftWatch w;
  Stream s(4);
  for (int i = 0; i < 5000; ++i) w.observe(s.next());
  s.z0_shift = 1.0;
  for (int i = 0; i < 3000; ++i) w.observe(s.next());
  auto d = w.distances();
  EXPECT_GT(find(d, "z0", "model")->d.wasserstein_normed, 0.1);
  s.version = 2;  // retrained on the shifted detector
  w.observe(s.next());
  EXPECT_EQ(w.model_version(), 2u);
  // The model's signals start afresh; the inputs' go on (they do not depend on the weights).
  const uint64_t z0_alarms_before = alarmed_signals(w, 0).count("z0");
  EXPECT_EQ(z0_alarms_before, 1u) << "the shift was found before the swap";
  for (const DetectorState& st : w.detectors()) {
    if (st.signal == std::string("score_mean") || st.signal == std::string("accept_rate")) {
      EXPECT_EQ(st.state, DriftLevel::kOk) << st.detector << "/" << st.signal;
      EXPECT_EQ(st.statistic, 0) << st.detector << "/" << st.signal;
    }
  }
  EXPECT_GT(find(w.distances(), "z0", "model")->d.wasserstein_normed, 0.1)
      << "until the new reference is complete, the previous one stands";
  for (int i = 0; i < 4000; ++i) w.observe(s.next());
  d = w.distances();
  EXPECT_LT(find(d, "z0", "model")->d.wasserstein_normed, 0.1)
      << "the same conditions as at the swap";
  EXPECT_GT(find(d, "z0", "undegraded")->d.wasserstein_normed, 0.1) << "still not the run's start";
}

TEST(DriftWatchTest, EachLevelHasItsDistancesFromTheUndegradedReference) {
  DriftWatch w;
  Stream s(5);
  for (int i = 0; i < 3000; ++i) w.observe(s.next());
  s.level = 1;
  s.z0_shift = 1.0;
  for (int i = 0; i < 1000; ++i) w.observe(s.next());
  const auto levels = w.level_json();
  ASSERT_TRUE(levels.contains("0"));
  ASSERT_TRUE(levels.contains("1"));
  EXPECT_FALSE(levels["0"]["z0"]["drifted"].get<bool>());
  EXPECT_TRUE(levels["1"]["z0"]["drifted"].get<bool>());
  EXPECT_GT(levels["1"]["z0"]["wasserstein_normed"].get<double>(), 0.1);
  EXPECT_EQ(w.json()["levels"], levels);
}

TEST(DriftWatchTest, InputsOfTheWrongShapeAreIgnored) {
  DriftWatch w;
  std::vector<float> features(7), scores(2);
  EventInputs in;
  in.features = features;
  in.scores = scores;
  w.observe(in);
  EXPECT_EQ(w.events(), 0u);
}

}  // namespace
}  // namespace l1t::drift
