#include "common/trigger/fill_gated_update.h"

#include <gtest/gtest.h>

namespace l1t::trigger {
namespace {

CheckedModel update(uint64_t version, uint32_t fill) {
  CheckedModel u;
  u.version = version;
  u.activate_at_fill = fill;
  return u;
}

TEST(FillGatedUpdateTest, WaitsForTheBoundaryIntoItsFill) {
  FillGatedUpdate g;
  EXPECT_FALSE(g.on_event(1));
  ASSERT_TRUE(g.hold(update(5, 2)));
  EXPECT_FALSE(g.on_event(1));
  EXPECT_FALSE(g.on_event(1));
  EXPECT_TRUE(g.on_event(2)) << "the first event of fill 2";
  EXPECT_EQ(g.take().version, 5u);
  EXPECT_FALSE(g.holding());
  EXPECT_FALSE(g.on_event(2));
}

TEST(FillGatedUpdateTest, NeverSwapsInsideAFill) {
  FillGatedUpdate g;
  EXPECT_FALSE(g.on_event(3));
  EXPECT_FALSE(g.on_event(3));
  // Arrives when fill 3 already runs, though meant for fill 3: it waits for the next boundary.
  ASSERT_TRUE(g.hold(update(6, 3)));
  EXPECT_FALSE(g.on_event(3));
  EXPECT_FALSE(g.on_event(3));
  EXPECT_TRUE(g.on_event(4));
  EXPECT_EQ(g.take().version, 6u);
}

TEST(FillGatedUpdateTest, SkipsBoundariesBeforeItsFill) {
  FillGatedUpdate g;
  g.on_event(1);
  ASSERT_TRUE(g.hold(update(7, 3)));
  EXPECT_FALSE(g.on_event(2)) << "a boundary, but into fill 2";
  EXPECT_FALSE(g.on_event(2));
  EXPECT_TRUE(g.on_event(3));
}

TEST(FillGatedUpdateTest, TheFirstEventOpensAFill) {
  FillGatedUpdate g;
  ASSERT_TRUE(g.hold(update(2, 1)));
  EXPECT_TRUE(g.on_event(1));
}

TEST(FillGatedUpdateTest, KeepsOnlyTheNewestUpdate) {
  FillGatedUpdate g;
  g.on_event(1);
  ASSERT_TRUE(g.hold(update(8, 2)));
  EXPECT_TRUE(g.hold(update(9, 2)));
  EXPECT_FALSE(g.hold(update(8, 2))) << "older than the one held";
  EXPECT_TRUE(g.on_event(2));
  EXPECT_EQ(g.take().version, 9u);
}

}  // namespace
}  // namespace l1t::trigger
