#include "common/experiment/json_numbers.h"

#include <gtest/gtest.h>

#include <limits>

namespace l1t::experiment {
namespace {

TEST(JsonNumbersTest, FloatSettingsReadAsTheirDecimal) {
  EXPECT_EQ(tidy(0.9f), 0.9);
  EXPECT_EQ(tidy(0.001f), 0.001);
  EXPECT_EQ(tidy(1e-7f), 1e-7);
  EXPECT_EQ(tidy(100.0f), 100.0);
  EXPECT_EQ(nlohmann::json(tidy(0.9f)).dump(), "0.9");
  // Still the same float.
  const float odd = 0.123456789f;
  EXPECT_EQ(static_cast<float>(tidy(odd)), odd);
}

TEST(JsonNumbersTest, NonFiniteBecomesNull) {
  EXPECT_TRUE(json_number(std::numeric_limits<double>::quiet_NaN()).is_null());
  EXPECT_TRUE(json_number(std::numeric_limits<double>::infinity()).is_null());
  EXPECT_EQ(json_number(0.5).get<double>(), 0.5);
  EXPECT_EQ(json_numbers({1.0, std::nan(""), 2.0}).dump(), "[1.0,null,2.0]");
}

}  // namespace
}  // namespace l1t::experiment
