#include "common/trigger/model_slot.h"

#include <gtest/gtest.h>

#include "common/nn/training/float_mlp.h"
#include "common/nn/training/quantise.h"
#include "common/transport/model_codec.h"

namespace l1t::trigger {
namespace {

v1::ModelUpdate update(uint64_t version, uint64_t seed = 1, nn::QuantisationConfig q = {}) {
  v1::ModelUpdate u;
  transport::encode_model(nn::quantise(nn::FloatMlp({5, 25, 30, 1}, seed), q), &u);
  u.set_version(version);
  return u;
}

TEST(ModelSlotTest, AppliesNewerVersionsAndIgnoresStaleOnes) {
  ModelSlot slot;
  std::string why;
  EXPECT_FALSE(slot.loaded());
  EXPECT_EQ(slot.offer(update(1), &why), Verdict::kAccepted);
  EXPECT_EQ(slot.version(), 1u);
  EXPECT_EQ(slot.offer(update(3, 2), &why), Verdict::kAccepted);
  EXPECT_EQ(slot.offer(update(2, 3), &why), Verdict::kStale);
  EXPECT_EQ(slot.version(), 3u);
  EXPECT_EQ(slot.output_frac_bits(), 10);  // ap_fixed<16,6> sigmoid output
}

TEST(ModelSlotTest, RefusesAnotherFootprintAndKeepsServingTheOldWeights) {
  ModelSlot slot;
  std::string why;
  ASSERT_EQ(slot.offer(update(1), &why), Verdict::kAccepted);
  nn::QuantisationConfig eight_bit;
  eight_bit.layer.weight = fixed::Spec{8, 3};
  EXPECT_EQ(slot.offer(update(2, 1, eight_bit), &why), Verdict::kRejected);
  EXPECT_NE(why.find("precision"), std::string::npos);
  EXPECT_EQ(slot.version(), 1u);

  auto corrupt = update(4);
  corrupt.mutable_layers(0)->mutable_biases()->RemoveLast();
  EXPECT_EQ(slot.offer(corrupt, &why), Verdict::kRejected);
  EXPECT_EQ(slot.version(), 1u);
  // Scoring still works with the weights in service.
  std::vector<int64_t> x(5, 100), y(1);
  slot.scorer().score(x.data(), 1, y.data());
  EXPECT_GE(y[0], 0);
  EXPECT_LE(y[0], 1024);
}

}  // namespace
}  // namespace l1t::trigger
