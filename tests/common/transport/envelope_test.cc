#include "common/transport/envelope.h"

#include <gtest/gtest.h>

namespace l1t::transport {
namespace {

TEST(EnvelopeTest, StamperNumbersMessagesFromOne) {
  HeaderStamper stamp("emulator");
  v1::Header a, b;
  stamp.stamp(&a);
  stamp.stamp(&b);
  EXPECT_EQ(a.sequence(), 1u);
  EXPECT_EQ(b.sequence(), 2u);
  EXPECT_EQ(a.schema_version(), kSchemaVersion);
  EXPECT_EQ(a.sender(), "emulator");
  EXPECT_GT(b.sent_unix_ns(), 0);
}

TEST(EnvelopeTest, DecodeRejectsWrongTopicGarbageAndOtherSchemas) {
  v1::Event e;
  HeaderStamper("x").stamp(e.mutable_header());
  e.set_event_id(4);
  const std::string good = e.SerializeAsString();
  v1::Event out;
  EXPECT_EQ(decode("event", kTopicEvent, good, &out), Reject::kOk);
  EXPECT_EQ(out.event_id(), 4u);
  EXPECT_EQ(decode("truth", kTopicEvent, good, &out), Reject::kWrongTopic);
  EXPECT_EQ(decode("event", kTopicEvent, std::string("\x0a\x7f oops", 7), &out),
            Reject::kMalformed);
  e.mutable_header()->set_schema_version(kSchemaVersion + 1);
  EXPECT_EQ(decode("event", kTopicEvent, e.SerializeAsString(), &out), Reject::kSchemaVersion);
  // A message without a header has schema version 0: refused, never guessed.
  EXPECT_EQ(decode("event", kTopicEvent, "", &out), Reject::kSchemaVersion);
}

TEST(EnvelopeTest, SequenceTrackerCountsGaps) {
  SequenceTracker t;
  EXPECT_EQ(t.observe(1), 0u);
  EXPECT_EQ(t.observe(2), 0u);
  EXPECT_EQ(t.observe(5), 2u);
  EXPECT_EQ(t.observe(4), 0u);  // late: not a new gap
  EXPECT_EQ(t.missed(), 2u);
}

}  // namespace
}  // namespace l1t::transport
