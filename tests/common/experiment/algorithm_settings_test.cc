#include "common/experiment/algorithm_settings.h"

#include <gtest/gtest.h>

namespace l1t::experiment {
namespace {

TEST(AlgorithmSettingsTest, DefaultsAndOverrides) {
  AlgorithmSettings s;
  EXPECT_FLOAT_EQ(learning_rate_for("sgd", s), 0.01f);
  EXPECT_FLOAT_EQ(learning_rate_for("adam", s), 0.001f);
  EXPECT_FLOAT_EQ(learning_rate_for("am-adam", s), 0.008f);
  std::string error;
  ASSERT_TRUE(parse_learning_rates({"adam=0.003", "sgd=2e-2"}, &s, &error)) << error;
  EXPECT_FLOAT_EQ(learning_rate_for("adam", s), 0.003f);
  EXPECT_FLOAT_EQ(learning_rate_for("sgd", s), 0.02f);
  EXPECT_FLOAT_EQ(learning_rate_for("am-adam", s), 0.008f);
}

TEST(AlgorithmSettingsTest, BadLearningRatesAreNamed) {
  AlgorithmSettings s;
  std::string error;
  for (const char* bad : {"adam", "adam=", "=0.1", "adam=-1", "adam=0", "adam=1x", "adam=nan"}) {
    EXPECT_FALSE(parse_learning_rates({bad}, &s, &error)) << bad;
    EXPECT_NE(error.find(std::string("'") + bad + "'"), std::string::npos) << error;
  }
}

TEST(AlgorithmSettingsTest, MakesEachDefaultAlgorithmUnderItsName) {
  AlgorithmSettings s;
  std::string error;
  for (const auto& name : default_algorithms()) {
    auto a = make_study_algorithm(name, s, &error);
    ASSERT_NE(a, nullptr) << error;
    EXPECT_EQ(a->name(), name);
  }
  EXPECT_TRUE(check_algorithms(default_algorithms(), s, &error)) << error;
}

TEST(AlgorithmSettingsTest, UnknownAlgorithmIsReportedNotCrashed) {
  AlgorithmSettings s;
  std::string error;
  EXPECT_EQ(make_study_algorithm("rmsprop", s, &error), nullptr);
  EXPECT_NE(error.find("'rmsprop'"), std::string::npos) << error;
  EXPECT_FALSE(check_algorithms({"sgd", "rmsprop"}, s, &error));
  EXPECT_NE(error.find("'rmsprop'"), std::string::npos) << error;
  EXPECT_FALSE(check_algorithms({}, s, &error));
  // A learning rate for an algorithm that does not exist is a mistake too.
  ASSERT_TRUE(parse_learning_rates({"adamw=0.1"}, &s, &error));
  EXPECT_FALSE(check_algorithms({"adam"}, s, &error));
  EXPECT_NE(error.find("'adamw'"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::experiment
