// The decimal text of weights: exact on the way out, read as hls4ml's C simulation reads it.
#include "common/nn/hls4ml/hls4ml_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "common/fixed/cast.h"
#include "common/fixed/spec.h"

namespace l1t::nn {
namespace {

fixed::Spec spec(const char* text) {
  fixed::Spec s;
  std::string error;
  EXPECT_TRUE(fixed::parse_spec(text, &s, &error)) << error;
  return s;
}

// What the C simulation does with one value of a weights/*.txt file.
int64_t load_like_csim(const std::string& text, const fixed::Spec& s) {
  return fixed::from_double(std::strtod(text.c_str(), nullptr), s);
}

TEST(Hls4mlTextTest, FormatsWithHls4mlsDecimalsExactly) {
  const auto t = spec("ap_fixed<16,6>");
  EXPECT_EQ(hls4ml_decimals(t), 10);
  EXPECT_EQ(format_fixed(612, t), "0.5976562500");
  EXPECT_EQ(format_fixed(-820, t), "-0.8007812500");
  EXPECT_EQ(format_fixed(0, t), "0.0000000000");
  EXPECT_EQ(format_fixed(-1, t), "-0.0009765625");
  EXPECT_EQ(format_fixed(t.max_raw(), t), "31.9990234375");
  EXPECT_EQ(format_fixed(t.min_raw(), t), "-32.0000000000");
  EXPECT_EQ(format_fixed(-128, spec("ap_int<8>")), "-128");
  EXPECT_EQ(format_fixed(3, spec("ap_fixed<8,10>")), "12");  // W - I = -2: no decimals
  const auto wide = spec("ap_fixed<64,1>");
  EXPECT_EQ(format_fixed(INT64_MIN, wide), "-1." + std::string(63, '0'));
}

TEST(Hls4mlTextTest, TinyLsbsAreWrittenInFull) {
  const auto s = spec("ap_fixed<8,-62>");  // lsb 2^-70
  const std::string text = format_fixed(1, s);
  EXPECT_EQ(text.size(), 72u);
  EXPECT_EQ(text.substr(0, 23), "0.000000000000000000000");
  EXPECT_EQ(std::strtod(text.c_str(), nullptr), std::ldexp(1.0, -70));
}

TEST(Hls4mlTextTest, EveryRawOfSixteenBitsLoadsBackUnchanged) {
  for (const char* name : {"ap_fixed<16,6>", "ap_ufixed<16,6>", "ap_fixed<16,6,AP_RND,AP_SAT>",
                           "ap_fixed<16,-3>", "ap_fixed<16,20>"}) {
    const auto s = spec(name);
    int failures = 0;
    for (int64_t raw = s.min_raw(); raw <= s.max_raw(); ++raw) {
      if (load_like_csim(format_fixed(raw, s), s) != raw && ++failures < 5) {
        ADD_FAILURE() << name << " raw " << raw << " -> " << format_fixed(raw, s);
      }
    }
    EXPECT_EQ(failures, 0) << name;
  }
}

TEST(Hls4mlTextTest, WideTypesLoadBackUpToFiftyThreeBits) {
  std::mt19937_64 rng(5);
  for (const char* name : {"ap_fixed<32,8>", "ap_fixed<53,20>", "ap_ufixed<40,2>"}) {
    const auto s = spec(name);
    std::uniform_int_distribution<int64_t> raw(s.min_raw(), s.max_raw());
    for (int i = 0; i < 20000; ++i) {
      const int64_t r = raw(rng);
      ASSERT_EQ(load_like_csim(format_fixed(r, s), s), r) << name << " " << format_fixed(r, s);
    }
  }
}

TEST(Hls4mlTextTest, ParsesHls4mlsOwnFilesAndOurs) {
  std::vector<double> v;
  std::string error;
  ASSERT_TRUE(parse_weight_values("0.5976562500, -0.8007812500, 1", &v, &error)) << error;
  EXPECT_EQ(v, (std::vector<double>{0.59765625, -0.80078125, 1.0}));
  ASSERT_TRUE(parse_weight_values("1,2,3,\n", &v, &error)) << error;
  EXPECT_EQ(v.size(), 3u);
  ASSERT_TRUE(parse_weight_values("1, 2\n3, 4\n", &v, &error)) << error;
  EXPECT_EQ(v.size(), 4u);
  ASSERT_TRUE(parse_weight_values("+1.5e-1", &v, &error)) << error;
  EXPECT_EQ(v, std::vector<double>{0.15});
  ASSERT_TRUE(parse_weight_values("", &v, &error));
  EXPECT_TRUE(v.empty());
}

TEST(Hls4mlTextTest, RefusesWhatIsNotADecimal) {
  std::vector<double> v;
  std::string error;
  EXPECT_FALSE(parse_weight_values("1, 2, abc", &v, &error));
  EXPECT_NE(error.find("value 3 'abc'"), std::string::npos) << error;
  EXPECT_FALSE(parse_weight_values("1,,2", &v, &error));
  EXPECT_NE(error.find("value 2 is empty"), std::string::npos) << error;
  EXPECT_FALSE(parse_weight_values("nan", &v, &error));
  EXPECT_FALSE(parse_weight_values("0x1p3", &v, &error));
  EXPECT_FALSE(parse_weight_values("1.5.2", &v, &error));
  EXPECT_FALSE(parse_weight_values("1e999", &v, &error));
  EXPECT_NE(error.find("out of range"), std::string::npos) << error;
}

// The golden file's text column is what hls4ml writes for float weights ('{:.10f}'); read as
// one weights file, every value must give the raw the real ap_fixed<16,6> gave.
TEST(Hls4mlTextTest, GoldenFloatTextLoadsAsTheCSimulationLoadsIt) {
  std::ifstream in(std::string(L1T_GOLDEN_DIR) + "/hls4ml/weight_text_roundtrip.txt");
  ASSERT_TRUE(in.good());
  std::string file;
  std::vector<int64_t> expected;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    std::string w_hex, text;
    int64_t via_text = 0;
    ASSERT_TRUE(ss >> w_hex >> text >> via_text);
    file += (file.empty() ? "" : ", ") + text;
    expected.push_back(via_text);
  }
  std::vector<double> values;
  std::string error;
  ASSERT_TRUE(parse_weight_values(file, &values, &error)) << error;
  ASSERT_EQ(values.size(), expected.size());
  const fixed::Spec t{16, 6};
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(fixed::from_double(values[i], t), expected[i]) << "value " << i;
  }
}

}  // namespace
}  // namespace l1t::nn
