// ReplayStamper: the first pass goes out as recorded; later passes continue sequences and event
// ids after the first pass's largest; --restamp sets the send times; garbage is refused.
#include <gtest/gtest.h>

#include "common/capture/replay_stamper.h"
#include "common/transport/envelope.h"

namespace l1t::capture {
namespace {

std::string event(uint64_t id, uint64_t sequence, int64_t timestamp) {
  v1::Event e;
  e.mutable_header()->set_schema_version(transport::kSchemaVersion);
  e.mutable_header()->set_sequence(sequence);
  e.mutable_header()->set_sent_unix_ns(timestamp);
  e.set_event_id(id);
  e.set_timestamp_ns(timestamp);
  e.set_n_tracks(1);
  e.set_track_words(std::string(12, '\x5a'));
  return e.SerializeAsString();
}

std::string truth(uint64_t id, uint64_t sequence) {
  v1::Truth t;
  t.mutable_header()->set_sequence(sequence);
  t.set_event_id(id);
  t.set_origin(std::string(1, '\x01'));
  return t.SerializeAsString();
}

TEST(ReplayStamperTest, FirstPassIsUntouchedLaterPassesContinue) {
  ReplayStamper s(/*restamp_time=*/false);
  EXPECT_FALSE(s.rewrites(0));
  EXPECT_TRUE(s.rewrites(1));
  // Ids 5..7 (a capture may start late), sequences 10..12 and 20..22.
  for (uint64_t k = 0; k < 3; ++k) {
    s.observe(transport::kTopicEvent, event(5 + k, 10 + k, 1000));
    s.observe(transport::kTopicTruth, truth(5 + k, 20 + k));
  }
  std::string out;
  ASSERT_TRUE(s.rewrite(transport::kTopicEvent, event(5, 10, 1000), 2, 99, &out));
  v1::Event e;
  ASSERT_TRUE(e.ParseFromString(out));
  EXPECT_EQ(e.event_id(), 5u + 2 * 7);
  EXPECT_EQ(e.header().sequence(), 10u + 2 * 12);
  EXPECT_EQ(e.timestamp_ns(), 1000);  // not restamped
  EXPECT_EQ(e.track_words(), std::string(12, '\x5a'));
  ASSERT_TRUE(s.rewrite(transport::kTopicTruth, truth(6, 21), 1, 99, &out));
  v1::Truth t;
  ASSERT_TRUE(t.ParseFromString(out));
  EXPECT_EQ(t.event_id(), 6u + 7);
  EXPECT_EQ(t.header().sequence(), 21u + 22);
}

TEST(ReplayStamperTest, RestampSetsSendTimesOnTheFirstPass) {
  ReplayStamper s(/*restamp_time=*/true);
  EXPECT_TRUE(s.rewrites(0));
  std::string out;
  ASSERT_TRUE(s.rewrite(transport::kTopicEvent, event(3, 3, 1000), 0, 123456, &out));
  v1::Event e;
  ASSERT_TRUE(e.ParseFromString(out));
  EXPECT_EQ(e.timestamp_ns(), 123456);
  EXPECT_EQ(e.header().sent_unix_ns(), 123456);
  EXPECT_EQ(e.event_id(), 3u);
  EXPECT_EQ(e.header().sequence(), 3u);
}

TEST(ReplayStamperTest, UnparsablePayloadsAreRefusedOtherTopicsCopied) {
  ReplayStamper s(true);
  std::string out = "untouched";
  EXPECT_FALSE(s.rewrite(transport::kTopicEvent, std::string("\x0a\x7f garbage", 10), 0, 1, &out));
  EXPECT_EQ(out, "untouched");
  ASSERT_TRUE(s.rewrite("other", "raw bytes", 1, 1, &out));
  EXPECT_EQ(out, "raw bytes");
}

}  // namespace
}  // namespace l1t::capture
