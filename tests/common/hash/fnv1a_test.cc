#include "common/hash/fnv1a.h"

#include <gtest/gtest.h>

#include <string>

namespace l1t::hash {
namespace {

// The FNV-1a 64 test vectors of the reference (Noll's fnv test suite).
TEST(Fnv1aTest, KnownVectors) {
  EXPECT_EQ(fnv1a(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a("foobar"), 0x85944171f73967e8ULL);
  static_assert(fnv1a("a") == 0xaf63dc4c8601ec8cULL, "usable at compile time");
}

TEST(Fnv1aTest, StreamingInPiecesEqualsTheWhole) {
  const std::string text = "foobar";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    Fnv1a h;
    h.update(text.data(), cut);
    h.update(std::string_view(text).substr(cut));
    EXPECT_EQ(h.value(), fnv1a(text)) << "cut at " << cut;
  }
  Fnv1a resumed(fnv1a("foo"));
  resumed.update("bar");
  EXPECT_EQ(resumed.value(), fnv1a("foobar"));
}

// Bytes above 0x7f are hashed as unsigned: a signed char would give another value.
TEST(Fnv1aTest, HighBytesAreUnsigned) {
  const unsigned char bytes[] = {0xff, 0x80};
  Fnv1a raw;
  raw.update(bytes, sizeof bytes);
  uint64_t expected = kFnv1aOffsetBasis;
  for (unsigned char b : bytes) expected = (expected ^ b) * kFnv1aPrime;
  EXPECT_EQ(raw.value(), expected);
  EXPECT_EQ(fnv1a(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes)), expected);
}

}  // namespace
}  // namespace l1t::hash
