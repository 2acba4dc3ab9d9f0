#include "common/physics/time_model.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l1t::physics {
namespace {

// 10 events per lumisection, runs of 3 lumisections, 2 runs per fill (60 events a fill).
TimeModelParams small_params() {
  TimeModelParams p;
  p.events_per_lumisection = 10;
  p.lumisections_per_run = 3;
  p.runs_per_fill = 2;
  p.first_run = 100;
  p.first_fill = 7;
  p.levelled_lumisections = 4;
  p.decay_lifetime_hours = 1;
  return p;
}

TEST(TimeModelTest, CountsLumisectionsRunsAndFills) {
  const TimeModel m(small_params());
  struct Case {
    uint64_t event;
    uint32_t run, fill, ls;
    uint64_t ls_index, fill_index;
  };
  for (const Case& c :
       {Case{0, 100, 7, 1, 0, 0}, Case{9, 100, 7, 1, 0, 0}, Case{10, 100, 7, 2, 1, 0},
        Case{29, 100, 7, 3, 2, 0}, Case{30, 101, 7, 1, 3, 0}, Case{59, 101, 7, 3, 5, 0},
        Case{60, 102, 8, 1, 6, 1}, Case{125, 104, 9, 1, 12, 2}}) {
    const TimePoint t = m.at(c.event);
    SCOPED_TRACE(c.event);
    EXPECT_EQ(t.event_index, c.event);
    EXPECT_EQ(t.run, c.run);
    EXPECT_EQ(t.fill, c.fill);
    EXPECT_EQ(t.lumisection, c.ls);
    EXPECT_EQ(t.lumisection_index, c.ls_index);
    EXPECT_EQ(t.fill_index, c.fill_index);
  }
  EXPECT_EQ(m.lumisections_per_fill(), 6u);
  EXPECT_EQ(m.events_per_fill(), 60u);
  EXPECT_EQ(m.first_event_of_lumisection(4), 40u);
}

TEST(TimeModelTest, TimeAdvancesByLumisectionsSharedEvenlyByEvents) {
  const TimeModel m(small_params());
  EXPECT_DOUBLE_EQ(m.at(0).time_s, 0.0);
  EXPECT_DOUBLE_EQ(m.at(30).time_s, 3 * kLumisectionSeconds);
  EXPECT_DOUBLE_EQ(m.at(35).time_s, 3.5 * kLumisectionSeconds);
  EXPECT_NEAR(kLumisectionSeconds, 23.31, 0.01);  // 2^18 orbits of 88.9 us
}

TEST(TimeModelTest, PileupIsLevelledThenDecaysAndEachFillStartsAgain) {
  const TimeModelParams p = small_params();
  const TimeModel m(p);
  for (uint64_t ls = 0; ls < 4; ++ls) EXPECT_EQ(m.pileup_at_lumisection(ls), 200.0) << ls;
  // One-hour lifetime: each lumisection after levelling is exp(-23.3 s / 3600 s) of the last,
  // the first one already half a lumisection into the decay.
  const double r = std::exp(-p.lumisection_seconds / 3600.0);
  EXPECT_NEAR(m.pileup_at_lumisection(4), 200.0 * std::sqrt(r), 1e-9);
  EXPECT_NEAR(m.pileup_at_lumisection(5) / m.pileup_at_lumisection(4), r, 1e-12);
  EXPECT_LT(m.pileup_at_lumisection(5), m.pileup_at_lumisection(4));
  EXPECT_EQ(m.pileup_at_lumisection(6), 200.0);  // the next fill
  EXPECT_EQ(m.at(45).pileup_mean, m.pileup_at_lumisection(4));
}

TEST(TimeModelTest, PileupHalvesAfterLifetimeTimesLn2) {
  TimeModelParams p;
  p.levelled_lumisections = 10;
  p.lumisections_per_run = 100000;  // one long fill
  p.decay_lifetime_hours = 2;
  const TimeModel m(p);
  // Lumisection k after levelling holds the value at (k + 1/2) lumisections of decay.
  const double half_life_ls = 2 * 3600 * std::log(2.0) / p.lumisection_seconds;
  const double k = std::round(half_life_ls - 0.5);
  const double expected = 200.0 * std::exp(-(k + 0.5) * p.lumisection_seconds / (2 * 3600.0));
  EXPECT_NEAR(m.pileup_at_lumisection(10 + static_cast<uint64_t>(k)), expected, 1e-9);
  EXPECT_NEAR(expected, 100.0, 0.5);
}

TEST(TimeModelTest, LuminosityFollowsPileup) {
  const TimeModel m(TimeModelParams{});
  // L = mu n_b f_rev / sigma_inel: about 7.7e34 cm^-2 s^-1 at <PU> = 200 (HL-LHC ultimate).
  const TimePoint t = m.at(0);
  EXPECT_NEAR(t.inst_lumi_cm2s, 200 * 2760 * 11245.5 / 81e-27, 1e30);
  EXPECT_GT(t.inst_lumi_cm2s, 7.5e34);
  EXPECT_LT(t.inst_lumi_cm2s, 7.9e34);
  EXPECT_NEAR(m.delivered_pb(0), t.inst_lumi_cm2s * kLumisectionSeconds / 1e36, 1e-12);
}

TEST(TimeModelTest, IntegratedLuminosityIsTheSumOfDeliveriesAndMonotonic) {
  const TimeModel m(small_params());
  double sum = 0;
  double previous = -1;
  for (uint64_t ls = 0; ls < 40; ++ls) {  // six fills and a bit
    EXPECT_NEAR(m.integrated_pb_before(ls), sum, 1e-9 * (1 + sum)) << ls;
    const TimePoint first = m.at(m.first_event_of_lumisection(ls));
    EXPECT_NEAR(first.integrated_lumi_pb, sum, 1e-9 * (1 + sum)) << ls;
    for (uint64_t e = 0; e < 10; ++e) {
      const double lumi = m.at(ls * 10 + e).integrated_lumi_pb;
      EXPECT_GT(lumi, previous) << "event " << ls * 10 + e;
      previous = lumi;
    }
    // Half way through the lumisection, half of its delivery is counted.
    EXPECT_NEAR(m.at(ls * 10 + 5).integrated_lumi_pb, sum + 0.5 * m.delivered_pb(ls),
                1e-9 * (1 + sum));
    sum += m.delivered_pb(ls);
  }
}

TEST(TimeModelTest, FarEventsNeedNoHistory) {
  const TimeModel m(small_params());
  const uint64_t ls = 6 * 1000 + 5;  // fill 1000, lumisection in decay
  double sum = 0;
  for (uint64_t k = 0; k < ls; ++k) sum += m.delivered_pb(k);
  EXPECT_NEAR(m.at(ls * 10).integrated_lumi_pb, sum, 1e-9 * sum);
  EXPECT_EQ(m.at(ls * 10).fill, 7u + 1000u);
}

TEST(TimeModelTest, NoPileupDeliversNothing) {
  TimeModelParams p = small_params();
  p.peak_pileup = 0;
  const TimeModel m(p);
  EXPECT_EQ(m.at(500).integrated_lumi_pb, 0.0);
  EXPECT_EQ(m.at(500).pileup_mean, 0.0);
}

TEST(TimeModelTest, CheckNamesTheBadField) {
  auto bad = [](auto change) {
    TimeModelParams p;
    change(p);
    const auto err = check(p);
    return err ? err->key : std::string("(accepted)");
  };
  EXPECT_FALSE(check(TimeModelParams{}));
  EXPECT_EQ(bad([](auto& p) { p.events_per_lumisection = 0; }), "events_per_lumisection");
  EXPECT_EQ(bad([](auto& p) { p.lumisections_per_run = 0; }), "lumisections_per_run");
  EXPECT_EQ(bad([](auto& p) { p.runs_per_fill = 0; }), "runs_per_fill");
  EXPECT_EQ(bad([](auto& p) { p.lumisection_seconds = -1; }), "lumisection_seconds");
  EXPECT_EQ(bad([](auto& p) { p.peak_pileup = -1; }), "peak_pileup");
  EXPECT_EQ(bad([](auto& p) { p.peak_pileup = NAN; }), "peak_pileup");
  EXPECT_EQ(bad([](auto& p) { p.decay_lifetime_hours = 0; }), "decay_lifetime_hours");
  EXPECT_EQ(bad([](auto& p) { p.inelastic_cross_section_mb = 0; }), "inelastic_cross_section_mb");
  EXPECT_EQ(bad([](auto& p) { p.colliding_bunches = 3565; }), "colliding_bunches");
  EXPECT_EQ(bad([](auto& p) { p.levelled_lumisections = 0; }), "(accepted)");
}

}  // namespace
}  // namespace l1t::physics
