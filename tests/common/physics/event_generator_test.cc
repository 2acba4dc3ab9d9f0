#include "common/physics/event_generator.h"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <numbers>
#include <string>

#include "common/physics/track_word.h"
#include "tests/support/event_bytes.h"

namespace l1t::physics {
namespace {

using testing::event_bytes;

TEST(EventGeneratorTest, SameSeedSameBytes) {
  EventGenerator a({}, 7), b({}, 7), c({}, 8);
  const DegradationState s{1, 0.05};
  for (int i = 0; i < 5; ++i) {
    const std::string ea = event_bytes(a.next(s));
    EXPECT_EQ(ea, event_bytes(b.next(s))) << "event " << i;
    EXPECT_NE(ea, event_bytes(c.next(s))) << "event " << i;
  }
}

TEST(EventGeneratorTest, DegradationDoesNotChangeThePhysics) {
  // The smear has its own engine: same collisions, differently measured. The relative smear
  // keeps every track, so the origins match one by one (the additive one loses tracks at the
  // acceptance edges: event_generator_smear_test.cc compares particles instead).
  EventGenerator clean({}, 11), degraded({}, 11);
  DegradationState relative{10, 0.1};
  relative.smear_mode = SmearMode::kRelative;
  for (int i = 0; i < 5; ++i) {
    const GeneratedEvent a = clean.next({0, 0.0});
    const GeneratedEvent b = degraded.next(relative);
    EXPECT_EQ(a.pv_z0, b.pv_z0);
    EXPECT_EQ(a.origin, b.origin);
    EXPECT_NE(pack_tracks(a.tracks), pack_tracks(b.tracks));
  }
}

TEST(EventGeneratorTest, MultiplicityAndPrimaryFraction) {
  EventGenerator g({}, 2024);
  GeneratedEvent ev;
  const int n_events = 200;
  double tracks = 0, primary = 0, fake = 0;
  for (int i = 0; i < n_events; ++i) {
    g.next({}, &ev);
    ASSERT_EQ(ev.tracks.size(), ev.origin.size());
    tracks += ev.tracks.size();
    for (Origin o : ev.origin) {
      primary += o == Origin::kPrimary;
      fake += o == Origin::kFake;
    }
  }
  const double mean = tracks / n_events;
  EXPECT_GT(mean, 250);
  EXPECT_LT(mean, 350);
  EXPECT_GT(primary / tracks, 0.05);
  EXPECT_LT(primary / tracks, 0.25);
  EXPECT_GT(primary / n_events, 20);  // tt-bar-like: 20-60 tracks in acceptance
  EXPECT_LT(primary / n_events, 60);
  EXPECT_NEAR(fake / tracks, 0.02, 0.005);
}

TEST(EventGeneratorTest, AllTracksInAcceptance) {
  const GeneratorConfig cfg;
  EventGenerator g(cfg, 5);
  GeneratedEvent ev;
  for (int i = 0; i < 50; ++i) {
    g.next({}, &ev);
    for (const Track& t : ev.tracks) {
      // Digitised values: allow the half-bin the word can move a value by.
      ASSERT_GT(t.pt(), cfg.pt_min * (1 - 1e-3));
      ASSERT_LT(std::abs(t.eta()), cfg.eta_max + 1e-3);
      ASSERT_LT(std::abs(t.z0), cfg.z0_max + kZ0Field.lsb());
      ASSERT_GE(t.phi0, -std::numbers::pi);
      ASSERT_LT(t.phi0, std::numbers::pi);
    }
  }
}

TEST(EventGeneratorTest, Z0ResolutionPerEtaBin) {
  // Hard scatter only, so that many primary tracks come quickly; residuals against the truth,
  // each divided by its pT factor sqrt((1 - f) + f (p_ref / pT)^2), of tracks with all three
  // PS z measurements: what is left is the configured resolution of the |eta| bin.
  GeneratorConfig cfg;
  cfg.pileup_mean = 0;
  cfg.fake_fraction = 0;
  EventGenerator g(cfg, 99);
  GeneratedEvent ev;
  GeneratorTruth truth;
  std::array<double, 4> sum2{}, count{};
  for (int i = 0; i < 3000; ++i) {
    g.next({}, &ev, &truth);
    if (std::abs(ev.pv_z0) > cfg.z0_max - 3) continue;  // keep acceptance from cutting tails
    for (const GeneratedParticle& p : truth.particles) {
      if (p.track < 0 || std::popcount(p.ps_z_pattern) != kPsLayers) continue;
      ASSERT_EQ(ev.origin[p.track], Origin::kPrimary);
      const double abs_eta = std::abs(p.eta);
      size_t bin = 0;
      while (bin < 3 && abs_eta >= cfg.z0_res_eta_edges[bin]) ++bin;
      const double q = cfg.z0_res_ref_pt / p.pt;
      const double factor = std::sqrt(1 - cfg.z0_res_ms_share + cfg.z0_res_ms_share * q * q);
      const double r = (ev.tracks[p.track].z0 - p.z0) / factor;
      sum2[bin] += r * r;
      count[bin] += 1;
    }
  }
  for (size_t bin = 0; bin < 4; ++bin) {
    ASSERT_GT(count[bin], 1000) << bin;
    const double rms = std::sqrt(sum2[bin] / count[bin]);
    EXPECT_NEAR(rms, cfg.z0_res_cm[bin], 0.06 * cfg.z0_res_cm[bin]) << "eta bin " << bin;
  }
}

TEST(EventGeneratorTest, NextReusesTheEvent) {
  EventGenerator a({}, 3), b({}, 3);
  GeneratedEvent reused;
  for (int i = 0; i < 3; ++i) {
    a.next({}, &reused);
    EXPECT_EQ(event_bytes(reused), event_bytes(b.next({})));
  }
}

}  // namespace
}  // namespace l1t::physics
