#include "common/nn/evaluation/working_point.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l1t::nn {
namespace {

// Ten bins over [0, 1): scores k/10 + 0.05 land in bin k.
HistogramAuc histogram(const std::vector<int>& positives, const std::vector<int>& negatives) {
  HistogramAuc h(10, 0.0f, 1.0f);
  for (size_t b = 0; b < positives.size(); ++b) {
    for (int i = 0; i < positives[b]; ++i) h.add(0.1f * b + 0.05f, true);
  }
  for (size_t b = 0; b < negatives.size(); ++b) {
    for (int i = 0; i < negatives[b]; ++i) h.add(0.1f * b + 0.05f, false);
  }
  return h;
}

TEST(WorkingPointTest, SharesOfEachClassAtOrAboveTheThreshold) {
  const auto h = histogram({0, 0, 0, 0, 0, 0, 0, 10, 30, 60}, {50, 30, 10, 5, 5});
  const WorkingPoint w = working_point_at(h, 8);
  EXPECT_NEAR(w.threshold, 0.8, 1e-6);
  EXPECT_DOUBLE_EQ(w.efficiency, 0.9);
  EXPECT_DOUBLE_EQ(w.negative_acceptance, 0.0);
  const WorkingPoint low = working_point_at(h, 3);
  EXPECT_DOUBLE_EQ(low.efficiency, 1.0);
  EXPECT_DOUBLE_EQ(low.negative_acceptance, 0.10);
}

TEST(WorkingPointTest, TheLowestThresholdWithinTheTargetAcceptance) {
  const auto h = histogram({5, 5, 10, 10, 10, 10, 10, 10, 15, 15}, {40, 30, 20, 6, 2, 1, 1});
  // Negatives at or above bin 3: 10 of 100; at or above bin 2: 30. Target 10 %: bin 3.
  const WorkingPoint w = working_point_for_acceptance(h, 0.10);
  EXPECT_EQ(w.bin, 3);
  EXPECT_DOUBLE_EQ(w.negative_acceptance, 0.10);
  EXPECT_DOUBLE_EQ(w.efficiency, 0.80);
  // A target between steps is met from below: 9 % gives bin 4 (4 % accepted).
  const WorkingPoint tighter = working_point_for_acceptance(h, 0.09);
  EXPECT_EQ(tighter.bin, 4);
  EXPECT_DOUBLE_EQ(tighter.negative_acceptance, 0.04);
}

TEST(WorkingPointTest, AnAbsentClassGivesNaNNotANumber) {
  const auto only_positives = histogram({1, 2, 3}, {});
  const WorkingPoint w = working_point_at(only_positives, 1);
  EXPECT_TRUE(std::isnan(w.negative_acceptance));
  EXPECT_DOUBLE_EQ(w.efficiency, 5.0 / 6.0);
  EXPECT_EQ(working_point_for_acceptance(only_positives, 0.1).bin, 0);
}

}  // namespace
}  // namespace l1t::nn
