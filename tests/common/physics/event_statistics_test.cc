#include "common/physics/event_statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "common/physics/track_word.h"
#include "tests/support/event_bytes.h"

namespace l1t::physics {
namespace {

Track make_track(double pt, double eta, double z0) {
  Track t;
  t.inv_r = kPtFromInvR / pt;
  t.tan_lambda = std::sinh(eta);
  t.z0 = z0;
  return t;
}

using testing::event_bytes;

TEST(GeneratorTruthTest, RecordingParticlesDoesNotChangeTheEvents) {
  EventGenerator plain({}, 42), recording({}, 42);
  GeneratedEvent a, b;
  GeneratorTruth truth;
  for (int i = 0; i < 20; ++i) {
    const DegradationState s{i % 3, 0.05 * (i % 3)};
    plain.next(s, &a);
    recording.next(s, &b, &truth);
    ASSERT_EQ(event_bytes(a), event_bytes(b)) << "event " << i;
    EXPECT_FALSE(truth.particles.empty());
  }
}

TEST(GeneratorTruthTest, ParticlesPointAtTheirTracks) {
  EventGenerator g({}, 9);
  GeneratedEvent ev;
  GeneratorTruth truth;
  for (int i = 0; i < 10; ++i) {
    g.next({}, &ev, &truth);
    std::set<int32_t> used;
    size_t real_tracks = 0;
    for (Origin o : ev.origin) real_tracks += o != Origin::kFake;
    for (const GeneratedParticle& p : truth.particles) {
      if (p.track < 0) continue;
      ASSERT_LT(static_cast<size_t>(p.track), ev.tracks.size());
      EXPECT_TRUE(used.insert(p.track).second) << "two particles share track " << p.track;
      const Track& t = ev.tracks[p.track];
      EXPECT_EQ(ev.origin[p.track], p.origin);
      // Undegraded: the track is the particle measured with ~1-2 % pT, 1e-3 eta resolution.
      EXPECT_NEAR(t.pt() / p.pt, 1.0, 0.1);
      EXPECT_NEAR(t.eta(), p.eta, 0.01);
      EXPECT_NEAR(t.z0, p.z0, 5 * 0.65);
    }
    EXPECT_EQ(used.size(), real_tracks) << "every non-fake track comes from one particle";
  }
}

// Two hand-made events with known answers.
TEST(EventStatisticsTest, CountsAHandMadeSample) {
  GeneratedEvent ev;
  ev.pv_z0 = 1.0;
  ev.tracks = {make_track(10, 0.5, 1.1), make_track(10, 0.3, 0.9), make_track(10, 1.4, 1.3),
               make_track(2.5, 0.0, -5.0), make_track(3, 2.0, 10.0)};
  ev.origin = {Origin::kPrimary, Origin::kPrimary, Origin::kPrimary, Origin::kPileup,
               Origin::kFake};
  GeneratorTruth truth;
  truth.particles = {
      {2.5, 0.5, 0, 1.0, Origin::kPrimary, 0},   // [2, 3): found
      {4.0, 0.1, 0, 1.0, Origin::kPrimary, -1},  // [3, 5): lost
      {1.5, 0.1, 0, 1.0, Origin::kPileup, -1},   // below pT threshold: not counted
      {10, 2.45, 0, 1.0, Origin::kPileup, -1},   // outside |eta| < 2.4
      {10, 0.0, 0, 20.0, Origin::kPileup, -1},   // outside |z| < 15
      {150, 0.0, 0, 1.0, Origin::kPrimary, 2},   // beyond the last pT edge: overall only
  };
  EventStatistics stats;
  stats.add(ev, truth);
  stats.add(GeneratedEvent{}, GeneratorTruth{});  // an empty event: no vertex found
  const EventStatisticsSummary s = stats.summary(3, 0.03);

  EXPECT_EQ(s.events, 2u);
  EXPECT_EQ(s.level, 3);
  EXPECT_DOUBLE_EQ(s.smear, 0.03);
  EXPECT_DOUBLE_EQ(s.tracks_per_event_mean, 2.5);
  EXPECT_DOUBLE_EQ(s.tracks_per_event_rms, 2.5);
  EXPECT_DOUBLE_EQ(s.pv_tracks_per_event_mean, 1.5);
  EXPECT_DOUBLE_EQ(s.pv_track_fraction, 0.6);
  EXPECT_DOUBLE_EQ(s.fake_fraction, 0.2);
  EXPECT_DOUBLE_EQ(s.efficiency_overall, 2.0 / 3.0);

  ASSERT_EQ(s.efficiency_vs_pt.size(), 6u);
  EXPECT_EQ(s.efficiency_vs_pt[0].generated, 1u);
  EXPECT_EQ(s.efficiency_vs_pt[0].reconstructed, 1u);
  EXPECT_DOUBLE_EQ(s.efficiency_vs_pt[0].efficiency, 1.0);
  EXPECT_EQ(s.efficiency_vs_pt[1].generated, 1u);
  EXPECT_DOUBLE_EQ(s.efficiency_vs_pt[1].efficiency, 0.0);
  for (size_t b = 2; b < 6; ++b) EXPECT_EQ(s.efficiency_vs_pt[b].generated, 0u);
  EXPECT_DOUBLE_EQ(s.efficiency_vs_pt[5].pt_hi, 100);

  ASSERT_EQ(s.z0_resolution_vs_eta.size(), 4u);
  EXPECT_EQ(s.z0_resolution_vs_eta[0].tracks, 2u);  // residuals +0.1 and -0.1
  EXPECT_NEAR(s.z0_resolution_vs_eta[0].mean_cm, 0.0, 1e-6);
  EXPECT_NEAR(s.z0_resolution_vs_eta[0].rms_cm, 0.1, 1e-6);
  EXPECT_EQ(s.z0_resolution_vs_eta[1].tracks, 1u);  // |eta| 1.4
  EXPECT_NEAR(s.z0_resolution_vs_eta[1].mean_cm, 0.3, 1e-6);
  EXPECT_NEAR(s.z0_resolution_vs_eta[1].rms_cm, 0.0, 1e-6);
  EXPECT_EQ(s.z0_resolution_vs_eta[3].tracks, 0u);

  // The three hard primaries win FastHisto in event 1; event 2 has no vertex.
  EXPECT_DOUBLE_EQ(s.fasthisto_efficiency, 0.5);
  EXPECT_LT(s.fasthisto_resolution_cm, 0.2);
}

TEST(EventStatisticsTest, RobustWidthIgnoresATail) {
  GeneratedEvent ev;
  ev.pv_z0 = 0;
  for (int i = 0; i < 1000; ++i) {
    // Uniform-ish core of +-0.2 cm and one far outlier.
    const double z = i == 0 ? 10.0 : -0.2 + 0.4 * i / 1000.0;
    ev.tracks.push_back(make_track(5, 0.1, z));
    ev.origin.push_back(Origin::kPrimary);
  }
  EventStatistics stats;
  stats.add(ev, {});
  const ResolutionBin& b = stats.summary().z0_resolution_vs_eta[0];
  EXPECT_GT(b.rms_cm, 0.3);
  EXPECT_NEAR(b.width68_cm, 0.4 * 0.68 / 2, 0.01);
}

TEST(EventStatisticsTest, DefaultGeneratorLooksLikeTheHlLhc) {
  const EventStatisticsSummary s = describe_events({}, 1, {}, 300);
  EXPECT_EQ(s.events, 300u);
  EXPECT_GT(s.tracks_per_event_mean, 250);
  EXPECT_LT(s.tracks_per_event_mean, 350);
  EXPECT_GT(s.tracks_per_event_rms, 10);
  EXPECT_GT(s.pv_track_fraction, 0.05);
  EXPECT_LT(s.pv_track_fraction, 0.25);
  EXPECT_NEAR(s.fake_fraction, 0.02, 0.005);
  // The layered tracker finds 4 of 6 stubs at 99.5 % each: resolution migration at the
  // thresholds and the 5 % of charged hadrons lost to nuclear interactions in the material
  // (physics.material_interaction_prob) cost efficiency; the plateau is about 0.95.
  EXPECT_GT(s.efficiency_overall, 0.92);
  EXPECT_LT(s.efficiency_overall, 0.96);
  for (const EfficiencyBin& b : s.efficiency_vs_pt) {
    if (b.generated < 100) continue;
    EXPECT_GT(b.efficiency, b.pt_lo >= 3 ? 0.94 : 0.88) << "pT bin " << b.pt_lo;
    EXPECT_LE(b.efficiency, 1.0);
  }
  EXPECT_NEAR(s.material_lost_fraction, 0.05, 0.005);
  ASSERT_EQ(s.quality.size(), 3u);
  EXPECT_EQ(s.quality[0].origin, Origin::kPrimary);
  EXPECT_EQ(s.quality[2].origin, Origin::kFake);
  EXPECT_GT(s.quality[2].chi2_rphi_mean, 3 * s.quality[1].chi2_rphi_mean);
  EXPECT_LT(s.quality[2].mva_mean, s.quality[1].mva_mean);
  // Primary-track residuals follow the configured z0 resolution by |eta| (given at 2.5 GeV),
  // a little narrower: primary tracks are harder, and multiple scattering falls with pT.
  const double expected[] = {0.18, 0.29, 0.46, 0.65};
  ASSERT_EQ(s.z0_resolution_vs_eta.size(), 4u);
  for (size_t b = 0; b < 4; ++b) {
    for (double width : {s.z0_resolution_vs_eta[b].rms_cm, s.z0_resolution_vs_eta[b].width68_cm}) {
      EXPECT_GT(width, 0.75 * expected[b]) << b;
      EXPECT_LT(width, 1.05 * expected[b]) << b;
    }
  }
  EXPECT_GT(s.stubs_per_track_mean, 5.9);  // 6 x 0.995, fakes 4-6
  EXPECT_LE(s.stubs_per_track_mean, 6.0);
  EXPECT_NEAR(s.ps_z_incomplete_fraction, 1 - 0.995 * 0.995 * 0.995, 0.005);
  EXPECT_GT(s.fasthisto_efficiency, 0.8);
  EXPECT_GT(s.fasthisto_resolution_cm, 0.0);
  EXPECT_LT(s.fasthisto_resolution_cm, 0.25);
}

TEST(EventStatisticsTest, DegradationWidensTheResidualsNotTheCollisions) {
  const EventStatisticsSummary clean = describe_events({}, 5, {0, 0.0}, 100);
  DegradationState relative{10, 0.10};
  relative.smear_mode = SmearMode::kRelative;
  const EventStatisticsSummary smeared = describe_events({}, 5, relative, 100);
  // Same collisions: the relative smear acts after acceptance, so multiplicities are identical.
  EXPECT_DOUBLE_EQ(clean.tracks_per_event_mean, smeared.tracks_per_event_mean);
  EXPECT_DOUBLE_EQ(clean.pv_track_fraction, smeared.pv_track_fraction);
  EXPECT_GT(smeared.z0_resolution_vs_eta[0].rms_cm, clean.z0_resolution_vs_eta[0].rms_cm * 1.3);
  EXPECT_EQ(smeared.level, 10);
  EXPECT_EQ(smeared.smear_mode, SmearMode::kRelative);
}

TEST(EventStatisticsTest, AdditiveSmearLosesTracksAtTheAcceptanceEdges) {
  const EventStatisticsSummary clean = describe_events({}, 5, {0, 0.0}, 100);
  const EventStatisticsSummary step10 = describe_events({}, 5, {10, 0.10}, 100);
  // The additive smear acts before acceptance: soft tracks smeared below 2 GeV are lost (about
  // 11 % of all tracks at step 10, mostly pile-up), which shows as tracking inefficiency at low pT.
  EXPECT_LT(step10.tracks_per_event_mean, 0.95 * clean.tracks_per_event_mean);
  EXPECT_GT(step10.tracks_per_event_mean, 0.80 * clean.tracks_per_event_mean);
  EXPECT_LT(step10.efficiency_vs_pt[0].efficiency, clean.efficiency_vs_pt[0].efficiency - 0.05);
  // z0 moves by 0.44 cm wherever the track is: central primary tracks widen from 0.16 cm.
  EXPECT_GT(step10.z0_resolution_vs_eta[0].rms_cm, 0.40);
  EXPECT_EQ(step10.smear_mode, SmearMode::kAdditive);
}

TEST(EventStatisticsTest, JsonAndTableCarryEveryQuantity) {
  const EventStatisticsSummary s = describe_events({}, 3, {}, 5);
  const nlohmann::json j = to_json(s);
  for (const char* key :
       {"events", "level", "smear", "tracks_per_event_mean", "tracks_per_event_rms",
        "pv_tracks_per_event_mean", "pv_track_fraction", "fake_fraction", "efficiency_vs_pt",
        "z0_resolution_vs_eta", "fasthisto_efficiency", "fasthisto_resolution_cm"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["efficiency_vs_pt"].size(), 6u);
  EXPECT_EQ(j["z0_resolution_vs_eta"].size(), 4u);
  EXPECT_EQ(j["smear_mode"], "additive");
  const SmearWidths w;
  EXPECT_EQ(j["smear_widths"]["pt"], w.pt);
  EXPECT_EQ(j["smear_widths"]["eta"], w.eta);
  EXPECT_EQ(j["smear_widths"]["phi"], w.phi);
  EXPECT_EQ(j["smear_widths"]["z0"], w.z0);
  EXPECT_EQ(j["smear_widths"]["d0"], w.d0);
  EXPECT_EQ(j["smear_step"], 0.0);
  EXPECT_EQ(j["smear_sigma"]["z0"], 0.0);
  EXPECT_TRUE(j["efficiency_vs_pt"][0].contains("efficiency"));
  const std::string table = format_table(s);
  EXPECT_NE(table.find("tracks per event"), std::string::npos);
  EXPECT_NE(table.find("[2, 3)"), std::string::npos);
  EXPECT_NE(table.find("[2, 2.4)"), std::string::npos);
  EXPECT_NE(table.find("smear additive, step 0"), std::string::npos) << table;
}

TEST(EventStatisticsTest, ShowsTheStubsLostPerLayerUnderBri) {
  DegradationState bri;
  ASSERT_TRUE(tracker_scenario("bri", &bri.tracker));
  GeneratorConfig g;
  g.pileup_mean = 20;
  const EventStatisticsSummary none = describe_events(g, 5, {}, 100);
  const EventStatisticsSummary s = describe_events(g, 5, bri, 100);
  ASSERT_EQ(s.stubs_per_layer.size(), static_cast<size_t>(kTrackerLayers));
  EXPECT_EQ(none.ps_pixel_hits_rail_lost_fraction, 0);
  EXPECT_GT(s.ps_pixel_hits_rail_lost_fraction, 0.020);
  EXPECT_LT(s.ps_pixel_hits_rail_lost_fraction, 0.030);
  for (int l = 0; l < kTrackerLayers; ++l) {
    const LayerStubBin& b = s.stubs_per_layer[l];
    const LayerStubBin& n = none.stubs_per_layer[l];
    EXPECT_EQ(b.crossings, n.crossings);
    EXPECT_EQ(b.ps, l < kPsLayers);
    if (b.ps) {
      EXPECT_NEAR(1 - static_cast<double>(b.stubs) / n.stubs, b.rail_lost_fraction, 0.003) << l;
    } else {
      EXPECT_EQ(b.stubs, n.stubs) << l;
      EXPECT_EQ(b.rail_lost, 0u) << l;
    }
  }
  const nlohmann::json j = to_json(s);
  EXPECT_EQ(j["stubs_per_layer"].size(), 6u);
  EXPECT_EQ(j["stubs_per_layer"][0]["type"], "PS");
  EXPECT_EQ(j["stubs_per_layer"][5]["type"], "2S");
  EXPECT_GT(j["stubs_per_layer"][0]["rail_lost"].get<uint64_t>(), 0u);
  EXPECT_TRUE(j.contains("ps_pixel_hits_rail_lost_fraction"));
  const std::string table = format_table(s);
  EXPECT_NE(table.find("PS pixel hits lost in bias-rail bands: 0.02"), std::string::npos) << table;
  EXPECT_NE(table.find("rail lost"), std::string::npos) << table;
}

TEST(EventStatisticsTest, JsonAndTableShowTheSmearInForce) {
  GeneratorConfig g;
  g.smear_widths.z0 = 0.05;
  EventStatisticsSummary s = describe_events(g, 3, {7, 0.07}, 2);
  nlohmann::json j = to_json(s);
  EXPECT_EQ(j["smear_mode"], "additive");
  EXPECT_EQ(j["smear_widths"]["z0"], 0.05);
  EXPECT_NEAR(j["smear_step"].get<double>(), 7, 1e-12);
  EXPECT_NEAR(j["smear_sigma"]["z0"].get<double>(), 0.35, 1e-12);
  EXPECT_NE(format_table(s).find("smear additive, step 7: sigma pT 0.2184 GeV"), std::string::npos)
      << format_table(s);

  DegradationState relative{7, 0.07};
  relative.smear_mode = SmearMode::kRelative;
  s = describe_events(g, 3, relative, 2);
  j = to_json(s);
  EXPECT_EQ(j["smear_mode"], "relative");
  EXPECT_TRUE(j.contains("smear_widths"));
  EXPECT_FALSE(j.contains("smear_sigma"));  // sigma = s |x|: no fixed width
  EXPECT_NE(format_table(s).find("smear relative: sigma = 0.070 |x|"), std::string::npos)
      << format_table(s);
}

}  // namespace
}  // namespace l1t::physics
