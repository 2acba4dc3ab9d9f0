#include "common/fixed/spec.h"

#include <gtest/gtest.h>

#include <string>

namespace l1t::fixed {
namespace {

Spec must_parse(const std::string& text) {
  Spec s;
  std::string error;
  EXPECT_TRUE(parse_spec(text, &s, &error)) << text << ": " << error;
  return s;
}

std::string parse_error(const std::string& text) {
  Spec s{3, 1};
  const Spec before = s;
  std::string error;
  EXPECT_FALSE(parse_spec(text, &s, &error)) << text;
  EXPECT_EQ(s, before) << "output touched on error";
  return error;
}

TEST(Spec, ParsesHls4mlSpellings) {
  EXPECT_EQ(must_parse("ap_fixed<16,6>"), (Spec{16, 6}));
  const Spec s = must_parse("ap_fixed<8,3,AP_RND_CONV,AP_SAT>");
  EXPECT_EQ(s.width, 8);
  EXPECT_EQ(s.integer, 3);
  EXPECT_TRUE(s.is_signed);
  EXPECT_EQ(s.quant, Quant::kRndConv);
  EXPECT_EQ(s.overflow, Overflow::kSat);
  EXPECT_EQ(s.sat_bits, 0);
  EXPECT_EQ(must_parse("ap_ufixed<10,4>"), (Spec{10, 4, false}));
  const Spec n = must_parse("ap_fixed<16,6,AP_TRN,AP_WRAP,2>");
  EXPECT_EQ(n.sat_bits, 2);
  EXPECT_EQ(n.overflow, Overflow::kWrap);
  EXPECT_EQ(must_parse("  ap_fixed < 16 , 6 , AP_RND , AP_SAT_SYM >  ").overflow,
            Overflow::kSatSym);
  EXPECT_EQ(must_parse("ap_fixed<12,-3>").integer, -3);
  EXPECT_EQ(must_parse("ap_fixed<12,+20>").integer, 20);
  EXPECT_EQ(must_parse("ap_int<8>"), (Spec{8, 8}));
  EXPECT_EQ(must_parse("ap_uint<1>"), (Spec{1, 1, false}));
  EXPECT_EQ(must_parse("ap_fixed<64,32>").width, 64);
  EXPECT_EQ(must_parse("ap_fixed<16,6,AP_RND_MIN_INF>").quant, Quant::kRndMinInf);
}

TEST(Spec, EveryModeRoundTrips) {
  for (int q = 0; q < 7; ++q) {
    for (int o = 0; o < 5; ++o) {
      for (bool is_signed : {true, false}) {
        for (int n : {0, 1, 3}) {
          Spec s{12, -2, is_signed, static_cast<Quant>(q), static_cast<Overflow>(o), n};
          std::string error;
          if (!check_spec(s, &error)) continue;  // unsigned AP_WRAP_SM
          Spec back;
          ASSERT_TRUE(parse_spec(s.str(), &back, &error)) << s.str() << ": " << error;
          EXPECT_EQ(back, s) << s.str();
        }
      }
    }
  }
}

TEST(Spec, StrOmitsDefaults) {
  EXPECT_EQ((Spec{16, 6}).str(), "ap_fixed<16,6>");
  EXPECT_EQ((Spec{10, 4, false}).str(), "ap_ufixed<10,4>");
  EXPECT_EQ((Spec{8, 3, true, Quant::kRnd}).str(), "ap_fixed<8,3,AP_RND>");
  EXPECT_EQ((Spec{8, 3, true, Quant::kTrn, Overflow::kSat}).str(), "ap_fixed<8,3,AP_TRN,AP_SAT>");
  EXPECT_EQ((Spec{16, 6, true, Quant::kTrn, Overflow::kWrap, 2}).str(),
            "ap_fixed<16,6,AP_TRN,AP_WRAP,2>");
}

TEST(Spec, ErrorsSayWhatIsWrong) {
  EXPECT_NE(parse_error("ap_fixd<16,6>").find("unknown type name 'ap_fixd'"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<16,6").find("missing '>'"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed 16,6>").find("missing '<'"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<0,6>").find("width 0 is out of range 1..64"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<65,6>").find("width 65"), std::string::npos);
  EXPECT_NE(parse_error("ap_ufixed<64,6>").find("1..63"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<16,6,AP_ROUND>").find("unknown quantisation mode 'AP_ROUND'"),
            std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<16,6,AP_RND,AP_CLAMP>").find("unknown overflow mode"),
            std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<x,6>").find("width 'x' is not an integer"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<16,6.5>").find("integer bits"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<16>").find("expected <W,I"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<16,6,AP_TRN,AP_WRAP,2,9>").find("too many"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<16,6,AP_TRN,AP_WRAP,17>").find("saturation bits 17"),
            std::string::npos);
  EXPECT_NE(parse_error("ap_ufixed<16,6,AP_TRN,AP_WRAP_SM>").find("AP_WRAP_SM"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<16,,AP_TRN>").find("empty"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<16,6>>").find("unexpected"), std::string::npos);
  EXPECT_NE(parse_error("").find("missing '<'"), std::string::npos);
  EXPECT_NE(parse_error("ap_fixed<16,5000>").find("integer bits 5000"), std::string::npos);
  EXPECT_NE(parse_error("ap_int<8,3>").find("expected <W>"), std::string::npos);
  // The message quotes the caller's text.
  EXPECT_NE(parse_error("ap_fixed<0 , 6>").find("'ap_fixed<0 , 6>'"), std::string::npos);
}

TEST(Spec, RangeAndLsb) {
  const Spec s{16, 6};
  EXPECT_EQ(s.frac(), 10);
  EXPECT_EQ(s.max_raw(), 32767);
  EXPECT_EQ(s.min_raw(), -32768);
  EXPECT_EQ(s.lsb(), 1.0 / 1024);
  const Spec u{10, 4, false};
  EXPECT_EQ(u.max_raw(), 1023);
  EXPECT_EQ(u.min_raw(), 0);
  EXPECT_EQ((Spec{64, 0}).max_raw(), INT64_MAX);
  EXPECT_EQ((Spec{64, 0}).min_raw(), INT64_MIN);
  EXPECT_EQ((Spec{63, 0, false}).max_raw(), INT64_MAX);
  EXPECT_EQ((Spec{1, 1}).max_raw(), 0);
  EXPECT_EQ((Spec{1, 1}).min_raw(), -1);
  EXPECT_EQ((Spec{8, 12}).lsb(), 16.0);
}

}  // namespace
}  // namespace l1t::fixed
