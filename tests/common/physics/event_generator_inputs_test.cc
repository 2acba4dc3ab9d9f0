// What the emulator feeds the generator from outside: a pile-up mean that follows a timeline,
// hard scatters from a file instead of the built-in tt-bar, and a library of pile-up
// interactions instead of the built-in minimum bias.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "common/physics/event_generator.h"
#include "common/physics/track_word.h"
#include "tests/support/event_bytes.h"

namespace l1t::physics {
namespace {

using testing::event_bytes;

TEST(EventGeneratorInputsTest, AnUnchangedPileupMeanLeavesTheBytes) {
  EventGenerator a(GeneratorConfig{}, 7), b(GeneratorConfig{}, 7);
  const DegradationState s;
  for (int i = 0; i < 5; ++i) {
    b.set_pileup_mean(GeneratorConfig{}.pileup_mean);  // what the emulator does every event
    EXPECT_EQ(event_bytes(a.next(s)), event_bytes(b.next(s))) << "event " << i;
  }
}

TEST(EventGeneratorInputsTest, ThePileupMeanSetsThePileupTracks) {
  EventGenerator g(GeneratorConfig{}, 3);
  const DegradationState s;
  auto pileup_tracks = [&](double mu) {
    g.set_pileup_mean(mu);
    double n = 0;
    for (int i = 0; i < 20; ++i) {
      const GeneratedEvent ev = g.next(s);
      for (Origin o : ev.origin) n += o == Origin::kPileup;
    }
    return n / 20;
  };
  const double at200 = pileup_tracks(200), at50 = pileup_tracks(50);
  EXPECT_NEAR(at50 / at200, 0.25, 0.06);  // tracks scale with the number of interactions
  EXPECT_EQ(pileup_tracks(0), 0);
}

TEST(EventGeneratorInputsTest, AnExternalHardScatterGivesThePrimaryTracks) {
  GeneratorConfig cfg;
  cfg.pileup_mean = 0;
  EventGenerator g(cfg, 11);
  ExternalHardScatter hs;
  hs.vertex_z_cm = 1.5;
  for (int k = 0; k < 8; ++k) hs.particles.push_back({20.0, -1.0 + 0.25 * k, -3 + 0.7 * k, 1.5});
  hs.particles.push_back({0.5, 0, 0, 1.5});  // below threshold: never a track
  EventGenerator beam_only(cfg, 11);         // same seed: the same beam-spot draw
  const double beam_z = beam_only.next(DegradationState{}).pv_z0;
  g.set_hard_scatter(&hs);
  const GeneratedEvent ev = g.next(DegradationState{});
  EXPECT_DOUBLE_EQ(ev.pv_z0, beam_z + 1.5);
  int primary = 0;
  for (size_t t = 0; t < ev.tracks.size(); ++t) {
    if (ev.origin[t] != Origin::kPrimary) continue;
    ++primary;
    EXPECT_NEAR(ev.tracks[t].z0, ev.pv_z0, 0.6);  // sigma about 0.13 cm at 20 GeV
  }
  EXPECT_GE(primary, 7);  // the 8 hard particles, found at 99.5 % per layer
  EXPECT_LE(primary, 8);
  // Used once: the next event is the built-in tt-bar again (many more primary tracks).
  const GeneratedEvent after = g.next(DegradationState{});
  int primary_after = 0;
  for (Origin o : after.origin) primary_after += o == Origin::kPrimary;
  EXPECT_GT(primary_after, 10);
}

TEST(EventGeneratorInputsTest, TheSourcesChargeGivesTheCurvatureSign) {
  GeneratorConfig cfg;
  cfg.pileup_mean = 0;
  cfg.material_interaction_prob = 0;  // external particles count as hadrons: keep all ten
  for (int charge : {+1, -1}) {
    EventGenerator g(cfg, 5);
    ExternalHardScatter hs;
    for (int k = 0; k < 10; ++k)
      hs.particles.push_back({15.0, -1.5 + 0.3 * k, 0.6 * k - 3, 0, charge});
    g.set_hard_scatter(&hs);
    const GeneratedEvent ev = g.next(DegradationState{});
    int primary = 0;
    for (size_t t = 0; t < ev.tracks.size(); ++t) {
      if (ev.origin[t] != Origin::kPrimary) continue;
      ++primary;
      EXPECT_EQ(ev.tracks[t].inv_r > 0, charge > 0) << "charge " << charge << ", track " << t;
    }
    EXPECT_GE(primary, 9);
  }
}

TEST(EventGeneratorInputsTest, APileupLibraryReplacesTheBuiltInMinimumBias) {
  GeneratorConfig cfg;
  cfg.pileup_mean = 100;
  cfg.fake_fraction = 0;
  EventGenerator g(cfg, 9);
  // Half the interactions leave nothing above threshold; the other half three 8 GeV particles
  // around their vertex (at z = 3 cm in the file: the generator moves it to its beam draw).
  std::vector<ExternalHardScatter> library(2);
  library[1].vertex_z_cm = 3;
  for (int k = 0; k < 3; ++k) library[1].particles.push_back({8.0, -1.0 + k, 2.0 * k - 2, 3.0});
  g.set_pileup_library(&library);
  double pileup = 0, z_sum = 0, z_sq = 0;
  const int events = 40;
  for (int i = 0; i < events; ++i) {
    const GeneratedEvent ev = g.next(DegradationState{});
    for (size_t t = 0; t < ev.tracks.size(); ++t) {
      if (ev.origin[t] != Origin::kPileup) continue;
      ++pileup;
      EXPECT_NEAR(kPtFromInvR / std::abs(ev.tracks[t].inv_r), 8.0, 0.5);  // 1-2 % resolution
      z_sum += ev.tracks[t].z0;
      z_sq += ev.tracks[t].z0 * ev.tracks[t].z0;
    }
  }
  // 100 interactions x 1/2 x 3 particles, found at about 99.9 %; Poisson spread of 150 over 40
  // events is about 3 per event.
  EXPECT_NEAR(pileup / events, 150, 12);
  // The vertices follow the luminous region (sigma 4.3 cm), not the file's z = 3 cm.
  const double mean = z_sum / pileup, rms = std::sqrt(z_sq / pileup - mean * mean);
  EXPECT_NEAR(mean, 0, 0.8);
  EXPECT_NEAR(rms, 4.3, 0.8);
}

TEST(EventGeneratorInputsTest, AnEmptyPileupLibraryLeavesTheBuiltInBytes) {
  EventGenerator a(GeneratorConfig{}, 13), b(GeneratorConfig{}, 13);
  const std::vector<ExternalHardScatter> empty;
  b.set_pileup_library(&empty);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(event_bytes(a.next(DegradationState{})), event_bytes(b.next(DegradationState{})));
  }
}

}  // namespace
}  // namespace l1t::physics
