#include "common/experiment/experiences.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "common/physics/event_generator.h"
#include "common/physics/tracker_degradation.h"

namespace l1t::experiment {
namespace {

TEST(ExperiencesTest, SmearGroupIsTheSeedStudysElevenSteps) {
  std::vector<ExperienceSpec> specs;
  std::string error;
  ASSERT_TRUE(experience_sequence({"smear"}, &specs, &error)) << error;
  ASSERT_EQ(specs.size(), 11u);
  for (size_t i = 0; i < specs.size(); ++i) {
    EXPECT_NEAR(specs[i].state.smear, 0.01 * static_cast<double>(i), 1e-12);
    EXPECT_EQ(specs[i].state.level, static_cast<int>(i));
    EXPECT_TRUE(specs[i].state.tracker.is_none());
    EXPECT_EQ(specs[i].group, "smear");
  }
  EXPECT_EQ(specs[3].name, "smear 0.03");
}

TEST(ExperiencesTest, TrackerGroupFollowsSmearInOrder) {
  std::vector<ExperienceSpec> specs;
  std::string error;
  ASSERT_TRUE(experience_sequence({"smear", "tracker"}, &specs, &error)) << error;
  ASSERT_EQ(specs.size(), 16u);
  EXPECT_EQ(specs[11].name, "tracker none");
  EXPECT_EQ(specs[15].name, "tracker bri+10bs");
  physics::TrackerDegradation expected;
  ASSERT_TRUE(physics::tracker_scenario("bri+5bs", &expected));
  EXPECT_EQ(specs[14].state.tracker, expected);
  EXPECT_EQ(specs[14].state.smear, 0.0);
  EXPECT_FALSE(specs[12].state.tracker.is_none());
}

TEST(ExperiencesTest, UnknownGroupIsNamed) {
  std::vector<ExperienceSpec> specs;
  std::string error;
  EXPECT_FALSE(experience_sequence({"smear", "radiation"}, &specs, &error));
  EXPECT_NE(error.find("'radiation'"), std::string::npos) << error;
  EXPECT_NE(error.find("smear, tracker"), std::string::npos) << error;
  EXPECT_FALSE(experience_sequence({}, &specs, &error));
}

TEST(ExperiencesTest, DataDoNotDependOnThreadsAndExperiencesDiffer) {
  std::vector<ExperienceSpec> specs;
  std::string error;
  ASSERT_TRUE(experience_sequence({"smear"}, &specs, &error)) << error;
  specs.resize(3);
  // The relative smear keeps every track, so the test sets' labels can be compared below (the
  // additive one, the default, loses tracks at the acceptance edges).
  for (auto& spec : specs) spec.state.smear_mode = physics::SmearMode::kRelative;
  physics::GeneratorConfig g;
  g.pileup_mean = 20;  // small events: this test is about seeding, not physics
  const auto one = make_experiences(specs, g, {5, 3}, 7, 1);
  const auto two = make_experiences(specs, g, {5, 3}, 7, 2);
  ASSERT_EQ(one.size(), 3u);
  for (size_t e = 0; e < 3; ++e) {
    EXPECT_EQ(one[e].spec.name, specs[e].name);
    EXPECT_GT(one[e].train.rows(), 0u);
    EXPECT_GT(one[e].test.rows(), 0u);
    EXPECT_EQ(one[e].train.x, two[e].train.x) << e;
    EXPECT_EQ(one[e].test.y, two[e].test.y) << e;
    EXPECT_EQ(one[e].train.x.size(), one[e].train.rows() * nn::kNumFeatures);
  }
  // Different collisions in every stream: train and test, and from one experience to the next.
  EXPECT_NE(one[0].train.x, one[0].test.x);
  EXPECT_NE(one[0].train.x, one[1].train.x);
  EXPECT_NE(one[0].train.y, one[1].train.y);
  // The test sets are the same collisions (the smear keeps every track, so the labels match),
  // measured differently.
  EXPECT_EQ(one[0].test.y, one[1].test.y);
  EXPECT_EQ(one[0].test.y, one[2].test.y);
  EXPECT_NE(one[0].test.x, one[1].test.x);
  EXPECT_NE(one[1].test.x, one[2].test.x);
  // Another seed, other data.
  const auto other = make_experiences(specs, g, {5, 3}, 8, 1);
  EXPECT_NE(one[0].train.x, other[0].train.x);
}

TEST(ExperiencesTest, LabelsAreBinaryWithAMinorityOfPrimaryTracks) {
  physics::GeneratorConfig g;
  const auto set = make_undegraded_set(g, 20, 1, "pretrain");
  ASSERT_GT(set.rows(), 1000u);
  size_t positives = 0;
  for (float y : set.y) {
    ASSERT_TRUE(y == 0.0f || y == 1.0f);
    positives += y == 1.0f;
  }
  const double fraction = static_cast<double>(positives) / static_cast<double>(set.rows());
  EXPECT_GT(fraction, 0.03);
  EXPECT_LT(fraction, 0.3);
  // Named streams are independent.
  const auto other = make_undegraded_set(g, 20, 1, "undegraded-train");
  EXPECT_NE(set.x, other.x);
  EXPECT_EQ(set.x, make_undegraded_set(g, 20, 1, "pretrain").x);
}

// The experiments' data are the signal sample (a tt-bar hard scatter in every event) even when
// the scenario mixes in minimum-bias events for trigger-rate measurements.
TEST(ExperiencesTest, DataAreTheSignalSampleWhateverTheScenariosMix) {
  physics::GeneratorConfig signal, mixed;
  mixed.hard_scatter_fraction = 0.3;
  EXPECT_EQ(signal_sample(mixed).hard_scatter_fraction, 1.0);
  EXPECT_EQ(signal_sample(mixed).pt_min, mixed.pt_min);
  // The mix does change the events a plain generator makes ...
  physics::EventGenerator plain_signal(signal, 5), plain_mixed(mixed, 5);
  const auto a = trigger::make_training_set(plain_signal, 20, {});
  const auto b = trigger::make_training_set(plain_mixed, 20, {});
  EXPECT_NE(a.y, b.y);
  // ... but not the experiments' sets.
  const auto u_signal = make_undegraded_set(signal, 20, 5, "pretrain");
  const auto u_mixed = make_undegraded_set(mixed, 20, 5, "pretrain");
  EXPECT_EQ(u_signal.x, u_mixed.x);
  EXPECT_EQ(u_signal.y, u_mixed.y);
  std::vector<ExperienceSpec> specs;
  std::string error;
  ASSERT_TRUE(experience_sequence({"smear"}, &specs, &error)) << error;
  specs = {specs[0], specs[10]};
  const auto e_signal = make_experiences(specs, signal, {10, 10}, 5, 2);
  const auto e_mixed = make_experiences(specs, mixed, {10, 10}, 5, 2);
  for (size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(e_signal[i].train.x, e_mixed[i].train.x) << i;
    EXPECT_EQ(e_signal[i].test.y, e_mixed[i].test.y) << i;
  }
}

}  // namespace
}  // namespace l1t::experiment
