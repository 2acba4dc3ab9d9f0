// The footprint of the default network, from the library and from the binary.
#include "common/nn/inference/footprint.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/services/model/model_tool_support.h"

namespace l1t::model_tool {
namespace {

using namespace testing;

TEST(FootprintTest, DefaultNetworkCounts) {
  const nn::Footprint f = nn::compute_footprint(random_model(1));
  EXPECT_EQ(f.multiplications, 5 * 25 + 25 * 30 + 30 * 1);  // 905
  EXPECT_EQ(f.additions, 905);
  EXPECT_EQ(f.activations, 25 + 30 + 1);
  EXPECT_EQ(f.weights, 905);
  EXPECT_EQ(f.biases, 56);
  EXPECT_EQ(f.weight_bits, 905 * 16);
  EXPECT_EQ(f.bias_bits, 56 * 16);
  ASSERT_EQ(f.layers.size(), 3u);
  EXPECT_EQ(f.layers[0].multiplications, 125);
  EXPECT_EQ(f.layers[1].multiplications, 750);
  EXPECT_EQ(f.layers[2].multiplications, 30);
  EXPECT_EQ(f.layers[0].product_width, 32);
  EXPECT_EQ(f.layers[0].accum_width, 16);
  EXPECT_EQ(f.layers[0].auto_accum, (fixed::Spec{36, 16}));  // as the golden dense5x25 file says
  EXPECT_EQ(f.dsp_estimate, 905);
}

TEST(FootprintTest, WeightsNeverChangeItPrecisionsDo) {
  const nn::Footprint a = nn::compute_footprint(random_model(1));
  const nn::Footprint b = nn::compute_footprint(random_model(2));
  EXPECT_EQ(a.multiplications, b.multiplications);
  EXPECT_EQ(a.weight_bits, b.weight_bits);
  EXPECT_EQ(a.bias_bits, b.bias_bits);
  const auto alternatives =
      nn::footprint_alternatives(random_model(1), nn::default_alternative_precisions());
  ASSERT_EQ(alternatives.size(), 4u);
  EXPECT_EQ(alternatives[0].weight, (fixed::Spec{8, 3}));
  EXPECT_EQ(alternatives[0].footprint.weight_bits, 905 * 8);
  EXPECT_EQ(alternatives[0].footprint.bias_bits, 56 * 8);
  EXPECT_EQ(alternatives[3].footprint.weight_bits, 905 * 18);
  for (const auto& alt : alternatives) EXPECT_EQ(alt.footprint.multiplications, 905);
}

TEST(FootprintTest, DspEstimate) {
  EXPECT_EQ(nn::dsp48e2_per_multiplication(16, 16), 1);
  EXPECT_EQ(nn::dsp48e2_per_multiplication(27, 18), 1);
  EXPECT_EQ(nn::dsp48e2_per_multiplication(18, 27), 1);
  EXPECT_EQ(nn::dsp48e2_per_multiplication(32, 32), 4);
}

TEST(FootprintTest, BinaryReportsIt) {
  const TempDir tmp("footprint");
  const std::string& dir = tmp.path;
  write_model(random_model(1), dir + "/model.pb");
  const RunResult text = run_tool({"footprint", dir + "/model.pb"}, dir);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("905"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("ap_fixed<8,3>"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("A weight update never changes the footprint"), std::string::npos);

  const RunResult json = run_tool({"footprint", dir + "/model.pb", "--json"}, dir);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["multiplications"], 905);
  EXPECT_EQ(j["additions"], 905);
  EXPECT_EQ(j["weight_bits"], 14480);
  EXPECT_EQ(j["bias_bits"], 896);
  EXPECT_FALSE(j["weight_update_changes_footprint"].get<bool>());
  EXPECT_EQ(j["alternatives"].size(), 4u);

  // inspect carries the same report.
  const RunResult inspect = run_tool({"inspect", dir + "/model.pb", "--json"}, dir);
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(nlohmann::json::parse(inspect.out)["footprint"]["multiplications"], 905);
}

}  // namespace
}  // namespace l1t::model_tool
