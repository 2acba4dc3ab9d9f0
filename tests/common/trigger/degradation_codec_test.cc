#include "common/trigger/degradation_codec.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "common/physics/tracker_degradation.h"

namespace l1t::trigger {
namespace {

physics::DegradationState custom_state() {
  physics::DegradationState s;
  s.level = 7;
  s.smear = 0.03;
  s.smear_mode = physics::SmearMode::kRelative;  // not the default, so a lost field shows
  physics::TrackerDegradation& t = s.tracker;
  t.bias_rail_fraction = 0.2;
  t.ps_z_loss_fraction = 0.3;
  t.bad_strip_fraction = 0.04;
  t.dead_region = {0.5, 1.25, -1.0, 0.75};
  t.z0_shift_cm = 0.1;
  t.pt_scale = 0.97;
  t.resolution_scale = 1.5;
  return s;
}

void expect_same(const physics::DegradationState& a, const physics::DegradationState& b) {
  EXPECT_EQ(a.level, b.level);
  EXPECT_EQ(a.smear, b.smear);
  EXPECT_EQ(a.smear_mode, b.smear_mode);
  EXPECT_EQ(a.tracker, b.tracker) << physics::to_string(a.tracker) << " vs "
                                  << physics::to_string(b.tracker);
}

TEST(DegradationCodecTest, EveryFieldGoesOnTheWire) {
  v1::DegradationState w;
  to_wire(custom_state(), &w);
  EXPECT_EQ(w.level(), 7u);
  EXPECT_EQ(w.smear(), 0.03);
  EXPECT_EQ(w.smear_mode(), v1::SMEAR_MODE_RELATIVE);
  EXPECT_EQ(w.scenario(), "");  // no preset has these parameters
  EXPECT_EQ(w.bias_rail_fraction(), 0.2);
  EXPECT_EQ(w.ps_z_loss_fraction(), 0.3);
  EXPECT_EQ(w.bad_strip_fraction(), 0.04);
  EXPECT_EQ(w.dead_eta_min(), 0.5);
  EXPECT_EQ(w.dead_eta_max(), 1.25);
  EXPECT_EQ(w.dead_phi_min(), -1.0);
  EXPECT_EQ(w.dead_phi_max(), 0.75);
  EXPECT_EQ(w.z0_shift_cm(), 0.1);
  EXPECT_EQ(w.pt_scale(), 0.97);
  EXPECT_EQ(w.resolution_scale(), 1.5);
}

TEST(DegradationCodecTest, ACustomStateComesBackUnchanged) {
  const physics::DegradationState s = custom_state();
  v1::DegradationState w;
  to_wire(s, &w);
  // Through bytes too, as a receiver sees it.
  v1::DegradationState parsed;
  ASSERT_TRUE(parsed.ParseFromString(w.SerializeAsString()));
  expect_same(from_wire(parsed), s);
  EXPECT_FALSE(from_wire(parsed).tracker.dead_region.empty());
}

TEST(DegradationCodecTest, EveryNamedScenarioKeepsItsName) {
  for (std::string_view name : physics::kTrackerScenarioNames) {
    physics::DegradationState s;
    s.level = 2;
    s.smear = 0.01;
    ASSERT_TRUE(physics::tracker_scenario(name, &s.tracker)) << name;
    v1::DegradationState w;
    to_wire(s, &w);
    EXPECT_EQ(w.scenario(), name);
    const physics::DegradationState back = from_wire(w);
    expect_same(back, s);
    EXPECT_EQ(physics::tracker_scenario_name(back.tracker), name);
  }
}

TEST(DegradationCodecTest, EncodingOverwritesEveryField) {
  v1::DegradationState w;
  to_wire(custom_state(), &w);
  physics::DegradationState none;
  to_wire(none, &w);
  EXPECT_EQ(w.scenario(), "none");
  expect_same(from_wire(w), none);
}

TEST(DegradationCodecTest, BothSmearModesComeBack) {
  for (physics::SmearMode mode : {physics::SmearMode::kAdditive, physics::SmearMode::kRelative}) {
    physics::DegradationState s;
    s.level = 10;
    s.smear = 0.1;
    s.smear_mode = mode;
    v1::DegradationState w;
    to_wire(s, &w);
    EXPECT_EQ(w.smear_mode(), mode == physics::SmearMode::kAdditive ? v1::SMEAR_MODE_ADDITIVE
                                                                    : v1::SMEAR_MODE_RELATIVE);
    v1::DegradationState parsed;
    ASSERT_TRUE(parsed.ParseFromString(w.SerializeAsString()));
    expect_same(from_wire(parsed), s);
  }
  // The default state is additive, and says so on the wire (0 would read as relative).
  v1::DegradationState w;
  to_wire(physics::DegradationState{}, &w);
  EXPECT_EQ(w.smear_mode(), v1::SMEAR_MODE_ADDITIVE);
}

TEST(DegradationCodecTest, AnOldSendersSmearReadsAsRelative) {
  // Before the field (13) existed the only smear was the relative one.
  v1::DegradationState w;
  w.set_level(5);
  w.set_smear(0.05);
  EXPECT_EQ(w.smear_mode(), v1::SMEAR_MODE_UNSPECIFIED);
  EXPECT_EQ(from_wire(w).smear_mode, physics::SmearMode::kRelative);
  // A value this build does not know is not taken for additive either.
  w.set_smear_mode(static_cast<v1::SmearMode>(7));
  EXPECT_EQ(from_wire(w).smear_mode, physics::SmearMode::kRelative);
}

TEST(DegradationCodecTest, BiasRailAndPsZLossKeepTheirOwnFields) {
  // bias_rail_fraction keeps field 4 (now CMS's band loss); ps_z_loss_fraction, the former
  // meaning, is a new field.
  const auto* desc = v1::DegradationState::descriptor();
  ASSERT_NE(desc->FindFieldByName("bias_rail_fraction"), nullptr);
  EXPECT_EQ(desc->FindFieldByName("bias_rail_fraction")->number(), 4);
  ASSERT_NE(desc->FindFieldByName("ps_z_loss_fraction"), nullptr);
  EXPECT_EQ(desc->FindFieldByName("ps_z_loss_fraction")->number(), 14);
  for (std::string_view name : physics::kTrackerScenarioNames) {
    physics::DegradationState s;
    ASSERT_TRUE(physics::tracker_scenario(name, &s.tracker));
    v1::DegradationState w;
    to_wire(s, &w);
    EXPECT_EQ(w.scenario(), name);
    v1::DegradationState parsed;
    ASSERT_TRUE(parsed.ParseFromString(w.SerializeAsString()));
    expect_same(from_wire(parsed), s);
  }
  physics::DegradationState z_loss;
  z_loss.tracker.ps_z_loss_fraction = physics::kPsZLossReferenceFraction;
  v1::DegradationState w;
  to_wire(z_loss, &w);
  EXPECT_EQ(w.bias_rail_fraction(), 0);
  EXPECT_EQ(w.ps_z_loss_fraction(), 0.1);
  expect_same(from_wire(w), z_loss);
}

TEST(DegradationCodecTest, UnsetScalesReadAsOne) {
  // An old sender's message: scales never set, so 0 on the wire.
  v1::DegradationState w;
  w.set_level(3);
  w.set_bias_rail_fraction(0.2);
  const physics::DegradationState s = from_wire(w);
  EXPECT_EQ(s.level, 3);
  EXPECT_EQ(s.tracker.pt_scale, 1);
  EXPECT_EQ(s.tracker.resolution_scale, 1);
  EXPECT_EQ(physics::to_string(s.tracker), "bias_rail=0.2");
  EXPECT_TRUE(from_wire(v1::DegradationState{}).tracker.is_none());
}

}  // namespace
}  // namespace l1t::trigger

