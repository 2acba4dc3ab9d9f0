#include "common/physics/tracker_degradation.h"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include "common/physics/event_generator.h"
#include "common/physics/track_word.h"
#include "common/physics/tracker_layers.h"

namespace l1t::physics {
namespace {

TrackerDegradation preset(std::string_view name) {
  TrackerDegradation d;
  EXPECT_TRUE(tracker_scenario(name, &d)) << name;
  return d;
}

// Generated particles in the L1 acceptance and which of them left a track, by true pT.
struct Efficiency {
  std::vector<double> edges;
  std::vector<double> generated, found;
  explicit Efficiency(std::vector<double> e)
      : edges(std::move(e)), generated(edges.size() - 1), found(edges.size() - 1) {}
  void add(const GeneratedParticle& p) {
    if (std::abs(p.eta) > 2.3 || std::abs(p.z0) > 14) return;
    for (size_t b = 0; b + 1 < edges.size(); ++b) {
      if (p.pt >= edges[b] && p.pt < edges[b + 1]) {
        generated[b] += 1;
        found[b] += p.track >= 0;
      }
    }
  }
  double eff(size_t b) const { return found[b] / generated[b]; }
};

// Few pile-up vertices: quick, and the hard scatter gives the high-pT particles.
GeneratorConfig light_config() {
  GeneratorConfig cfg;
  cfg.pileup_mean = 20;
  // The stubs' losses alone: no nuclear interactions (a 5 % loss of hadrons under every
  // degradation alike; track_quality_test.cc tests it).
  cfg.material_interaction_prob = 0;
  return cfg;
}

DegradationState with(const TrackerDegradation& d) { return {0, 0.0, d}; }

Efficiency measure_efficiency(const TrackerDegradation& d, int events) {
  EventGenerator g(light_config(), 77);
  GeneratedEvent ev;
  GeneratorTruth truth;
  Efficiency e({2.2, 3, 5, 10, 1000});
  for (int i = 0; i < events; ++i) {
    g.next(with(d), &ev, &truth);
    for (const GeneratedParticle& p : truth.particles) e.add(p);
  }
  return e;
}

TEST(TrackerDegradationTest, PresetsOfTheStudy) {
  EXPECT_TRUE(preset("none").is_none());
  EXPECT_DOUBLE_EQ(preset("bri").bias_rail_fraction, kBiasRailPresetFraction);
  EXPECT_DOUBLE_EQ(preset("bri").bad_strip_fraction, 0);
  EXPECT_DOUBLE_EQ(preset("bri+1bs").bad_strip_fraction, 0.01);
  EXPECT_DOUBLE_EQ(preset("bri+5bs").bad_strip_fraction, 0.05);
  EXPECT_DOUBLE_EQ(preset("bri+10bs").bad_strip_fraction, 0.10);
  EXPECT_DOUBLE_EQ(preset("bri+10bs").bias_rail_fraction, kBiasRailPresetFraction);
  EXPECT_DOUBLE_EQ(kBiasRailPresetFraction, 1.0) << "every PS sensor, as CMS's digitiser";
  for (std::string_view name : kTrackerScenarioNames) {
    EXPECT_DOUBLE_EQ(preset(name).ps_z_loss_fraction, 0) << name << ": bri is the band loss";
  }
  TrackerDegradation d;
  d.pt_scale = 3;
  EXPECT_FALSE(tracker_scenario("bri+2bs", &d));
  EXPECT_DOUBLE_EQ(d.pt_scale, 3) << "untouched on failure";
  EXPECT_EQ(tracker_scenario_list(), "none, bri, bri+1bs, bri+5bs, bri+10bs");
  EXPECT_EQ(to_string(preset("none")), "none");
  EXPECT_EQ(to_string(preset("bri+5bs")), "bias_rail=1 bad_strips=0.05");
  TrackerDegradation z_loss;
  z_loss.ps_z_loss_fraction = kPsZLossReferenceFraction;
  EXPECT_EQ(to_string(z_loss), "ps_z_loss=0.1");
  EXPECT_EQ(tracker_scenario_name(z_loss), "") << "ps_z_loss is no scenario of the study";
  for (std::string_view name : kTrackerScenarioNames) {
    EXPECT_EQ(tracker_scenario_name(preset(name)), name);
  }
  TrackerDegradation shifted = preset("bri");
  shifted.z0_shift_cm = 0.1;
  EXPECT_EQ(tracker_scenario_name(shifted), "") << "no preset has a shift";
}

TEST(TrackerDegradationTest, Compose) {
  TrackerDegradation a, b;
  a.bad_strip_fraction = 0.1;
  a.z0_shift_cm = 0.2;
  a.pt_scale = 1.1;
  a.dead_region = {0, 1, 0, 1};
  b.bad_strip_fraction = 0.1;
  b.z0_shift_cm = 0.3;
  b.resolution_scale = 2;
  a.ps_z_loss_fraction = 0.1;
  b.ps_z_loss_fraction = 0.2;
  b.bias_rail_fraction = 0.5;
  const TrackerDegradation c = compose(a, b);
  EXPECT_NEAR(c.bad_strip_fraction, 0.19, 1e-12);
  EXPECT_NEAR(c.ps_z_loss_fraction, 1 - 0.9 * 0.8, 1e-12);
  EXPECT_DOUBLE_EQ(c.bias_rail_fraction, 0.5);
  EXPECT_NEAR(c.z0_shift_cm, 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(c.pt_scale, 1.1);
  EXPECT_DOUBLE_EQ(c.resolution_scale, 2);
  EXPECT_EQ(c.dead_region, a.dead_region);
  EXPECT_EQ(compose(a, TrackerDegradation{}), a);
  EXPECT_EQ(compose(TrackerDegradation{}, a), a);
}

TEST(TrackerDegradationTest, BadStripsLoseLowPtTracksMost) {
  const Efficiency none = measure_efficiency(preset("none"), 1000);
  const Efficiency bad = measure_efficiency(preset("bri+10bs"), 1000);
  const Efficiency mild = measure_efficiency(preset("bri+1bs"), 1000);
  for (size_t b = 0; b < 4; ++b) {
    std::printf("pT %g-%g: none %.4f bri+1bs %.4f bri+10bs %.4f (n %g)\n", none.edges[b],
                none.edges[b + 1], none.eff(b), mild.eff(b), bad.eff(b), none.generated[b]);
  }
  const size_t low = 0, high = 3;  // 2.2-3 GeV and 10-1000 GeV
  ASSERT_GT(none.generated[low], 5000);
  ASSERT_GT(none.generated[high], 2000);
  EXPECT_GT(none.eff(low), 0.97);
  EXPECT_GT(none.eff(high), 0.995);
  const double loss_low = none.eff(low) - bad.eff(low);
  const double loss_high = none.eff(high) - bad.eff(high);
  EXPECT_GT(loss_low, 0.08);
  EXPECT_LT(loss_high, 0.08);  // 0.06-0.07 by collisions: ~3,700 particles give +-0.004
  EXPECT_GT(loss_low, 1.5 * loss_high);
  // Monotone: 1 % bad strips cost little, and less than 10 %.
  EXPECT_LT(none.eff(low) - mild.eff(low), 0.01);
  EXPECT_GT(mild.eff(low), bad.eff(low));
}

TEST(TrackerDegradationTest, PsZLossWidensZ0OfAffectedTracks) {
  // Hard scatter only; residual against the true z of central primary tracks, by how many
  // PS stubs carry z. The PS z loss does not care about pT, so every group has the same pT
  // mix and the RMS ratios are the model's factors.
  GeneratorConfig cfg;
  cfg.pileup_mean = 0;
  cfg.fake_fraction = 0;
  TrackerDegradation d;
  d.ps_z_loss_fraction = 0.4;
  EventGenerator g(cfg, 91);
  GeneratedEvent ev;
  GeneratorTruth truth;
  double sum2[4] = {}, n[4] = {};
  for (int i = 0; i < 2000; ++i) {
    g.next(with(d), &ev, &truth);
    for (const GeneratedParticle& p : truth.particles) {
      if (p.track < 0 || std::abs(p.eta) > 1.1 || std::abs(p.z0) > 10) continue;
      const int k = std::popcount(p.ps_z_pattern);
      const double r = ev.tracks[p.track].z0 - p.z0;
      sum2[k] += r * r;
      n[k] += 1;
    }
  }
  ASSERT_GT(n[3], 5000);
  ASSERT_GT(n[2], 3000);
  ASSERT_GT(n[1], 500);
  const double rms3 = std::sqrt(sum2[3] / n[3]), rms2 = std::sqrt(sum2[2] / n[2]);
  const double rms1 = std::sqrt(sum2[1] / n[1]);
  EXPECT_GT(rms3, 0.5 * cfg.z0_res_cm[0]);
  EXPECT_LT(rms3, cfg.z0_res_cm[0]);  // hard-scatter tracks are mostly above the reference pT
  EXPECT_NEAR(rms2 / rms3, 1.5, 0.1);
  EXPECT_NEAR(rms1 / rms3, 3.0, 0.3);
}

TEST(TrackerDegradationTest, PsZLossAtTheFormerBriWidensPrimaryZ0) {
  auto rms_of = [](const TrackerDegradation& d) {
    GeneratorConfig cfg;
    cfg.pileup_mean = 0;
    cfg.fake_fraction = 0;
    EventGenerator g(cfg, 92);
    GeneratedEvent ev;
    double s2 = 0, n = 0;
    for (int i = 0; i < 1500; ++i) {
      g.next(with(d), &ev);
      for (const Track& t : ev.tracks) {
        if (std::abs(t.eta()) > 1.1 || std::abs(ev.pv_z0) > 10) continue;
        s2 += (t.z0 - ev.pv_z0) * (t.z0 - ev.pv_z0);
        n += 1;
      }
    }
    return std::sqrt(s2 / n);
  };
  TrackerDegradation z_loss;
  z_loss.ps_z_loss_fraction = kPsZLossReferenceFraction;
  const double none = rms_of(preset("none")), lossy = rms_of(z_loss);
  // 10 % of PS modules: ~27 % of tracks at x1.5 and ~3 % at x3: RMS up by ~20 %.
  EXPECT_GT(lossy / none, 1.1);
  EXPECT_LT(lossy / none, 1.4);
}

TEST(TrackerDegradationTest, PsZLossKeepsEveryStub) {
  // The former bri: z lost, stubs kept; 28 % of tracks lack a PS z (issue 11).
  TrackerDegradation z_loss;
  z_loss.ps_z_loss_fraction = kPsZLossReferenceFraction;
  EventGenerator a(light_config(), 71), b(light_config(), 71);
  GeneratedEvent ea, eb;
  GeneratorTruth ta, tb;
  double tracks = 0, incomplete = 0;
  for (int i = 0; i < 100; ++i) {
    a.next({}, &ea, &ta);
    b.next(with(z_loss), &eb, &tb);
    ASSERT_EQ(ta.particles.size(), tb.particles.size());
    for (size_t k = 0; k < ta.particles.size(); ++k) {
      ASSERT_EQ(ta.particles[k].hit_pattern, tb.particles[k].hit_pattern);
      ASSERT_EQ(tb.particles[k].rail_lost_pattern, 0);
      if (tb.particles[k].track < 0) continue;
      tracks += 1;
      incomplete += std::popcount(tb.particles[k].ps_z_pattern) < kPsLayers;
    }
  }
  EXPECT_NEAR(incomplete / tracks, 0.28, 0.04);
}

// Per layer over the particles the tracker model measured: stubs and bias-rail losses.
struct LayerCounts {
  double crossings = 0;
  std::array<double, kTrackerLayers> stubs{}, rail_lost{};
  double tracks = 0;
};
LayerCounts layer_counts(const TrackerDegradation& d, int events, uint64_t seed) {
  EventGenerator g(light_config(), seed);
  GeneratedEvent ev;
  GeneratorTruth truth;
  LayerCounts c;
  for (int i = 0; i < events; ++i) {
    g.next(with(d), &ev, &truth);
    for (const GeneratedParticle& p : truth.particles) {
      if (!p.reached_tracker) continue;
      c.crossings += 1;
      c.tracks += p.track >= 0;
      for (int l = 0; l < kTrackerLayers; ++l) {
        c.stubs[l] += (p.hit_pattern >> l) & 1;
        c.rail_lost[l] += (p.rail_lost_pattern >> l) & 1;
      }
    }
  }
  return c;
}

TEST(TrackerDegradationTest, BriLosesPsPixelHitsInBiasRailBandsAndTheirStubs) {
  const LayerCounts none = layer_counts(preset("none"), 3000, 81);
  const LayerCounts bri = layer_counts(preset("bri"), 3000, 81);
  ASSERT_EQ(none.crossings, bri.crossings) << "the same particles";
  ASSERT_GT(none.crossings, 50000);
  const double band = BiasRailBand{}.lost_share();
  EXPECT_NEAR(band, 37.0 / 1504.0, 1e-12);
  double ps_lost = 0;
  for (int l = 0; l < kTrackerLayers; ++l) {
    const double lost = bri.rail_lost[l] / bri.crossings;
    const double stub_drop = 1 - bri.stubs[l] / none.stubs[l];
    std::printf("layer %d: pixel hits lost %.4f, stubs %.0f -> %.0f (-%.4f)\n", l, lost,
                none.stubs[l], bri.stubs[l], stub_drop);
    if (kTrackerLayout[l].ps) {
      // About 2.5 % of the pixel hits, and the stubs fall by the same share.
      EXPECT_GT(lost, 0.020) << l;
      EXPECT_LT(lost, 0.030) << l;
      EXPECT_NEAR(stub_drop, lost, 0.002) << l;
      ps_lost += bri.rail_lost[l];
    } else {
      EXPECT_EQ(bri.rail_lost[l], 0) << l;
      EXPECT_EQ(bri.stubs[l], none.stubs[l]) << "2S layers unchanged, layer " << l;
    }
  }
  EXPECT_NEAR(ps_lost / (kPsLayers * bri.crossings), band, 0.002);
  // 4 of 6 stubs still make a track: a few tracks are lost (three stubs gone), most keep
  // five; well under a percent overall.
  EXPECT_LT(bri.tracks, none.tracks);
  EXPECT_GT(bri.tracks / none.tracks, 0.99);
}

TEST(TrackerDegradationTest, BriLossIsGeometricAndDeterministic) {
  // The same seed, the same losses; and the loss depends on where the particle crosses, not
  // on a draw: another stub stream gives the same bias-rail pattern.
  const LayerCounts a = layer_counts(preset("bri"), 30, 83);
  const LayerCounts b = layer_counts(preset("bri"), 30, 83);
  EXPECT_EQ(a.stubs, b.stubs);
  EXPECT_EQ(a.rail_lost, b.rail_lost);
  const TrackerLayers layers(5);
  const StubConditions bri(preset("bri"));
  Rng r1(1), r2(2), draws(3);
  for (int i = 0; i < 20000; ++i) {
    const double pt = 2 + 30 * uniform01(draws), eta = uniform(draws, -2.4, 2.4);
    const double phi = uniform(draws, -3, 3), z0 = uniform(draws, -15, 15);
    const StubPattern p1 = layers.stubs(pt, eta, phi, z0, 1.0, bri, r1);
    const StubPattern p2 = layers.stubs(pt, eta, phi, z0, 1.0, bri, r2);
    ASSERT_EQ(p1.rail_lost, p2.rail_lost) << i;
    ASSERT_EQ(p1.rail_lost & p1.stubs, 0) << "no stub where the pixel hit was lost";
    for (int l = 0; l < kPsLayers; ++l) {
      const double z = z0 + kTrackerLayout[l].r_cm * std::sinh(eta);
      ASSERT_EQ(((p1.rail_lost >> l) & 1) != 0, layers.in_bias_rail(l, z)) << i;
    }
  }
}

TEST(TrackerDegradationTest, DeadRegionEmptiesItsCell) {
  TrackerDegradation d;
  d.dead_region = {0.5, 1.5, 0.0, 1.0};
  EventGenerator dead(light_config(), 55), alive(light_config(), 55);
  GeneratedEvent ev;
  auto count = [&](EventGenerator& g, const TrackerDegradation& state, double eta_lo, double eta_hi,
                   double phi_lo, double phi_hi) {
    size_t inside = 0;
    for (int i = 0; i < 600; ++i) {
      g.next(with(state), &ev);
      for (size_t k = 0; k < ev.tracks.size(); ++k) {
        const Track& t = ev.tracks[k];
        if (ev.origin[k] == Origin::kFake || t.pt() < 5) continue;
        inside += t.eta() > eta_lo && t.eta() < eta_hi && t.phi0 > phi_lo && t.phi0 < phi_hi;
      }
    }
    return inside;
  };
  // The cell's core (away from its edges by more than the bend of a 5 GeV track and the
  // vertex spread in eta) is empty; the same cell in the undegraded detector is not.
  EXPECT_EQ(count(dead, d, 0.8, 1.2, 0.2, 0.8), 0u);
  EXPECT_GT(count(alive, {}, 0.8, 1.2, 0.2, 0.8), 30u);
  // Outside the window nothing changes: the mirror cell keeps its tracks.
  EventGenerator dead2(light_config(), 56), alive2(light_config(), 56);
  EXPECT_EQ(count(dead2, d, -1.2, -0.8, -0.8, -0.2), count(alive2, {}, -1.2, -0.8, -0.8, -0.2));
}

// Residuals of matched tracks against their particles, pT > 5 GeV.
struct Residuals {
  double z0_mean = 0, pt_ratio_mean = 0, pt_ratio_rms = 0;
};
Residuals residuals(const TrackerDegradation& d) {
  EventGenerator g(light_config(), 63);
  GeneratedEvent ev;
  GeneratorTruth truth;
  double n = 0, dz = 0, r = 0, r2 = 0;
  for (int i = 0; i < 200; ++i) {
    g.next(with(d), &ev, &truth);
    for (const GeneratedParticle& p : truth.particles) {
      if (p.track < 0 || p.pt < 5 || std::abs(p.z0) > 10) continue;
      const Track& t = ev.tracks[p.track];
      n += 1;
      dz += t.z0 - p.z0;
      r += t.pt() / p.pt;
      r2 += (t.pt() / p.pt) * (t.pt() / p.pt);
    }
  }
  Residuals out;
  out.z0_mean = dz / n;
  out.pt_ratio_mean = r / n;
  out.pt_ratio_rms = std::sqrt(r2 / n - out.pt_ratio_mean * out.pt_ratio_mean);
  return out;
}

TEST(TrackerDegradationTest, Z0ShiftShiftsTheMeanResidual) {
  TrackerDegradation d;
  d.z0_shift_cm = 0.5;
  const Residuals none = residuals({}), shifted = residuals(d);
  EXPECT_NEAR(none.z0_mean, 0.0, 0.02);
  EXPECT_NEAR(shifted.z0_mean, 0.5, 0.02);
}

TEST(TrackerDegradationTest, PtScaleScalesPt) {
  TrackerDegradation d;
  d.pt_scale = 1.1;
  const Residuals none = residuals({}), scaled = residuals(d);
  EXPECT_NEAR(none.pt_ratio_mean, 1.0, 0.005);
  EXPECT_NEAR(scaled.pt_ratio_mean, 1.1, 0.006);
}

TEST(TrackerDegradationTest, ResolutionScaleWidensResolution) {
  TrackerDegradation d;
  d.resolution_scale = 2;
  const Residuals none = residuals({}), wide = residuals(d);
  EXPECT_NEAR(wide.pt_ratio_rms / none.pt_ratio_rms, 2.0, 0.2);
}

TEST(TrackerDegradationTest, ComposedDegradationsActTogether) {
  // A shift and a scale composed onto a preset: each acts as it does alone.
  TrackerDegradation extra;
  extra.z0_shift_cm = 0.5;
  extra.pt_scale = 1.1;
  const Residuals both = residuals(compose(preset("bri"), extra));
  EXPECT_NEAR(both.z0_mean, 0.5, 0.03);
  EXPECT_NEAR(both.pt_ratio_mean, 1.1, 0.006);
}

}  // namespace
}  // namespace l1t::physics
