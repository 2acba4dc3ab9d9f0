#include "common/trigger/checked_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/nn/training/float_mlp.h"
#include "common/nn/training/quantise.h"
#include "common/transport/model_codec.h"

namespace l1t::trigger {
namespace {

v1::ModelUpdate update(uint64_t version, nn::QuantisationConfig q = {}) {
  v1::ModelUpdate u;
  transport::encode_model(nn::quantise(nn::FloatMlp({5, 25, 30, 1}, version), q), &u);
  u.set_version(version);
  u.set_activate_at_fill(7);
  return u;
}

TEST(CheckedModelTest, AnUpdateMustDecodeKeepTheFootprintAndBeNewer) {
  CheckedModel deployed;
  std::string why;
  ASSERT_EQ(check_model_update(update(4), nullptr, 0, &deployed, &why), Verdict::kAccepted);
  EXPECT_EQ(deployed.version, 4u);
  EXPECT_EQ(deployed.activate_at_fill, 7u);
  CheckedModel out;
  EXPECT_EQ(check_model_update(update(3), &deployed.model, 4, &out, &why), Verdict::kStale);
  EXPECT_NE(why.find("not newer"), std::string::npos) << why;
  EXPECT_EQ(check_model_update(update(5), &deployed.model, 4, &out, &why), Verdict::kAccepted);
  nn::QuantisationConfig eight_bit;
  eight_bit.layer.weight = fixed::Spec{8, 3};
  EXPECT_EQ(check_model_update(update(6, eight_bit), &deployed.model, 4, &out, &why),
            Verdict::kRejected);
  auto bad = update(7);
  bad.set_checksum(bad.checksum() ^ 1);
  EXPECT_EQ(check_model_update(bad, &deployed.model, 4, &out, &why), Verdict::kRejected);
  EXPECT_EQ(out.version, 5u) << "a refused update leaves the last accepted one";
}

TEST(CheckedModelTest, TheWorkingPointTravelsWithTheWeightsAndALyingOneIsRefused) {
  CheckedModel out;
  std::string why;
  auto u = update(4);
  u.set_working_point_threshold(0.0625);
  ASSERT_EQ(check_model_update(u, nullptr, 0, &out, &why), Verdict::kAccepted) << why;
  EXPECT_DOUBLE_EQ(out.working_point_threshold, 0.0625);
  for (double lie : {-0.1, 1.5, std::nan("")}) {
    u.set_working_point_threshold(lie);
    EXPECT_EQ(check_model_update(u, nullptr, 0, &out, &why), Verdict::kRejected) << lie;
    EXPECT_NE(why.find("working_point_threshold"), std::string::npos) << why;
    EXPECT_EQ(refusal_reason(u), "threshold");
  }
}

TEST(CheckedModelTest, WeightsAreCheckedWhateverTheirVersion) {
  CheckedModel deployed, old;
  std::string why;
  ASSERT_EQ(check_model_weights(update(9), nullptr, &deployed, &why), Verdict::kAccepted);
  EXPECT_EQ(check_model_weights(update(2), &deployed.model, &old, &why), Verdict::kAccepted)
      << "a rollback republishes an older version";
  nn::QuantisationConfig eight_bit;
  eight_bit.layer.weight = fixed::Spec{8, 3};
  EXPECT_EQ(check_model_weights(update(2, eight_bit), &deployed.model, &old, &why),
            Verdict::kRejected);
}

}  // namespace
}  // namespace l1t::trigger

namespace l1t::trigger {
namespace {

TEST(CheckedModelTest, AWeightOutsideItsPrecisionIsRefusedAndNamedWeightRange) {
  // A sender that writes a raw weight beyond ap_fixed<16,6>'s [-32768, 32767] and a checksum
  // that matches it: only the range check can stop it.
  nn::FixedModel m = nn::quantise(nn::FloatMlp({5, 25, 30, 1}, 3), {});
  m.layers[1].weights[7] = 40000;
  v1::ModelUpdate u;
  transport::encode_model(m, &u);
  u.set_version(2);
  CheckedModel out;
  std::string why;
  EXPECT_EQ(check_model_weights(u, nullptr, &out, &why), Verdict::kRejected);
  EXPECT_NE(why.find("outside its precision"), std::string::npos) << why;
  EXPECT_EQ(refusal_reason(u), "weight_range");
  m.layers[1].weights[7] = 0;
  m.layers[2].biases[0] = -32769;
  transport::encode_model(m, &u);
  EXPECT_EQ(check_model_weights(u, nullptr, &out, &why), Verdict::kRejected);
  EXPECT_EQ(refusal_reason(u), "weight_range");

  v1::ModelUpdate bad_spec = update(3);
  bad_spec.mutable_layers(0)->set_weight_precision("ap_fixed<999,6>");
  EXPECT_EQ(check_model_weights(bad_spec, nullptr, &out, &why), Verdict::kRejected);
  EXPECT_EQ(refusal_reason(bad_spec), "precision");
  v1::ModelUpdate bad_checksum = update(4);
  bad_checksum.set_checksum(bad_checksum.checksum() + 1);
  EXPECT_EQ(check_model_weights(bad_checksum, nullptr, &out, &why), Verdict::kRejected);
  EXPECT_EQ(refusal_reason(bad_checksum), "model");
  EXPECT_EQ(refusal_reason(update(5)), "model") << "nothing specific to name";
}

}  // namespace
}  // namespace l1t::trigger
