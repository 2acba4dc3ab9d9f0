#include "common/nn/state/state_blob.h"

#include <gtest/gtest.h>

#include <limits>

namespace l1t::nn {
namespace {

TEST(StateBlobTest, KeepsFloatsIntsAndDoublesBitForBit) {
  StateBlob b;
  b.name = "adam";
  b.put("m", {1.5f, -2.0f});
  b.put_int("t", 12);
  b.put_double("loss", 0.1);
  b.put_double("tiny", std::numeric_limits<double>::denorm_min());
  std::string error;
  ASSERT_NE(b.require("m", 2, &error), nullptr) << error;
  EXPECT_EQ(*b.find("m"), (std::vector<float>{1.5f, -2.0f}));
  int64_t t = 0;
  ASSERT_TRUE(b.get_int("t", &t, &error)) << error;
  EXPECT_EQ(t, 12);
  double d = 0;
  ASSERT_TRUE(b.get_double("loss", &d, &error)) << error;
  EXPECT_EQ(d, 0.1);
  ASSERT_TRUE(b.get_double("tiny", &d, &error)) << error;
  EXPECT_EQ(d, std::numeric_limits<double>::denorm_min());
  EXPECT_NE(b.describe().find("adam{m[2]"), std::string::npos) << b.describe();
  EXPECT_NE(b.describe().find("t=12"), std::string::npos) << b.describe();
}

TEST(StateBlobTest, MissingOrMisSizedEntriesAreNamed) {
  StateBlob b;
  b.name = "ewc";
  b.put("fisher", std::vector<float>(5));
  b.put_ints("rng", {1, 2, 3});
  std::string error;
  EXPECT_EQ(b.require("fisher", 6, &error), nullptr);
  EXPECT_NE(error.find("'ewc' state 'fisher' holds 5 values, the model needs 6"), std::string::npos)
      << error;
  EXPECT_EQ(b.require("anchor", 5, &error), nullptr);
  EXPECT_NE(error.find("'ewc' state 'anchor' is missing"), std::string::npos) << error;
  int64_t v = 99;
  EXPECT_FALSE(b.get_int("rng", &v, &error));
  EXPECT_NE(error.find("not one value"), std::string::npos) << error;
  EXPECT_FALSE(b.get_int("count", &v, &error));
  EXPECT_NE(error.find("'ewc' state 'count' is missing"), std::string::npos) << error;
  EXPECT_EQ(v, 99);
}

}  // namespace
}  // namespace l1t::nn
