// Edge cases of the conversions that the golden files do not reach: 64-bit widths, integer bits
// outside [0, W], shifts beyond 128 bits, doubles at the ends of their range, NaN and inf.
#include "common/fixed/cast.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/fixed/spec.h"

namespace l1t::fixed {
namespace {

Spec spec(const char* text) {
  Spec s;
  std::string error;
  EXPECT_TRUE(parse_spec(text, &s, &error)) << error;
  return s;
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(Cast, NanIsZeroInEveryMode) {
  for (int q = 0; q < 7; ++q) {
    for (int o = 0; o < 5; ++o) {
      const Spec s{16, 6, true, static_cast<Quant>(q), static_cast<Overflow>(o)};
      EXPECT_EQ(from_double(kNaN, s), 0) << s.str();
      EXPECT_EQ(from_double(-kNaN, s), 0) << s.str();
    }
  }
}

TEST(Cast, InfinityIsAHugeValue) {
  // As the header reads it: +-2^1024. Saturating modes clamp, wrapping keeps zeros.
  EXPECT_EQ(from_double(kInf, spec("ap_fixed<16,6,AP_TRN,AP_SAT>")), 32767);
  EXPECT_EQ(from_double(-kInf, spec("ap_fixed<16,6,AP_TRN,AP_SAT>")), -32768);
  EXPECT_EQ(from_double(-kInf, spec("ap_fixed<16,6,AP_TRN,AP_SAT_SYM>")), -32767);
  EXPECT_EQ(from_double(kInf, spec("ap_fixed<16,6>")), 0);
  EXPECT_EQ(from_double(kInf, spec("ap_fixed<16,6,AP_RND,AP_SAT_ZERO>")), 0);
  EXPECT_EQ(from_double(kInf, spec("ap_ufixed<16,6,AP_TRN,AP_SAT>")), 65535);
  EXPECT_EQ(from_double(-kInf, spec("ap_ufixed<16,6,AP_TRN,AP_SAT>")), 0);
  EXPECT_EQ(from_double(kInf, spec("ap_fixed<64,64,AP_TRN,AP_SAT>")), INT64_MAX);
}

TEST(Cast, SignedZeroAndTinyValues) {
  EXPECT_EQ(from_double(-0.0, spec("ap_fixed<16,6,AP_TRN_ZERO,AP_SAT>")), 0);
  const double tiny = std::numeric_limits<double>::denorm_min();
  EXPECT_EQ(from_double(tiny, spec("ap_fixed<16,6>")), 0);
  EXPECT_EQ(from_double(-tiny, spec("ap_fixed<16,6>")), -1);  // floor
  EXPECT_EQ(from_double(-tiny, spec("ap_fixed<16,6,AP_TRN_ZERO>")), 0);
  EXPECT_EQ(from_double(-tiny, spec("ap_fixed<16,6,AP_RND>")), 0);
  EXPECT_EQ(from_double(-1e-300, spec("ap_fixed<16,6,AP_RND_MIN_INF>")), 0);
  EXPECT_EQ(from_double(-tiny, spec("ap_ufixed<16,6,AP_TRN,AP_SAT>")), 0);
  EXPECT_EQ(from_double(-tiny, spec("ap_ufixed<16,6>")), 65535);
  // Denormals are decomposed exactly: with 1074 fraction bits the smallest one is raw 1.
  // (The Xilinx header gives denormals an implicit leading 1, so it would differ here.)
  EXPECT_EQ(from_double(tiny, spec("ap_fixed<64,-1010>")), 1);
  EXPECT_EQ(from_double(-3 * tiny, spec("ap_fixed<64,-1010>")), -3);
  EXPECT_EQ(from_double(std::ldexp(1.0, -1022), spec("ap_fixed<64,-1010>")), int64_t{1} << 52);
}

TEST(Cast, HugeDoubles) {
  EXPECT_EQ(from_double(1e300, spec("ap_fixed<16,6>")), 0);  // every kept bit is zero
  EXPECT_EQ(from_double(1e300, spec("ap_fixed<16,6,AP_RND,AP_SAT>")), 32767);
  EXPECT_EQ(from_double(-1e300, spec("ap_fixed<16,6,AP_RND,AP_SAT>")), -32768);
  EXPECT_EQ(from_double(-1e300, spec("ap_fixed<16,6,AP_RND,AP_WRAP_SM>")), 0);
  EXPECT_EQ(
      from_double(std::numeric_limits<double>::max(), spec("ap_fixed<64,1024,AP_TRN,AP_SAT>")),
      INT64_MAX);
  // 2^1023 in ap_fixed<64,1024>: LSB is 2^960, so the raw is 2^63: overflow.
  EXPECT_EQ(from_double(std::ldexp(1.0, 1022), spec("ap_fixed<64,1024>")), int64_t{1} << 62);
  EXPECT_EQ(from_double(std::ldexp(1.0, 1023), spec("ap_fixed<64,1024>")), INT64_MIN);
}

TEST(Cast, SixtyFourBitWidths) {
  const Spec s64 = spec("ap_fixed<64,64>");
  EXPECT_EQ(from_double(std::ldexp(1.0, 62), s64), int64_t{1} << 62);
  EXPECT_EQ(from_double(-std::ldexp(1.0, 63), s64), INT64_MIN);
  EXPECT_EQ(from_double(std::ldexp(1.0, 63), s64), INT64_MIN);  // wraps
  EXPECT_EQ(from_double(std::ldexp(1.0, 63), spec("ap_fixed<64,64,AP_TRN,AP_SAT>")), INT64_MAX);
  EXPECT_EQ(from_double(std::ldexp(1.0, 63), spec("ap_fixed<64,64,AP_TRN,AP_SAT_ZERO>")), 0);
  EXPECT_EQ(from_double(-std::ldexp(1.0, 63), spec("ap_fixed<64,64,AP_TRN,AP_SAT_SYM>")),
            -INT64_MAX);
  const __int128 big = static_cast<__int128>(1) << 100;
  EXPECT_EQ(cast_raw(big + 5, 0, s64), 5);
  EXPECT_EQ(cast_raw(-big - 5, 0, s64), -5);
  EXPECT_EQ(cast_raw(big, 40, s64), int64_t{1} << 60);
  EXPECT_EQ(cast_raw(big + (big >> 1), 37, spec("ap_fixed<64,64,AP_RND,AP_SAT>")), INT64_MAX);
  EXPECT_EQ(cast_raw(INT64_MAX, 0, spec("ap_ufixed<63,63,AP_TRN,AP_SAT>")), INT64_MAX);
  EXPECT_EQ(cast_raw(-1, 0, spec("ap_ufixed<63,63>")), INT64_MAX);
}

TEST(Cast, IntegerBitsOutsideTheWord) {
  // ap_fixed<8,-2>: LSB 2^-10, range [-2^-3, 2^-3).
  EXPECT_EQ(from_double(0.1, spec("ap_fixed<8,-2>")), 102);
  EXPECT_EQ(from_double(0.2, spec("ap_fixed<8,-2,AP_TRN,AP_SAT>")), 127);
  // ap_fixed<4,8>: LSB 16, range [-128, 112].
  EXPECT_EQ(from_double(100, spec("ap_fixed<4,8>")), 6);
  EXPECT_EQ(from_double(104, spec("ap_fixed<4,8,AP_RND_CONV>")), 6);  // 6.5 -> even
  EXPECT_EQ(from_double(120, spec("ap_fixed<4,8,AP_RND_CONV,AP_SAT>")), 7);
  EXPECT_EQ(from_double(-300, spec("ap_fixed<4,8,AP_TRN,AP_SAT>")), -8);
  EXPECT_EQ(to_double(-8, spec("ap_fixed<4,8>")), -128.0);
  EXPECT_EQ(to_double(102, spec("ap_fixed<8,-2>")), 102.0 / 1024);
}

TEST(Cast, ShiftsBeyond128Bits) {
  const Spec t = spec("ap_fixed<16,6>");
  EXPECT_EQ(cast_raw(1, -200, t), 0);
  EXPECT_EQ(cast_raw(1, -200, spec("ap_fixed<16,6,AP_TRN,AP_SAT>")), 32767);
  EXPECT_EQ(cast_raw(-1, -200, spec("ap_fixed<16,6,AP_TRN,AP_SAT>")), -32768);
  EXPECT_EQ(cast_raw(3, -120, spec("ap_fixed<16,6,AP_TRN,AP_WRAP,1>")), 0);
  EXPECT_EQ(cast_raw(-1, 300, t), -1);
  EXPECT_EQ(cast_raw(-1, 300, spec("ap_fixed<16,6,AP_RND>")), 0);
  EXPECT_EQ(cast_raw(1, 300, spec("ap_fixed<16,6,AP_RND_INF>")), 0);
  EXPECT_EQ(cast_raw(-5, 300, spec("ap_fixed<16,6,AP_TRN_ZERO>")), 0);
  const __int128 top = static_cast<__int128>(1) << 126;
  EXPECT_EQ(cast_raw(top, 0, t), 0);
  EXPECT_EQ(cast_raw(top, 0, spec("ap_fixed<16,6,AP_TRN,AP_SAT>")), 32767);
  EXPECT_EQ(cast_raw(-top, 1, spec("ap_fixed<16,6,AP_TRN,AP_SAT_SYM>")), -32767);
  // (2^126 + 1) * 2^-137 = 2^-11 + a little: just over half an LSB of 2^-10.
  EXPECT_EQ(cast_raw(top + 1, 137, spec("ap_fixed<16,6,AP_RND_ZERO>")), 1);
  EXPECT_EQ(cast_raw(top, 137, spec("ap_fixed<16,6,AP_RND_ZERO>")), 0);  // exact tie
}

TEST(Cast, RoundTripsThroughDouble) {
  for (const char* text : {"ap_fixed<16,6>", "ap_ufixed<12,-3>", "ap_fixed<10,14>"}) {
    const Spec s = spec(text);
    for (int64_t r = s.min_raw(); r <= s.max_raw(); ++r) {
      ASSERT_EQ(from_double(to_double(r, s), s), r) << text;
    }
  }
  const Spec w = spec("ap_fixed<64,10>");
  for (int64_t r : {INT64_MIN, INT64_MAX - 1023, int64_t{1} << 53, -(int64_t{1} << 53) - 2}) {
    ASSERT_EQ(from_double(to_double(r, w), w), r);
  }
}

}  // namespace
}  // namespace l1t::fixed
