// Track quality as the word carries it (track_quality.h), the material's nuclear interactions
// and the fakes' response to occupancy and stub losses (event_generator.h).
#include "common/physics/track_quality.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

#include "common/physics/event_generator.h"
#include "common/physics/event_statistics.h"
#include "common/physics/rng.h"
#include "common/physics/track_word.h"
#include "common/physics/tracker_degradation.h"

namespace l1t::physics {
namespace {

TrackerDegradation preset(std::string_view name) {
  TrackerDegradation d;
  EXPECT_TRUE(tracker_scenario(name, &d)) << name;
  return d;
}

// Means of the word's quality fields over the tracks of one origin (or of all real ones).
struct QualityMeans {
  double n = 0, chi2_rphi = 0, chi2_rz = 0, bend = 0, mva = 0;
  void add(const Track& t) {
    ++n;
    chi2_rphi += t.chi2_rphi;
    chi2_rz += t.chi2_rz;
    bend += t.bend_chi2;
    mva += t.mva_quality;
  }
  void finish() {
    chi2_rphi /= n;
    chi2_rz /= n;
    bend /= n;
    mva /= n;
  }
};

struct Sample {
  QualityMeans real, fake;
  double fakes_per_event = 0;
  double fake_z0_rms = 0;
};

Sample generate(const GeneratorConfig& cfg, const DegradationState& state, int events,
                uint64_t seed = 5) {
  EventGenerator gen(cfg, seed);
  Sample s;
  GeneratedEvent ev;
  double z0_sq = 0;
  for (int e = 0; e < events; ++e) {
    gen.next(state, &ev);
    for (size_t i = 0; i < ev.tracks.size(); ++i) {
      if (ev.origin[i] == Origin::kFake) {
        s.fake.add(ev.tracks[i]);
        z0_sq += ev.tracks[i].z0 * ev.tracks[i].z0;
      } else {
        s.real.add(ev.tracks[i]);
      }
    }
  }
  s.fakes_per_event = s.fake.n / events;
  s.fake_z0_rms = std::sqrt(z0_sq / s.fake.n);
  s.real.finish();
  s.fake.finish();
  return s;
}

TEST(TrackQualityTest, ReducedChi2HasMeanOneAndTheChi2Spread) {
  Rng rng(1);
  for (int nu = 2; nu <= 6; ++nu) {
    double sum = 0, sum_sq = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
      const double x = reduced_chi2(nu, gauss(rng));
      ASSERT_GE(x, 0);
      sum += x;
      sum_sq += x * x;
    }
    const double mean = sum / n, var = sum_sq / n - mean * mean;
    EXPECT_NEAR(mean, 1.0, 0.02) << nu;
    EXPECT_NEAR(var, 2.0 / nu, 0.15 * 2.0 / nu) << nu;  // chi2(nu)/nu: variance 2/nu
  }
}

TEST(TrackQualityTest, MvaIsMonotoneInTheChi2sAndTheStubs) {
  const TrackQualityConfig c;
  for (int stubs = 4; stubs <= 6; ++stubs) {
    double previous = 2;
    for (double chi2 : kChi2RPhiBins) {
      const double s = mva_score(c, stubs, chi2, 1.0, 1.0);
      EXPECT_LE(s, previous) << stubs << " " << chi2;
      previous = s;
      EXPECT_LE(mva_score(c, stubs, 1.0, chi2, 1.0), mva_score(c, stubs, 1.0, 0.5 * chi2, 1.0));
      EXPECT_LE(mva_score(c, stubs, 1.0, 1.0, chi2), mva_score(c, stubs, 1.0, 1.0, 0.5 * chi2));
    }
    if (stubs > 4) {
      EXPECT_GT(mva_score(c, stubs, 1, 1, 1), mva_score(c, stubs - 1, 1, 1, 1));
    }
  }
  EXPECT_EQ(mva_bin(0.0), 0);
  EXPECT_EQ(mva_bin(0.124), 0);
  EXPECT_EQ(mva_bin(0.125), 1);
  EXPECT_EQ(mva_bin(0.999), 7);
  EXPECT_EQ(mva_bin(std::numeric_limits<double>::quiet_NaN()), 0);
}

TEST(TrackQualityTest, SameDrawsWorseStubsGiveLargerChi2s) {
  const TrackQualityConfig c;
  Rng rng(2);
  for (int i = 0; i < 1000; ++i) {
    const QualityDraws d = draw_quality(rng);
    Track full, lost_z, lost_stub, fake;
    assign_quality(c, {6, 3, false}, d, &full);
    assign_quality(c, {6, 1, false}, d, &lost_z);
    assign_quality(c, {4, 3, false}, d, &lost_stub);
    assign_quality(c, {6, 3, true}, d, &fake);
    EXPECT_GE(lost_z.chi2_rz, full.chi2_rz);
    EXPECT_EQ(lost_z.chi2_rphi, full.chi2_rphi);
    EXPECT_GE(fake.chi2_rphi, full.chi2_rphi);
    EXPECT_GE(fake.bend_chi2, full.bend_chi2);
    EXPECT_LE(fake.mva_quality, full.mva_quality);
    EXPECT_LE(lost_z.mva_quality, full.mva_quality);
    EXPECT_LE(lost_stub.mva_quality, full.mva_quality);
  }
}

TEST(TrackQualityTest, WordFieldsRoundTripThroughPackAndUnpack) {
  Track t;
  t.inv_r = 0.001;
  t.z0 = 1.5;
  t.hit_pattern = 0x3b;
  // Every bin edge reads back as itself; a value inside a bin reads back as its lower edge.
  for (size_t b = 0; b < kChi2RPhiBins.size(); ++b) {
    t.chi2_rphi = static_cast<float>(kChi2RPhiBins[b]);
    t.chi2_rz = static_cast<float>(kChi2RZBins[b]);
    t.bend_chi2 = static_cast<float>(kBendChi2Bins[b % kBendChi2Bins.size()]);
    t.mva_quality = static_cast<uint8_t>(b % 8);
    Track d = digitise(t);
    EXPECT_EQ(d.chi2_rphi, t.chi2_rphi) << b;
    EXPECT_EQ(d.chi2_rz, t.chi2_rz) << b;
    EXPECT_EQ(d.bend_chi2, t.bend_chi2) << b;
    EXPECT_EQ(d.mva_quality, t.mva_quality) << b;
    EXPECT_EQ(d.hit_pattern, t.hit_pattern);
    t.chi2_rphi = static_cast<float>(kChi2RPhiBins[b] * 1.01 + 0.001);
    t.chi2_rz = static_cast<float>(kChi2RZBins[b] * 1.01 + 0.001);
    d = digitise(t);
    EXPECT_EQ(d.chi2_rphi, static_cast<float>(kChi2RPhiBins[b])) << b;
    EXPECT_EQ(d.chi2_rz, static_cast<float>(kChi2RZBins[b])) << b;
  }
  // Beyond the last edge: the last bin; NaN and negative: bin 0; MVA above 7 clamps.
  t.chi2_rphi = 1e9f;
  t.chi2_rz = std::numeric_limits<float>::quiet_NaN();
  t.bend_chi2 = -3;
  t.mva_quality = 200;
  const Track d = digitise(t);
  EXPECT_EQ(d.chi2_rphi, 200.0f);
  EXPECT_EQ(d.chi2_rz, 0.0f);
  EXPECT_EQ(d.bend_chi2, 0.0f);
  EXPECT_EQ(d.mva_quality, 7);
}

TEST(TrackQualityTest, QualityFieldsSitWhereTheLayoutSays) {
  Track t;
  uint8_t plain[kTrackWordBytes], q[kTrackWordBytes];
  pack_track(t, plain);
  t.chi2_rphi = 200;  // bin 15: bits 64-67
  t.chi2_rz = 50;     // bin 15: bits 32-35
  t.bend_chi2 = 20;   // bin 7: bits 16-18
  t.mva_quality = 7;  // bits 6-8
  pack_track(t, q);
  uint64_t lo_p, lo_q;
  uint32_t hi_p, hi_q;
  std::memcpy(&lo_p, plain, 8);
  std::memcpy(&lo_q, q, 8);
  std::memcpy(&hi_p, plain + 8, 4);
  std::memcpy(&hi_q, q + 8, 4);
  EXPECT_EQ(lo_p ^ lo_q, uint64_t{0x7} << 6 | uint64_t{0x7} << 16 | uint64_t{0xf} << 32);
  EXPECT_EQ(hi_p ^ hi_q, 0xfu);
  uint8_t portable[kTrackWordBytes];
  internal::pack_track_portable(t, portable);
  EXPECT_EQ(0, std::memcmp(q, portable, kTrackWordBytes));
}

TEST(TrackQualityTest, FakesHaveLargerChi2AndLowerMvaThanRealTracks) {
  const Sample s = generate({}, {}, 100);
  ASSERT_GT(s.fake.n, 100);
  EXPECT_GT(s.fake.chi2_rphi, 3 * s.real.chi2_rphi);
  EXPECT_GT(s.fake.chi2_rz, 3 * s.real.chi2_rz);
  EXPECT_GT(s.fake.bend, 1.5 * s.real.bend);
  EXPECT_LT(s.fake.mva, s.real.mva - 2);
  // Real tracks: chi2/dof near 1 (read back as the bins' lower edges, so below it).
  EXPECT_GT(s.real.chi2_rphi, 0.3);
  EXPECT_LT(s.real.chi2_rphi, 1.5);
  EXPECT_GT(s.real.mva, 5);
}

TEST(TrackQualityTest, LostPsZRaisesTheRzChi2) {
  for (std::string_view how : {"ps_z_loss", "bri"}) {
    DegradationState lost;
    if (how == "bri") {
      lost.tracker = preset("bri");
    } else {
      lost.tracker.ps_z_loss_fraction = 0.3;
    }
    const Sample clean = generate({}, {}, 40), degraded = generate({}, lost, 40);
    EXPECT_GT(degraded.real.chi2_rz, 1.05 * clean.real.chi2_rz) << how;
    EXPECT_LT(degraded.real.mva, clean.real.mva) << how;
  }
}

TEST(TrackQualityTest, MaterialLossRateIsTheConfiguredOneForHadronsOnly) {
  for (double prob : {0.05, 0.2}) {
    GeneratorConfig cfg;
    cfg.material_interaction_prob = prob;
    const EventStatisticsSummary s = describe_events(cfg, 3, {}, 100);
    ASSERT_GT(s.material_hadrons, 20000u);
    const double n = static_cast<double>(s.material_hadrons);
    EXPECT_NEAR(s.material_lost_fraction, prob, 4 * std::sqrt(prob * (1 - prob) / n)) << prob;
  }
  // The W's leptons are not hadrons: never lost, and present.
  GeneratorConfig all;
  all.material_interaction_prob = 1;
  EventGenerator gen(all, 4);
  GeneratedEvent ev;
  GeneratorTruth truth;
  int leptons = 0;
  for (int e = 0; e < 50; ++e) {
    gen.next({}, &ev, &truth);
    for (const GeneratedParticle& p : truth.particles) {
      if (!p.reached_tracker) continue;
      if (p.hadron) {
        EXPECT_TRUE(p.material_lost);
        EXPECT_LT(p.track, 0);
      } else {
        ++leptons;
        EXPECT_EQ(p.origin, Origin::kPrimary);
        EXPECT_FALSE(p.material_lost);
      }
    }
    for (Origin o : ev.origin) EXPECT_NE(o, Origin::kPileup) << "every pile-up hadron is lost";
  }
  EXPECT_GT(leptons, 10);
}

TEST(TrackQualityTest, MaterialAndQualityDrawsDoNotDependOnTheDegradation) {
  EventGenerator clean({}, 21), degraded({}, 21);
  GeneratedEvent a, b;
  GeneratorTruth ta, tb;
  const DegradationState worst{0, 0.0, preset("bri+10bs")};
  for (int e = 0; e < 5; ++e) {
    clean.next({}, &a, &ta);
    degraded.next(worst, &b, &tb);
    ASSERT_EQ(ta.particles.size(), tb.particles.size());
    for (size_t i = 0; i < ta.particles.size(); ++i) {
      ASSERT_EQ(ta.particles[i].pt, tb.particles[i].pt);
      ASSERT_EQ(ta.particles[i].material_lost, tb.particles[i].material_lost);
      ASSERT_EQ(ta.particles[i].hadron, tb.particles[i].hadron);
      // A particle found in both with all its stubs in both has the same quality.
      const int ia = ta.particles[i].track, ib = tb.particles[i].track;
      if (ia >= 0 && ib >= 0 && ta.particles[i].hit_pattern == tb.particles[i].hit_pattern &&
          ta.particles[i].ps_z_pattern == tb.particles[i].ps_z_pattern) {
        EXPECT_EQ(a.tracks[ia].chi2_rphi, b.tracks[ib].chi2_rphi);
        EXPECT_EQ(a.tracks[ia].chi2_rz, b.tracks[ib].chi2_rz);
        EXPECT_EQ(a.tracks[ia].mva_quality, b.tracks[ib].mva_quality);
      }
    }
  }
}

TEST(TrackQualityTest, FakesGrowWithOccupancySquaredAndFallWithStubLosses) {
  GeneratorConfig pu100;
  pu100.pileup_mean = 100;
  const Sample nominal = generate({}, {}, 200), half = generate(pu100, {}, 200);
  // Occupancy ~ halves (tt-bar adds ~30 tracks): fakes fall as its square, ~0.3 of nominal.
  const double ratio = half.fakes_per_event / nominal.fakes_per_event;
  EXPECT_GT(ratio, 0.2);
  EXPECT_LT(ratio, 0.42);
  GeneratorConfig linear;
  linear.fake_occupancy_power = 1;
  const double linear_ratio = [&] {
    GeneratorConfig l100 = linear;
    l100.pileup_mean = 100;
    return generate(l100, {}, 200).fakes_per_event / generate(linear, {}, 200).fakes_per_event;
  }();
  EXPECT_GT(linear_ratio, 0.45);
  EXPECT_LT(linear_ratio, 0.65);
  // Nominal: the configured share.
  EXPECT_NEAR(nominal.fake.n / (nominal.fake.n + nominal.real.n), 0.02, 0.004);
  // 10 % bad strips remove ~17 % of the stubs: ~30 % fewer fakes.
  const Sample bad = generate({}, {0, 0.0, preset("bri+10bs")}, 200);
  EXPECT_LT(bad.fakes_per_event, 0.85 * nominal.fakes_per_event);
  EXPECT_GT(bad.fakes_per_event, 0.5 * nominal.fakes_per_event);
}

TEST(TrackQualityTest, FakeZ0FollowsTheLuminousRegion) {
  const Sample s = generate({}, {}, 200);
  // N(0, 1.5 x 4.3 cm) cut at 15 cm: RMS ~ 6.1 cm; flat in +-15 cm would be 8.7 cm.
  EXPECT_GT(s.fake_z0_rms, 5.5);
  EXPECT_LT(s.fake_z0_rms, 6.8);
  GeneratorConfig flat;
  flat.fake_z0_sigma_factor = 0;
  const Sample f = generate(flat, {}, 200);
  EXPECT_NEAR(f.fake_z0_rms, 15 / std::sqrt(3.0), 0.5);
}

}  // namespace
}  // namespace l1t::physics
