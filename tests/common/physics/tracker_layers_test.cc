#include "common/physics/tracker_layers.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

#include "common/physics/event_generator.h"
#include "common/physics/track_word.h"
#include "tests/support/event_bytes.h"

namespace l1t::physics {
namespace {

using testing::event_bytes;

TrackerDegradation preset(std::string_view name) {
  TrackerDegradation d;
  EXPECT_TRUE(tracker_scenario(name, &d)) << name;
  return d;
}

TEST(TrackerLayersTest, ClustersWidenAtLowPt) {
  // 2 GeV at r = 108 cm: sin(alpha) = 0.31, 290 um * 0.32 / 90 um = 1.03 extra strips.
  EXPECT_NEAR(TrackerLayers::cluster_strips(5, 2.0), 2.03, 0.02);
  EXPECT_LT(TrackerLayers::cluster_strips(5, 50.0), 1.05);
  EXPECT_LT(TrackerLayers::cluster_strips(0, 2.0), TrackerLayers::cluster_strips(5, 2.0));
  const TrackerLayers layers(1);
  EXPECT_DOUBLE_EQ(layers.stub_probability(3, 2.0, 0.0), kStubEfficiency);
  // 2S: two sensors, so (1 - f)^(2 x strips).
  EXPECT_NEAR(layers.stub_probability(5, 50.0, 0.1), kStubEfficiency * std::pow(0.9, 2.04), 0.01);
  EXPECT_LT(layers.stub_probability(5, 2.0, 0.1), layers.stub_probability(5, 50.0, 0.1) - 0.1);
}

TEST(TrackerLayersTest, UndegradedLayersFindAlmostEveryParticle) {
  const TrackerLayers layers(3);
  Rng rng(5);
  const int n = 200000;
  int found = 0, all_ps_z = 0, stubs = 0;
  for (int i = 0; i < n; ++i) {
    const StubPattern p = layers.stubs(2.5, 0.3, 0.1, 1.0, 1.0, TrackerDegradation{}, rng);
    found += p.found();
    all_ps_z += p.n_ps_z() == kPsLayers;
    stubs += p.n_stubs();
    ASSERT_EQ(p.ps_z & ~p.stubs, 0) << "z only on existing stubs";
    ASSERT_EQ(p.ps_z >> kPsLayers, 0) << "z only from PS layers";
  }
  EXPECT_GT(found, n - 5);  // P(< 4 of 6) = 2.5e-6
  EXPECT_NEAR(static_cast<double>(stubs) / n, 6 * kStubEfficiency, 0.002);
  EXPECT_NEAR(static_cast<double>(all_ps_z) / n, std::pow(kStubEfficiency, 3), 0.002);
}

TEST(TrackerLayersTest, PixelMapIsFixedForASeedAndNested) {
  const TrackerLayers a(42), b(42), c(43);
  int dead10 = 0, dead5 = 0, differ = 0, total = 0;
  for (int layer = 0; layer < kPsLayers; ++layer) {
    for (int ieta = -25; ieta < 25; ++ieta) {
      for (int iphi = 0; iphi < kTrackerLayout[layer].phi_modules; ++iphi) {
        const ModuleId m{layer, ieta, iphi};
        ++total;
        const bool d10 = a.pixel_dead(m, 0.10), d5 = a.pixel_dead(m, 0.05);
        ASSERT_EQ(d10, b.pixel_dead(m, 0.10));
        ASSERT_TRUE(d10 || !d5) << "a 5 % map is inside the 10 % map";
        dead10 += d10;
        dead5 += d5;
        differ += d10 != c.pixel_dead(m, 0.10);
      }
    }
  }
  EXPECT_EQ(total, 5600);  // the PS module count of the real outer tracker, 5,616
  EXPECT_NEAR(dead10 / 5600.0, 0.10, 0.015);
  EXPECT_NEAR(dead5 / 5600.0, 0.05, 0.01);
  EXPECT_GT(differ, 500) << "another seed, another map";
}

TEST(TrackerLayersTest, CrossingFollowsTheBend) {
  double eta, phi_pos, phi_neg;
  TrackerLayers::crossing(5, 2.0, 0.0, 0.0, 0.0, +1, &eta, &phi_pos);
  TrackerLayers::crossing(5, 2.0, 0.0, 0.0, 0.0, -1, &eta, &phi_neg);
  EXPECT_NEAR(phi_pos, -std::asin(108 * kPtFromInvR / 4), 1e-9);
  EXPECT_NEAR(phi_neg, -phi_pos, 1e-12);
  EXPECT_NEAR(eta, 0.0, 1e-12);
  TrackerLayers::crossing(0, 100.0, 1.0, 3.1, 0.0, +1, &eta, &phi_pos);
  EXPECT_NEAR(eta, 1.0, 1e-9);  // straight in r-z from z = 0
}

TEST(TrackerLayersTest, GeneratorFillsTheHitPattern) {
  EventGenerator g({}, 17);
  GeneratedEvent ev;
  GeneratorTruth truth;
  g.next({}, &ev, &truth);
  for (const Track& t : ev.tracks) {
    ASSERT_GE(std::popcount(t.hit_pattern), kMinStubs);
    ASSERT_LT(t.hit_pattern, 1 << kTrackerLayers);
    uint8_t word[kTrackWordBytes];
    pack_track(t, word);
    EXPECT_EQ(unpack_track(word).hit_pattern, t.hit_pattern);
    uint8_t portable[kTrackWordBytes];
    internal::pack_track_portable(t, portable);
    EXPECT_EQ(std::string(word, word + 12), std::string(portable, portable + 12));
  }
  for (const GeneratedParticle& p : truth.particles) {
    if (p.track >= 0) {
      EXPECT_EQ(ev.tracks[p.track].hit_pattern, p.hit_pattern);
    }
  }
}

TEST(TrackerLayersTest, NoneReproducesTheUndegradedTracker) {
  // The preset "none" in the state is the default state, byte for byte.
  EventGenerator a({}, 23), c({}, 23);
  for (int i = 0; i < 3; ++i) {
    const std::string ea = event_bytes(a.next({}));
    EXPECT_EQ(ea, event_bytes(c.next({0, 0.0, preset("none")})));
  }
  // And it loses (almost) nothing against the purely parametric tracker on the same
  // collisions: the base stub efficiency only matters when 3 of 6 layers fail.
  GeneratorConfig parametric;
  parametric.stub_model = false;
  EventGenerator layered({}, 29), plain(parametric, 29);
  GeneratedEvent ev_l, ev_p;
  size_t n_l = 0, n_p = 0;
  for (int i = 0; i < 30; ++i) {
    layered.next({}, &ev_l);
    plain.next({}, &ev_p);
    EXPECT_EQ(ev_l.pv_z0, ev_p.pv_z0);
    n_l += ev_l.tracks.size();
    n_p += ev_p.tracks.size();
  }
  EXPECT_NEAR(static_cast<double>(n_l) / n_p, 1.0, 1e-3);
}

TEST(TrackerLayersTest, SameSeedSameBytesUnderEveryScenario) {
  for (std::string_view name : kTrackerScenarioNames) {
    const DegradationState state{0, 0.0, preset(name)};
    EventGenerator a({}, 31), b({}, 31), c({}, 32);
    for (int i = 0; i < 3; ++i) {
      const std::string ea = event_bytes(a.next(state));
      EXPECT_EQ(ea, event_bytes(b.next(state))) << name;
      EXPECT_NE(ea, event_bytes(c.next(state))) << name;
    }
  }
}

TEST(TrackerLayersTest, ScenariosSeeTheSameCollisions) {
  const DegradationState worst{0, 0.0, preset("bri+10bs")};
  EventGenerator clean({}, 37), degraded({}, 37);
  size_t fakes_a = 0, fakes_b = 0;
  for (int i = 0; i < 40; ++i) {
    const GeneratedEvent a = clean.next({});
    const GeneratedEvent b = degraded.next(worst);
    EXPECT_EQ(a.pv_z0, b.pv_z0);
    EXPECT_LT(b.tracks.size(), a.tracks.size());
    for (Origin o : a.origin) fakes_a += o == Origin::kFake;
    for (Origin o : b.origin) fakes_b += o == Origin::kFake;
  }
  // Fakes are made of stubs: with ~17 % of them lost, ~30 % fewer (their own engine, so the
  // collisions above stay the same).
  EXPECT_LT(fakes_b, fakes_a) << "fewer stubs, fewer combinatorial fakes";
}

TEST(TrackerLayersTest, MultiplicityAndPrimaryFractionStayInRangeUnderEveryScenario) {
  // README: 150-450 tracks per event, 5-25 % of them from the primary vertex.
  for (std::string_view name : kTrackerScenarioNames) {
    EventGenerator g({}, 2024);
    GeneratedEvent ev;
    double tracks = 0, primary = 0;
    const int n_events = 100;
    for (int i = 0; i < n_events; ++i) {
      g.next({0, 0.0, preset(name)}, &ev);
      tracks += ev.tracks.size();
      for (Origin o : ev.origin) primary += o == Origin::kPrimary;
    }
    EXPECT_GT(tracks / n_events, 150) << name;
    EXPECT_LT(tracks / n_events, 450) << name;
    EXPECT_GT(primary / tracks, 0.05) << name;
    EXPECT_LT(primary / tracks, 0.25) << name;
  }
}

TEST(TrackerLayersTest, UndegradedShortcutDecidesAsTheGeneralPath) {
  // A dead region nobody crosses takes the general path and must change nothing.
  TrackerDegradation far;
  far.dead_region = {4.5, 5.0, 0.0, 0.1};
  const TrackerLayers layers(8);
  Rng a(9), b(9), draws(10);
  for (int i = 0; i < 100000; ++i) {
    const double pt = 2 + 50 * uniform01(draws), eta = uniform(draws, -2.4, 2.4);
    const StubPattern fast = layers.stubs(pt, eta, 0.3, 1.0, 1.0, TrackerDegradation{}, a);
    const StubPattern general = layers.stubs(pt, eta, 0.3, 1.0, 1.0, far, b);
    ASSERT_EQ(fast.stubs, general.stubs) << i;
    ASSERT_EQ(fast.ps_z, general.ps_z) << i;
  }
}

TEST(TrackerLayersTest, BiasRailBandIsPeriodicAlongTheSensor) {
  // CMSSW PSPDigitizerAlgorithm: 1467 um implants, 37 um rails.
  const TrackerLayers layers(4);
  for (int l = 0; l < kTrackerLayers; ++l) {
    int in = 0;
    const int n = 2000000;
    for (int i = 0; i < n; ++i) in += layers.in_bias_rail(l, -30.0 + 60.0 * (i + 0.5) / n);
    if (kTrackerLayout[l].ps) {
      EXPECT_NEAR(static_cast<double>(in) / n, 37.0 / 1504.0, 1e-4) << l;
    } else {
      EXPECT_EQ(in, 0) << "2S modules have no macro-pixels, layer " << l;
    }
  }
  // One period later, the same answer; one rail width on, a different one somewhere.
  const double pitch = 0.1504;
  int moved = 0;
  for (int i = 0; i < 10000; ++i) {
    const double z = -10 + 0.002 * i;
    ASSERT_EQ(layers.in_bias_rail(0, z), layers.in_bias_rail(0, z + 7 * pitch)) << z;
    moved += layers.in_bias_rail(0, z) != layers.in_bias_rail(0, z + 0.0037);
  }
  EXPECT_GT(moved, 0);
  // A configured band; a zero one is none.
  const TrackerLayers wide(4, kStubEfficiency, BiasRailBand{150, 1350});
  int in = 0;
  for (int i = 0; i < 100000; ++i) in += wide.in_bias_rail(1, 0.0001 * i);
  EXPECT_NEAR(in / 100000.0, 0.1, 0.002);
  const TrackerLayers off(4, kStubEfficiency, BiasRailBand{0, 1467});
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(off.in_bias_rail(0, 0.01 * i));
}

TEST(TrackerLayersTest, BiasRailFractionPicksAFixedShareOfModules) {
  // A bias_rail_fraction below 1 applies the band loss to that share of PS modules only.
  const TrackerLayers layers(6);
  TrackerDegradation all, half;
  all.bias_rail_fraction = 1;
  half.bias_rail_fraction = 0.5;
  const StubConditions c_all(all), c_half(half);
  Rng r(1), s(1), draws(2);
  double lost_all = 0, lost_half = 0;
  for (int i = 0; i < 200000; ++i) {
    const double pt = 2 + 30 * uniform01(draws), eta = uniform(draws, -2.4, 2.4);
    const double phi = uniform(draws, -3, 3), z0 = uniform(draws, -15, 15);
    const StubPattern a = layers.stubs(pt, eta, phi, z0, 1.0, c_all, r);
    const StubPattern h = layers.stubs(pt, eta, phi, z0, 1.0, c_half, s);
    ASSERT_EQ(h.rail_lost & ~a.rail_lost, 0) << "a subset of the full loss";
    lost_all += std::popcount(a.rail_lost);
    lost_half += std::popcount(h.rail_lost);
  }
  EXPECT_NEAR(lost_half / lost_all, 0.5, 0.05);
}

TEST(TrackerLayersTest, ResolutionFactorsFollowTheStubs) {
  EXPECT_DOUBLE_EQ(z0_resolution_factor(3), 1.0);
  EXPECT_DOUBLE_EQ(z0_resolution_factor(2), 1.5);
  EXPECT_DOUBLE_EQ(z0_resolution_factor(1), 3.0);
  EXPECT_DOUBLE_EQ(z0_resolution_factor(0), 3.0);
  for (int n = 1; n <= kTrackerLayers; ++n) {
    EXPECT_NEAR(r_phi_resolution_factor(n), std::sqrt(6.0 / n), 1e-12) << n;
  }
}

TEST(TrackerLayersTest, Z0ResolutionWorsensAtLowPtAndHighEta) {
  // Primary tracks with all three PS z measurements, residual against the true vertex.
  GeneratorConfig cfg;
  cfg.pileup_mean = 0;
  cfg.fake_fraction = 0;
  EventGenerator g(cfg, 93);
  GeneratedEvent ev;
  GeneratorTruth truth;
  double s2[2][2] = {}, n[2][2] = {};  // [soft, hard][central, forward]
  for (int i = 0; i < 8000; ++i) {
    g.next({}, &ev, &truth);
    for (const GeneratedParticle& p : truth.particles) {
      if (p.track < 0 || std::popcount(p.ps_z_pattern) != kPsLayers) continue;
      const int hard = p.pt > 15 ? 1 : p.pt < 3 ? 0 : -1;
      const int fwd = std::abs(p.eta) >= 2.0 ? 1 : std::abs(p.eta) < 1.2 ? 0 : -1;
      if (hard < 0 || fwd < 0) continue;
      const double r = ev.tracks[p.track].z0 - p.z0;
      s2[hard][fwd] += r * r;
      n[hard][fwd] += 1;
    }
  }
  double rms[2][2];
  for (int h = 0; h < 2; ++h) {
    for (int f = 0; f < 2; ++f) {
      ASSERT_GT(n[h][f], 400) << h << f;
      rms[h][f] = std::sqrt(s2[h][f] / n[h][f]);
      std::printf("%s %s: %.0f tracks, rms %.4f cm\n", h ? "pT > 15" : "pT 2-3",
                  f ? "|eta| > 2" : "|eta| < 1.2", n[h][f], rms[h][f]);
    }
  }
  // Soft (2-3 GeV, mostly near the 2.5 GeV reference) against hard (> 15 GeV, sqrt(0.5)).
  EXPECT_NEAR(rms[0][0], cfg.z0_res_cm[0], 0.1 * cfg.z0_res_cm[0]);
  EXPECT_NEAR(rms[0][0] / rms[1][0], 1.4, 0.15);
  EXPECT_NEAR(rms[0][1] / rms[1][1], 1.4, 0.15);
  EXPECT_NEAR(rms[0][1] / rms[0][0], cfg.z0_res_cm[3] / cfg.z0_res_cm[0], 0.4);
}

}  // namespace
}  // namespace l1t::physics
