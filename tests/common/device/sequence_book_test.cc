#include "common/device/sequence_book.h"

#include <gtest/gtest.h>

#include <string>

namespace l1t::device {
namespace {

using V = SequenceVerdict;

TEST(SequenceBookTest, InOrderGapsAndRepeatsPerSender) {
  SequenceBook book(8);
  uint64_t missed = 0;
  EXPECT_EQ(book.observe("a", 1, 100, &missed), V::kFirst);
  EXPECT_EQ(book.observe("a", 2, 101, &missed), V::kInOrder);
  EXPECT_EQ(book.observe("b", 7, 100, &missed), V::kFirst) << "each sender has its own sequence";
  EXPECT_EQ(book.observe("a", 6, 102, &missed), V::kGap);
  EXPECT_EQ(missed, 3u);
  EXPECT_EQ(book.observe("a", 6, 102, &missed), V::kRepeat) << "the same message again";
  EXPECT_EQ(book.observe("a", 4, 99, &missed), V::kRepeat) << "an older message (a replay)";
  EXPECT_EQ(book.observe("a", 7, 103, &missed), V::kInOrder) << "a repeat does not move it";
  EXPECT_EQ(book.observe("b", 8, 101, &missed), V::kInOrder);
  EXPECT_EQ(book.senders(), 2u);
}

TEST(SequenceBookTest, ARestartedSenderStartsAfreshInsteadOfBeingRefused) {
  SequenceBook book(8);
  uint64_t missed = 0;
  for (uint64_t s = 1; s <= 50; ++s) book.observe("emulator", s, 1000 + s, &missed);
  // It restarts: its sequence begins at 1 again (0 from a sender that never stamps).
  EXPECT_EQ(book.observe("emulator", 1, 2000, &missed), V::kRestart);
  EXPECT_EQ(book.observe("emulator", 2, 2001, &missed), V::kInOrder);
  EXPECT_EQ(book.observe("emulator", 0, 0, &missed), V::kRestart);
  // A restart whose first messages were lost (a subscriber's slow join): a lower sequence, but
  // sent later than anything seen from it.
  for (uint64_t s = 1; s <= 50; ++s) book.observe("trainer", s, 1000 + s, &missed);
  EXPECT_EQ(book.observe("trainer", 4, 5000, &missed), V::kRestart);
  EXPECT_EQ(book.observe("trainer", 5, 5001, &missed), V::kInOrder);
  EXPECT_EQ(book.observe("trainer", 5, 5001, &missed), V::kRepeat);
  EXPECT_EQ(book.observe("trainer", 3, 1003, &missed), V::kRepeat) << "old bytes replayed";
}

TEST(SequenceBookTest, MemoryIsBoundedByForgettingTheLeastRecentSender) {
  SequenceBook book(3);
  uint64_t missed = 0;
  book.observe("a", 10, 1, &missed);
  book.observe("b", 10, 1, &missed);
  book.observe("c", 10, 1, &missed);
  book.observe("a", 11, 2, &missed);  // b is now the least recent
  for (int i = 0; i < 1000; ++i) {
    book.observe("flood-" + std::to_string(i), 5, 1, &missed);
    book.observe("a", 12 + i, 3 + i, &missed);  // a stays recent
  }
  EXPECT_EQ(book.senders(), 3u);
  EXPECT_EQ(book.forgotten(), 1000u);
  EXPECT_EQ(book.observe("a", 1012, 2000, &missed), V::kInOrder) << "a was never forgotten";
  EXPECT_EQ(book.observe("b", 10, 1, &missed), V::kFirst) << "b was: its repeat is not seen";
}

}  // namespace
}  // namespace l1t::device
