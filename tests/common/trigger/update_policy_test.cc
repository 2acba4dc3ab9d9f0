#include "common/trigger/update_policy.h"

#include <gtest/gtest.h>

namespace l1t::trigger {
namespace {

TEST(UpdatePolicyTest, ParsesTheConfiguredNames) {
  UpdatePolicyKind k;
  ASSERT_TRUE(parse_update_policy("every_n", &k));
  EXPECT_EQ(k, UpdatePolicyKind::kEveryN);
  ASSERT_TRUE(parse_update_policy("on_drift", &k));
  EXPECT_EQ(k, UpdatePolicyKind::kOnDrift);
  ASSERT_TRUE(parse_update_policy("fill_boundary", &k));
  EXPECT_EQ(k, UpdatePolicyKind::kFillBoundary);
  EXPECT_FALSE(parse_update_policy("sometimes", &k));
  for (auto kind :
       {UpdatePolicyKind::kEveryN, UpdatePolicyKind::kOnDrift, UpdatePolicyKind::kFillBoundary}) {
    ASSERT_TRUE(parse_update_policy(update_policy_name(kind), &k));
    EXPECT_EQ(k, kind);
  }
}

TEST(UpdatePolicyTest, EveryNTakesACandidateEveryNSamplesActiveAtOnce) {
  UpdatePolicy p(UpdatePolicyKind::kEveryN, 1000);
  p.on_samples(999);
  EXPECT_FALSE(p.candidate_due());
  p.on_samples(1);
  EXPECT_TRUE(p.candidate_due());
  p.candidate_taken();
  EXPECT_FALSE(p.candidate_due());
  p.on_fill(7);
  EXPECT_EQ(p.activate_at_fill(), 0u);
}

TEST(UpdatePolicyTest, OnDriftWaitsForAnAlarmAndOneAlarmPublishesOnce) {
  UpdatePolicy p(UpdatePolicyKind::kOnDrift, 1000);
  p.on_samples(50000);
  EXPECT_FALSE(p.candidate_due()) << "no alarm yet";
  p.on_alarm();
  EXPECT_TRUE(p.candidate_due());
  p.candidate_taken();
  p.on_samples(1000);
  EXPECT_TRUE(p.candidate_due()) << "a rejected candidate keeps the alarm armed";
  p.candidate_taken();
  p.published();
  p.on_samples(5000);
  EXPECT_FALSE(p.candidate_due()) << "published: wait for the next alarm";
  p.on_alarm();
  EXPECT_TRUE(p.candidate_due());
  EXPECT_EQ(p.alarms(), 2u);
  EXPECT_EQ(p.activate_at_fill(), 0u);
}

TEST(UpdatePolicyTest, OnDriftStillNeedsNSamplesOfTraining) {
  UpdatePolicy p(UpdatePolicyKind::kOnDrift, 1000);
  p.on_alarm();
  p.on_samples(10);
  EXPECT_FALSE(p.candidate_due());
  p.on_samples(990);
  EXPECT_TRUE(p.candidate_due());
}

TEST(UpdatePolicyTest, FillBoundaryActivatesFromTheFillAfterTheNewestKnown) {
  UpdatePolicy p(UpdatePolicyKind::kFillBoundary, 100);
  EXPECT_EQ(p.activate_at_fill(), 1u) << "before any fill is known: the first one";
  p.on_fill(41);
  p.on_fill(40);  // a node behind the others does not move it back
  EXPECT_EQ(p.fill(), 41u);
  EXPECT_EQ(p.activate_at_fill(), 42u);
  p.on_samples(100);
  EXPECT_TRUE(p.candidate_due());
}

}  // namespace
}  // namespace l1t::trigger
