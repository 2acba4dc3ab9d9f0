#include "common/device/validate.h"

#include <gtest/gtest.h>

#include <limits>

namespace l1t::device {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

v1::Event event(uint32_t n_tracks) {
  v1::Event e;
  e.set_run(355100);
  e.set_fill(9000);
  e.set_lumisection(120);
  e.set_n_tracks(n_tracks);
  e.set_pileup_mean(200);
  e.set_integrated_lumi_pb(12.5);
  e.mutable_degradation()->set_smear(0.05);
  return e;
}

std::string reason(const auto& m, const config::Limits& limits = {}) {
  Refusal r;
  return validate(m, limits, &r) ? "ok" : std::string(r.reason);
}

TEST(ValidateTest, AnEventMustHaveSaneNumbersFewEnoughTracksAndAMeaningfulDegradation) {
  EXPECT_EQ(reason(event(270)), "ok");
  EXPECT_EQ(reason(v1::Event()), "ok") << "zeros (an old or minimal sender) are fine";
  EXPECT_EQ(reason(event(2000)), "ok");
  EXPECT_EQ(reason(event(2001)), "too_many_tracks");
  config::Limits tight;
  tight.max_tracks_per_event = 100;
  EXPECT_EQ(reason(event(270), tight), "too_many_tracks");
  v1::Event e = event(10);
  e.set_fill(10'000'001);
  EXPECT_EQ(reason(e), "event_numbers");
  e = event(10);
  e.set_run(4'000'000'000u);
  EXPECT_EQ(reason(e), "event_numbers");
  e = event(10);
  e.set_lumisection(10'000'001);
  EXPECT_EQ(reason(e), "event_numbers");
  e = event(10);
  e.set_pileup_mean(kNaN);
  EXPECT_EQ(reason(e), "event_numbers");
  e = event(10);
  e.set_integrated_lumi_pb(-1);
  EXPECT_EQ(reason(e), "event_numbers");
  e = event(10);
  e.mutable_degradation()->set_smear(kNaN);
  EXPECT_EQ(reason(e), "degradation");
}

TEST(ValidateTest, TruthDecisionsAndBatchesAreCheckedToo) {
  v1::Truth t;
  t.set_origin(std::string("\x00\x01\x02", 3));
  EXPECT_EQ(reason(t), "ok");
  t.mutable_origin()->push_back('\x07');
  EXPECT_EQ(reason(t), "origin");
  t.set_origin(std::string(2001, '\x00'));
  EXPECT_EQ(reason(t), "too_many_tracks");
  t.set_origin("");
  t.set_pv_z0(std::numeric_limits<double>::infinity());
  EXPECT_EQ(reason(t), "truth");
  t.set_pv_z0(1.5);
  t.mutable_degradation()->set_bad_strip_fraction(1.5);
  EXPECT_EQ(reason(t), "degradation");

  v1::Decision d;
  for (int i = 0; i < 300; ++i) d.add_score_live(i);
  EXPECT_EQ(reason(d), "ok");
  for (int i = 0; i < 2001; ++i) d.add_score_frozen(i);
  EXPECT_EQ(reason(d), "too_many_tracks");

  v1::LabelledBatch b;
  EXPECT_EQ(reason(b), "ok");
  b.mutable_degradation()->set_pt_scale(-1);
  EXPECT_EQ(reason(b), "degradation");

  EXPECT_EQ(reason(v1::Heartbeat()), "ok") << "messages without fields to check pass";
}

}  // namespace
}  // namespace l1t::device
