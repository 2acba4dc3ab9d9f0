#include "common/security/roles.h"

#include <gtest/gtest.h>

#include "common/transport/envelope.h"

namespace l1t::security {
namespace {

TEST(RolesTest, EachChannelAdmitsOnlyItsClients) {
  EXPECT_TRUE(may_connect("labels", "labeller"));
  EXPECT_FALSE(may_connect("labels", "inference"));
  EXPECT_TRUE(may_connect("weights", "inference"));
  EXPECT_FALSE(may_connect("weights", "labeller"));
  EXPECT_TRUE(may_connect("control", "operator"));
  EXPECT_FALSE(may_connect("control", "labeller"));
  EXPECT_FALSE(may_connect("control", ""));
  EXPECT_FALSE(may_connect("no-such-channel", "inference"));
  EXPECT_EQ(server_role("events_truth"), "emulator");
  EXPECT_EQ(server_role("weights"), "trainer");
  EXPECT_EQ(server_role("decisions"), "monitor");
  EXPECT_EQ(role_of_process("replay"), "emulator");
}

TEST(RolesTest, OnTheControlChannelEachTopicHasItsRole) {
  for (auto topic :
       {transport::kTopicSnapshot, transport::kTopicHeartbeat, transport::kTopicAlarm}) {
    EXPECT_TRUE(may_send("control", topic, "inference")) << topic;
    EXPECT_FALSE(may_send("control", topic, "operator")) << topic;
  }
  EXPECT_TRUE(may_send("control", transport::kTopicRollback, "operator"));
  EXPECT_FALSE(may_send("control", transport::kTopicRollback, "inference"));
  EXPECT_FALSE(may_send("control", "something-else", "operator"));
  EXPECT_TRUE(may_send("labels", transport::kTopicLabels, "labeller"));
  EXPECT_FALSE(may_send("labels", transport::kTopicLabels, ""));
}

}  // namespace
}  // namespace l1t::security
