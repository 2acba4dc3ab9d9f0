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

TEST(EnvelopeTest, PeekHeaderReadsTheHeaderAloneOfAnyMessage) {
  v1::Truth t;
  HeaderStamper stamper("emulator");
  stamper.stamp(t.mutable_header());
  stamper.stamp(t.mutable_header());  // sequence 2
  t.set_event_id(42);
  t.set_origin(std::string(300, '\x01'));
  v1::Header h;
  ASSERT_TRUE(peek_header(t.SerializeAsString(), &h));
  EXPECT_EQ(h.sender(), "emulator");
  EXPECT_EQ(h.sequence(), 2u);
  EXPECT_EQ(h.schema_version(), kSchemaVersion);
  // No header first, a header cut short, a size beyond the payload: no header.
  v1::Truth bare;
  bare.set_event_id(7);
  EXPECT_FALSE(peek_header(bare.SerializeAsString(), &h));
  const std::string whole = t.SerializeAsString();
  EXPECT_FALSE(peek_header(whole.substr(0, 5), &h));
  EXPECT_FALSE(peek_header(std::string("\x0a\xff\xff\xff\x0f", 5), &h));
  EXPECT_FALSE(peek_header("", &h));
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