namespace l1t::trigger {
namespace {

TEST(DegradationCodecTest, AStateFromTheWireMustMeanSomething) {
  std::string why;
  v1::DegradationState good;
  to_wire(custom_state(), &good);
  EXPECT_TRUE(check_wire(good, &why)) << why;
  EXPECT_TRUE(check_wire(v1::DegradationState(), &why)) << "an empty (old) state is none";
  physics::DegradationState out;
  ASSERT_TRUE(from_wire(good, &out, &why)) << why;
  expect_same(out, custom_state());

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  using Edit = void (*)(v1::DegradationState*, double);
  const std::vector<std::tuple<const char*, Edit, double>> bad = {
      {"smear", [](v1::DegradationState* w, double v) { w->set_smear(v); }, nan},
      {"smear", [](v1::DegradationState* w, double v) { w->set_smear(v); }, -0.01},
      {"smear", [](v1::DegradationState* w, double v) { w->set_smear(v); }, 11},
      {"smear", [](v1::DegradationState* w, double v) { w->set_smear(v); }, inf},
      {"bias_rail_fraction",
       [](v1::DegradationState* w, double v) { w->set_bias_rail_fraction(v); }, 1.01},
      {"ps_z_loss_fraction",
       [](v1::DegradationState* w, double v) { w->set_ps_z_loss_fraction(v); }, -0.1},
      {"bad_strip_fraction",
       [](v1::DegradationState* w, double v) { w->set_bad_strip_fraction(v); }, nan},
      {"pt_scale", [](v1::DegradationState* w, double v) { w->set_pt_scale(v); }, -1},
      {"pt_scale", [](v1::DegradationState* w, double v) { w->set_pt_scale(v); }, inf},
      {"resolution_scale", [](v1::DegradationState* w, double v) { w->set_resolution_scale(v); },
       1000},
      {"z0_shift_cm", [](v1::DegradationState* w, double v) { w->set_z0_shift_cm(v); }, nan},
      {"dead_eta_min", [](v1::DegradationState* w, double v) { w->set_dead_eta_min(v); }, -50},
      {"dead_phi_max", [](v1::DegradationState* w, double v) { w->set_dead_phi_max(v); }, 4},
      {"dead_phi_min", [](v1::DegradationState* w, double v) { w->set_dead_phi_min(v); }, nan},
      {"level", [](v1::DegradationState* w, double v) { w->set_level(static_cast<uint32_t>(v)); },
       1e9},
      {"smear_mode",
       [](v1::DegradationState* w, double v) {
         w->set_smear_mode(static_cast<v1::SmearMode>(static_cast<int>(v)));
       },
       7},
  };
  for (const auto& [field, edit, value] : bad) {
    v1::DegradationState w = good;
    edit(&w, value);
    why.clear();
    EXPECT_FALSE(check_wire(w, &why)) << field << " = " << value;
    EXPECT_NE(why.find(field), std::string::npos) << why;
    physics::DegradationState untouched;
    untouched.level = 42;
    EXPECT_FALSE(from_wire(w, &untouched, &why));
    EXPECT_EQ(untouched.level, 42) << "a refused state is not applied";
  }
  // An inverted dead region is the empty window, not an error.
  v1::DegradationState inverted = good;
  inverted.set_dead_eta_min(1);
  inverted.set_dead_eta_max(-1);
  EXPECT_TRUE(check_wire(inverted, &why)) << why;
}

}  // namespace
}  // namespace l1t::trigger
