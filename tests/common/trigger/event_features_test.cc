#include "common/trigger/event_features.h"

#include <gtest/gtest.h>

#include "common/fixed/cast.h"
#include "common/physics/event_generator.h"
#include "common/physics/fasthisto.h"
#include "common/physics/features.h"
#include "common/trigger/training_data.h"

namespace l1t::trigger {
namespace {

TEST(EventFeaturesTest, UsesTheFastHistoVertexAndTheSharedFeatureCode) {
  physics::EventGenerator gen({}, 11);
  const auto ev = gen.next({});
  std::vector<float> features;
  const double pv = event_features(ev.tracks, &features);
  EXPECT_DOUBLE_EQ(pv, physics::find_primary_vertex(ev.tracks));
  ASSERT_EQ(features.size(), ev.tracks.size() * physics::kNumFeatures);
  std::vector<float> expected(features.size());
  physics::compute_features(ev.tracks, pv, expected.data());
  EXPECT_EQ(features, expected);
}

TEST(EventFeaturesTest, QuantisesToTheInputPrecision) {
  const fixed::Spec spec{16, 6};
  std::vector<int64_t> raw;
  quantise_inputs(std::vector<float>{0.5f, -1.25f, 31.999f, 100.0f}, spec, &raw);
  EXPECT_EQ(raw[0], 512);
  EXPECT_EQ(raw[1], -1280);
  EXPECT_EQ(raw[2], fixed::from_double(31.999f, spec));
  EXPECT_EQ(raw[3], fixed::from_double(100.0, spec));  // hls4ml's default wraps: same here
}

TEST(EventFeaturesTest, TrainingSetLabelsThePrimaryVertexTracks) {
  physics::EventGenerator gen({}, 5);
  const TrainingSet set = make_training_set(gen, 20);
  ASSERT_GT(set.rows(), 20u * 100u);
  EXPECT_EQ(set.x.size(), set.rows() * physics::kNumFeatures);
  double positives = 0;
  for (float y : set.y) positives += y;
  const double fraction = positives / set.rows();
  EXPECT_GT(fraction, 0.03);
  EXPECT_LT(fraction, 0.3);
}

}  // namespace
}  // namespace l1t::trigger
