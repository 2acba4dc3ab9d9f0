// CaptureWriter on real files: what it writes reads back whole, and what it refuses.
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

TEST(CaptureWriterTest, ManyRecordsRoundTripInOrderWithTheSource) {
  const std::string dir = testing::temp_dir("capture-roundtrip");
  const auto records = sample_records(2000, 1);
  CaptureWriter w;
  std::string error;
  ASSERT_TRUE(w.open(dir + "/a.l1tcap", {{"scenario", "default"}, {"seed", 42}}, &error)) << error;
  uint64_t payload_bytes = 0;
  for (const auto& [t, p] : records) {
    ASSERT_TRUE(w.append(t, p, &error)) << error;
    payload_bytes += p.size();
  }
  EXPECT_EQ(w.records(), records.size());
  ASSERT_TRUE(w.close(&error)) << error;
  EXPECT_EQ(w.bytes(), std::filesystem::file_size(dir + "/a.l1tcap"));
  EXPECT_GT(w.bytes(), payload_bytes + records.size() * kRecordOverhead);

  CaptureReader r;
  ASSERT_TRUE(r.open(dir + "/a.l1tcap", &error)) << error;
  EXPECT_EQ(r.format_version(), kFormatVersion);
  EXPECT_EQ(r.source()["scenario"], "default");
  EXPECT_EQ(r.source()["seed"], 42);
  EXPECT_EQ(read_all(r), records);
  EXPECT_EQ(r.records_read(), records.size());
  EXPECT_EQ(r.records_skipped(), 0u);
  EXPECT_FALSE(r.truncated());
  EXPECT_TRUE(r.take_damage().empty());
}

TEST(CaptureWriterTest, ZeroLengthPayloadAndHeaderOnlyFile) {
  const std::string dir = testing::temp_dir("capture-empty-payload");
  const std::vector<Record> records{{"event", ""}, {"truth", "x"}, {"event", ""}};
  write_file(dir + "/a.l1tcap", records);
  CaptureReader r;
  std::string error;
  ASSERT_TRUE(r.open(dir + "/a.l1tcap", &error)) << error;
  EXPECT_EQ(read_all(r), records);

  write_file(dir + "/none.l1tcap", {});
  ASSERT_TRUE(r.open(dir + "/none.l1tcap", &error)) << error;
  EXPECT_TRUE(read_all(r).empty());
  EXPECT_FALSE(r.truncated());
  EXPECT_EQ(r.records_skipped(), 0u);
}

TEST(CaptureWriterTest, WriterRefusesBadTopicsAndUnwritablePaths) {
  const std::string dir = testing::temp_dir("capture-writer-refuses");
  CaptureWriter w;
  std::string error;
  EXPECT_FALSE(w.open(dir + "/no/such/dir/a.l1tcap", nlohmann::json::object(), &error));
  EXPECT_NE(error.find(dir + "/no/such/dir/a.l1tcap"), std::string::npos) << error;
  ASSERT_TRUE(w.open(dir + "/a.l1tcap", nlohmann::json::object(), &error)) << error;
  EXPECT_FALSE(w.append("", "payload", &error));
  EXPECT_FALSE(w.append(std::string(kMaxTopicBytes + 1, 't'), "payload", &error));
  EXPECT_NE(error.find("topic"), std::string::npos) << error;
  EXPECT_EQ(w.records(), 0u);
}

}  // namespace
}  // namespace l1t::capture
