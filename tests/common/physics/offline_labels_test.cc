// Offline-like labels on generated crossings at 200 pile-up: the vertex they find, how often
// they differ from the truth and where, and that a perfect re-measurement gives the truth back.
#include "common/physics/offline_labels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "common/physics/event_generator.h"

namespace l1t::physics {
namespace {

struct Tally {
  size_t events = 0, vertices_right = 0, tracks = 0, wrong = 0, fakes_primary = 0;
  double error_rate() const { return static_cast<double>(wrong) / static_cast<double>(tracks); }
};

Tally label_events(const OfflineReconstruction& r, int n_events, uint64_t seed) {
  GeneratorConfig cfg;
  cfg.hard_scatter_fraction = 1;  // the signal sample
  EventGenerator gen(cfg, seed);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<uint8_t> labels;
  Tally tally;
  for (int e = 0; e < n_events; ++e) {
    const GeneratedEvent ev = gen.next(DegradationState{});
    EXPECT_EQ(ev.true_z0.size(), ev.tracks.size());
    const OfflineVertex v = offline_labels(
        r, ev.tracks, ev.true_z0, [&] { return normal(rng); }, &labels);
    ++tally.events;
    tally.vertices_right += std::abs(v.z_cm - ev.pv_z0) < 0.1;
    for (size_t t = 0; t < ev.tracks.size(); ++t) {
      ++tally.tracks;
      tally.wrong += labels[t] != (ev.origin[t] == Origin::kPrimary ? 1 : 0);
      tally.fakes_primary += ev.origin[t] == Origin::kFake && labels[t] != 0;
    }
  }
  return tally;
}

TEST(OfflineLabelsTest, ResolutionIsTheTwoTermForm) {
  const OfflineReconstruction r;
  EXPECT_DOUBLE_EQ(offline_z0_resolution(r, 1.0, 0.0), std::hypot(0.0015, 0.010));
  // Forward tracks see more material: sin(theta)^(3/2) at eta 2.
  const double sin_theta = 1 / std::cosh(2.0);
  EXPECT_DOUBLE_EQ(offline_z0_resolution(r, 4.0, 2.0),
                   std::hypot(0.0015, 0.010 / (4.0 * std::pow(sin_theta, 1.5))));
  EXPECT_NEAR(offline_z0_resolution(r, 1000.0, 0.0), 0.0015, 1e-6);
}

TEST(OfflineLabelsTest, AtOfflineResolutionTheVertexIsFoundAndSomeLabelsAreWrong) {
  const Tally t = label_events(OfflineReconstruction{}, 60, 11);
  EXPECT_GE(t.vertices_right, 57u) << "tt-bar's vertex is the hardest in nearly every crossing";
  EXPECT_EQ(t.fakes_primary, 0u) << "fakes have no offline track";
  // Pile-up tracks within the association window of the vertex, and primaries beyond it: a
  // reconstruction is wrong about some, never about most.
  EXPECT_GT(t.error_rate(), 0.001);
  EXPECT_LT(t.error_rate(), 0.05);
  std::printf("offline labels: %zu/%zu vertices within 1 mm, %.4f of %zu labels wrong\n",
              t.vertices_right, t.events, t.error_rate(), t.tracks);
}

// At 1e-7 cm resolution a label is wrong only at the precision of the true z itself (floats).
TEST(OfflineLabelsTest, APerfectRemeasurementGivesTheTruthBack) {
  OfflineReconstruction perfect;
  perfect.z0_resolution_cm = 1e-7;
  perfect.z0_scattering_cm_gev = 0;
  perfect.vertex_window_cm = 1e-6;
  const Tally t = label_events(perfect, 20, 12);
  EXPECT_EQ(t.vertices_right, t.events);
  EXPECT_LT(t.error_rate(), 0.001);
}

TEST(OfflineLabelsTest, AnEventWithoutRealTracksHasNoPrimaries) {
  std::vector<Track> tracks(3);
  const std::vector<float> z(3, std::nanf(""));
  std::vector<uint8_t> labels;
  const OfflineVertex v = offline_labels(
      OfflineReconstruction{}, tracks, z, [] { return 0.0; }, &labels);
  EXPECT_EQ(v.tracks, 0u);
  EXPECT_EQ(labels, std::vector<uint8_t>(3, 0));
}

}  // namespace
}  // namespace l1t::physics
