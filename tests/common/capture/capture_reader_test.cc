// CaptureReader on real files: refused headers, damaged records (reported, skipped, the rest
// read) and files cut short (every complete record read).
#include <gtest/gtest.h>

#include <filesystem>

#include "common/capture/capture_format.h"
#include "tests/common/capture/capture_test_files.h"
#include "tests/support/service_process.h"

namespace l1t::capture {
namespace {

using test::read_all;
using test::Record;
using test::sample_records;
using test::slurp;
using test::spit;
using test::write_file;

TEST(CaptureReaderTest, EmptyFileIsRefusedNamingTheFile) {
  const std::string dir = testing::temp_dir("capture-empty");
  spit(dir + "/empty.l1tcap", "");
  CaptureReader r;
  std::string error;
  EXPECT_FALSE(r.open(dir + "/empty.l1tcap", &error));
  EXPECT_NE(error.find(dir + "/empty.l1tcap"), std::string::npos) << error;
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
  EXPECT_FALSE(r.open(dir + "/missing.l1tcap", &error));
  EXPECT_NE(error.find("missing.l1tcap"), std::string::npos) << error;
}

TEST(CaptureReaderTest, WrongMagicIsRefused) {
  const std::string dir = testing::temp_dir("capture-magic");
  std::string bytes = slurp(write_file(dir + "/a.l1tcap", sample_records(3, 2)));
  bytes[3] = 'X';
  spit(dir + "/a.l1tcap", bytes);
  CaptureReader r;
  std::string error;
  EXPECT_FALSE(r.open(dir + "/a.l1tcap", &error));
  EXPECT_NE(error.find("a.l1tcap"), std::string::npos) << error;
  EXPECT_NE(error.find("not a capture file"), std::string::npos) << error;
}

TEST(CaptureReaderTest, FutureFormatVersionIsRefused) {
  const std::string dir = testing::temp_dir("capture-version");
  std::string bytes = slurp(write_file(dir + "/a.l1tcap", sample_records(3, 3)));
  bytes[kMagic.size()] = static_cast<char>(kFormatVersion + 1);  // little-endian low byte
  spit(dir + "/a.l1tcap", bytes);
  CaptureReader r;
  std::string error;
  EXPECT_FALSE(r.open(dir + "/a.l1tcap", &error));
  EXPECT_NE(error.find("a.l1tcap"), std::string::npos) << error;
  EXPECT_NE(error.find("format version " + std::to_string(kFormatVersion + 1)), std::string::npos)
      << error;
}

TEST(CaptureReaderTest, DamagedHeaderIsRefused) {
  const std::string dir = testing::temp_dir("capture-header");
  std::string bytes = slurp(write_file(dir + "/a.l1tcap", sample_records(3, 4)));
  bytes[kMagic.size() + 8 + 2] ^= 0x20;  // inside the source description
  spit(dir + "/a.l1tcap", bytes);
  CaptureReader r;
  std::string error;
  EXPECT_FALSE(r.open(dir + "/a.l1tcap", &error));
  EXPECT_NE(error.find("checksum"), std::string::npos) << error;
}

// A flipped byte in one payload: that record is reported (position and offset) and skipped,
// every other record is read, in order.
TEST(CaptureReaderTest, FlippedPayloadByteLosesOnlyThatRecord) {
  const std::string dir = testing::temp_dir("capture-flip");
  const auto records = sample_records(50, 5);
  std::vector<uint64_t> offsets;
  std::string bytes = slurp(write_file(dir + "/a.l1tcap", records, &offsets));
  const size_t bad = 20;
  ASSERT_GT(records[bad].second.size(), 10u);
  const uint64_t payload_at = offsets[bad] + 4 + 1 + records[bad].first.size() + 4;
  bytes[payload_at + records[bad].second.size() / 2] ^= 0x01;
  spit(dir + "/a.l1tcap", bytes);

  CaptureReader r;
  std::string error;
  ASSERT_TRUE(r.open(dir + "/a.l1tcap", &error)) << error;
  auto expected = records;
  expected.erase(expected.begin() + bad);
  EXPECT_EQ(read_all(r), expected);
  EXPECT_EQ(r.records_skipped(), 1u);
  EXPECT_FALSE(r.truncated());
  const auto damage = r.take_damage();
  ASSERT_EQ(damage.size(), 1u);
  EXPECT_EQ(damage[0].record, bad + 1);
  EXPECT_EQ(damage[0].offset, offsets[bad]);
  EXPECT_EQ(damage[0].bytes_skipped, offsets[bad + 1] - offsets[bad]);
  EXPECT_NE(damage[0].message.find("checksum"), std::string::npos) << damage[0].message;
  EXPECT_NE(damage[0].message.find("offset " + std::to_string(offsets[bad])), std::string::npos)
      << damage[0].message;
}

// A damaged length loses the framing: the reader finds the next record by its marker.
TEST(CaptureReaderTest, ImpossibleLengthIsSkippedByResynchronising) {
  const std::string dir = testing::temp_dir("capture-length");
  const auto records = sample_records(30, 6);
  std::vector<uint64_t> offsets;
  std::string bytes = slurp(write_file(dir + "/a.l1tcap", records, &offsets));
  const size_t bad = 7;
  const uint64_t length_at = offsets[bad] + 4 + 1 + records[bad].first.size();
  bytes[length_at + 3] = static_cast<char>(0x7f);  // a payload of about 2 GB
  spit(dir + "/a.l1tcap", bytes);

  CaptureReader r;
  std::string error;
  ASSERT_TRUE(r.open(dir + "/a.l1tcap", &error)) << error;
  auto expected = records;
  expected.erase(expected.begin() + bad);
  EXPECT_EQ(read_all(r), expected);
  EXPECT_EQ(r.records_skipped(), 1u);
  const auto damage = r.take_damage();
  ASSERT_EQ(damage.size(), 1u);
  EXPECT_NE(damage[0].message.find("impossible payload length"), std::string::npos)
      << damage[0].message;
}

// Two damaged framings in one file (a marker, a topic length): each is reported and skipped.
TEST(CaptureReaderTest, DamagedMarkerAndTopicLengthAreEachSkipped) {
  const std::string dir = testing::temp_dir("capture-marker");
  const auto records = sample_records(30, 9);
  std::vector<uint64_t> offsets;
  std::string bytes = slurp(write_file(dir + "/a.l1tcap", records, &offsets));
  bytes[offsets[3] + 1] ^= 0x40;  // the marker
  bytes[offsets[12] + 4] = 0;     // topic length 0
  spit(dir + "/a.l1tcap", bytes);

  CaptureReader r;
  std::string error;
  ASSERT_TRUE(r.open(dir + "/a.l1tcap", &error)) << error;
  auto expected = records;
  expected.erase(expected.begin() + 12);
  expected.erase(expected.begin() + 3);
  EXPECT_EQ(read_all(r), expected);
  EXPECT_EQ(r.records_skipped(), 2u);
  EXPECT_EQ(r.bytes_skipped(), offsets[4] - offsets[3] + offsets[13] - offsets[12]);
  const auto damage = r.take_damage();
  ASSERT_EQ(damage.size(), 2u);
  EXPECT_EQ(damage[0].record, 4u);
  EXPECT_NE(damage[0].message.find("no record marker"), std::string::npos) << damage[0].message;
  EXPECT_EQ(damage[1].record, 13u);
  EXPECT_NE(damage[1].message.find("topic length 0"), std::string::npos) << damage[1].message;
}

// Cut inside the last record (and at other places): every complete record, then a clean end.
TEST(CaptureReaderTest, TruncatedFileReadsEveryCompleteRecord) {
  const std::string dir = testing::temp_dir("capture-truncated");
  const auto records = sample_records(40, 8);
  std::vector<uint64_t> offsets;
  const std::string bytes = slurp(write_file(dir + "/a.l1tcap", records, &offsets));
  for (const uint64_t cut :
       {offsets[39] + 2, offsets[39] + 12, uint64_t(bytes.size() - 1), offsets[25] + 100}) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    spit(dir + "/cut.l1tcap", bytes.substr(0, cut));
    size_t complete = 0;
    while (complete < offsets.size() && offsets[complete] < cut &&
           (complete + 1 == offsets.size() ? bytes.size() : offsets[complete + 1]) <= cut) {
      ++complete;
    }
    CaptureReader r;
    std::string error;
    ASSERT_TRUE(r.open(dir + "/cut.l1tcap", &error)) << error;
    const auto got = read_all(r);
    EXPECT_EQ(got, std::vector<Record>(records.begin(), records.begin() + complete));
    EXPECT_TRUE(r.truncated());
    EXPECT_EQ(r.records_skipped(), 0u);
    EXPECT_NE(r.truncation_note().find("truncated after record " + std::to_string(complete)),
              std::string::npos)
        << r.truncation_note();
    std::string topic, payload;
    EXPECT_FALSE(r.next(&topic, &payload));  // stays at the end
  }
}

}  // namespace
}  // namespace l1t::capture
