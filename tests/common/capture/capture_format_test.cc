// The capture format's checksum is the standard CRC-32 (as zlib's), so other tools can check it.
#include <gtest/gtest.h>

#include "common/capture/capture_format.h"

namespace l1t::capture {
namespace {

TEST(CaptureFormatTest, Crc32MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32("6789", crc32("12345")), 0xCBF43926u);
}

}  // namespace
}  // namespace l1t::capture
