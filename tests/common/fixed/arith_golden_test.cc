// arith_fixed16_6.txt and accum_chain_fixed16_6.txt: exact a*b, a+b, a-b, mixed-type results
// and their assignment back to ap_fixed<16,6>, and chains of multiply-accumulates.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/fixed/arith.h"
#include "common/fixed/cast.h"
#include "common/fixed/spec.h"
#include "tests/support/golden_rows.h"

namespace l1t::fixed {
namespace {

using testing::read_golden_rows;

Spec parse(const char* text) {
  Spec s;
  std::string error;
  EXPECT_TRUE(parse_spec(text, &s, &error)) << error;
  return s;
}

TEST(ArithGolden, ResultTypes) {
  const Spec a{16, 6};
  const Spec c{8, 3};
  EXPECT_EQ(mult_spec(a, a), (Spec{32, 12}));
  EXPECT_EQ(plus_spec(a, a), (Spec{17, 7}));
  EXPECT_EQ(minus_spec(a, a), (Spec{17, 7}));
  EXPECT_EQ(mult_spec(a, c), (Spec{24, 9}));
  EXPECT_EQ(plus_spec(a, c), (Spec{17, 7}));
  // Mixing signed and unsigned costs one more integer bit than the wider operand would.
  const Spec u{16, 6, false};
  EXPECT_EQ(plus_spec(a, u), (Spec{18, 8}));
  EXPECT_EQ(plus_spec(u, u), (Spec{17, 7, false}));
  EXPECT_EQ(minus_spec(u, u), (Spec{17, 7, true}));
  EXPECT_EQ(mult_spec(u, a), (Spec{32, 12, true}));
}

TEST(ArithGolden, PairsAndAssignments) {
  std::vector<std::vector<int64_t>> rows;
  ASSERT_NO_FATAL_FAILURE(read_golden_rows("arith_fixed16_6.txt", &rows));
  const Spec a_t{16, 6};
  const Spec c_t{8, 3};
  const Spec back[] = {parse("ap_fixed<16,6>"), parse("ap_fixed<16,6,AP_RND,AP_SAT>"),
                       parse("ap_fixed<16,6,AP_RND_CONV,AP_SAT>"),
                       parse("ap_fixed<16,6,AP_TRN,AP_SAT>")};
  const Spec mul_t = mult_spec(a_t, a_t);
  const Spec add_t = plus_spec(a_t, a_t);
  int failures = 0;
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 16u);
    const int64_t a = r[0], b = r[1], c = r[2];
    const __int128 mul = mult_raw(a, b);
    const __int128 add = plus_raw(a, a_t, b, a_t);
    const __int128 sub = minus_raw(a, a_t, b, a_t);
    const __int128 mulc = mult_raw(a, c);
    const __int128 addc = plus_raw(a, a_t, c, c_t);
    failures += mul != r[3];
    failures += add != r[4];
    failures += sub != r[5];
    failures += mulc != r[6];
    failures += addc != r[7];
    for (int k = 0; k < 4; ++k) {
      const int64_t got_mul = cast_raw(mul, mul_t.frac(), back[k]);
      const int64_t got_add = cast_raw(add, add_t.frac(), back[k]);
      if (got_mul != r[8 + 2 * k] || got_add != r[9 + 2 * k]) {
        if (++failures < 20) {
          ADD_FAILURE() << "a=" << a << " b=" << b << " " << back[k].str() << ": mul " << got_mul
                        << " want " << r[8 + 2 * k] << ", add " << got_add << " want "
                        << r[9 + 2 * k];
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(rows.size(), 5000u);
}

TEST(ArithGolden, AccumulateChains) {
  std::vector<std::vector<int64_t>> rows;
  ASSERT_NO_FATAL_FAILURE(read_golden_rows("accum_chain_fixed16_6.txt", &rows));
  const Spec t{16, 6};
  int failures = 0;
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 40u);
    int64_t acc = 0;
    for (int k = 0; k < 10; ++k) {
      const int64_t m = cast_raw(mult_raw(r[k], r[10 + k]), 2 * t.frac(), t);
      acc = cast_raw(plus_raw(acc, t, m, t), t.frac(), t);
      if (m != r[20 + k] || acc != r[30 + k]) {
        if (++failures < 20) {
          ADD_FAILURE() << "step " << k << ": m " << m << " want " << r[20 + k] << ", acc " << acc
                        << " want " << r[30 + k];
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(rows.size(), 1000u);
}

}  // namespace
}  // namespace l1t::fixed
