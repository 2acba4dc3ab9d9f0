#include "common/transport/model_codec.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/nn/training/float_mlp.h"
#include "common/nn/training/quantise.h"

namespace l1t::transport {
namespace {

nn::FixedModel model(uint64_t seed = 1) { return nn::quantise(nn::FloatMlp({5, 25, 30, 1}, seed)); }

TEST(ModelCodecTest, RoundTripKeepsEveryWeightAndPrecision) {
  const nn::FixedModel m = model();
  v1::ModelUpdate u;
  encode_model(m, &u);
  nn::FixedModel back;
  std::string error;
  ASSERT_TRUE(decode_model(u, &back, &error)) << error;
  ASSERT_EQ(back.layers.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.layers[i].weights, m.layers[i].weights);
    EXPECT_EQ(back.layers[i].biases, m.layers[i].biases);
    EXPECT_EQ(back.layers[i].accum, m.layers[i].accum);
    EXPECT_EQ(back.layers[i].activation, m.layers[i].activation);
  }
  EXPECT_EQ(model_checksum(back), model_checksum(m));
  EXPECT_NE(model_checksum(model(2)), model_checksum(m));
}

TEST(ModelCodecTest, CorruptUpdatesAreRefusedWithAReason) {
  v1::ModelUpdate good;
  encode_model(model(), &good);
  nn::FixedModel out;
  std::string error;

  auto tampered = good;
  tampered.mutable_layers(1)->set_weights(3, tampered.layers(1).weights(3) + 1);
  EXPECT_FALSE(decode_model(tampered, &out, &error));
  EXPECT_NE(error.find("checksum"), std::string::npos);

  auto short_weights = good;
  short_weights.mutable_layers(0)->mutable_weights()->RemoveLast();
  EXPECT_FALSE(decode_model(short_weights, &out, &error));
  EXPECT_NE(error.find("layer 0"), std::string::npos);

  auto bad_precision = good;
  bad_precision.mutable_layers(2)->set_accum_precision("ap_fixed<16");
  EXPECT_FALSE(decode_model(bad_precision, &out, &error));
  EXPECT_NE(error.find("layer 2 accum_precision"), std::string::npos);

  auto out_of_range = good;
  out_of_range.mutable_layers(0)->set_weights(0, 1 << 20);
  EXPECT_FALSE(decode_model(out_of_range, &out, &error));

  auto bad_activation = good;
  bad_activation.mutable_layers(0)->set_activation("tanh");
  EXPECT_FALSE(decode_model(bad_activation, &out, &error));
  EXPECT_NE(error.find("tanh"), std::string::npos);
}

TEST(ModelCodecTest, FootprintCheckRefusesOtherArchitectureOrPrecision) {
  const nn::FixedModel deployed = model();
  std::string error;
  EXPECT_TRUE(same_footprint(deployed, model(5), &error)) << error;

  nn::QuantisationConfig eight_bit;
  eight_bit.layer.weight = fixed::Spec{8, 3};
  EXPECT_FALSE(
      same_footprint(deployed, nn::quantise(nn::FloatMlp({5, 25, 30, 1}, 1), eight_bit), &error));
  EXPECT_NE(error.find("precision"), std::string::npos);
  EXPECT_FALSE(same_footprint(deployed, nn::quantise(nn::FloatMlp({5, 20, 30, 1}, 1)), &error));
  EXPECT_NE(error.find("architecture"), std::string::npos);
}

TEST(ModelCodecTest, ModelFilesRoundTripAndCorruptFilesAreReported) {
  const std::string path = ::testing::TempDir() + "/model.pb";
  v1::ModelUpdate u;
  encode_model(model(), &u);
  u.set_version(7);
  std::string error;
  ASSERT_TRUE(write_model_file(path, u, &error)) << error;
  v1::ModelUpdate back;
  ASSERT_TRUE(read_model_file(path, &back, &error)) << error;
  EXPECT_EQ(back.version(), 7u);
  EXPECT_EQ(back.checksum(), u.checksum());

  std::ofstream(path, std::ios::trunc) << "\x0a\x7f this is not a model";
  EXPECT_FALSE(read_model_file(path, &back, &error));
  EXPECT_NE(error.find(path), std::string::npos);
  EXPECT_FALSE(read_model_file(path + ".missing", &back, &error));
}

}  // namespace
}  // namespace l1t::transport
