// hls4ml's dense (latency), sigmoid table and sigmoid lookup against the golden files.
#include "common/nn/inference/fixed_layers.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/fixed/spec.h"
#include "tests/support/golden_rows.h"

namespace l1t::nn {
namespace {

using fixed::Spec;

using testing::read_golden_rows;

TEST(AutoAccum, MatchesHls4mlInference) {
  const Spec f16{16, 6};
  // The golden dense5x25 case: 5 inputs, all ap_fixed<16,6>.
  EXPECT_EQ(auto_accum_spec(f16, f16, f16, 5), (Spec{36, 16}));
  // ceil(log2(n)): exact powers of two add no extra bit.
  EXPECT_EQ(auto_accum_spec(f16, f16, f16, 4), (Spec{35, 15}));
  EXPECT_EQ(auto_accum_spec(f16, f16, f16, 1), (Spec{33, 13}));
  EXPECT_EQ(auto_accum_spec(f16, f16, f16, 25), (Spec{38, 18}));
  // 8-bit weights ap_fixed<8,3>: W = 16+8+5 = 29, I = 6+3+5 = 14 -> bias: I = max(14, 6)+1.
  EXPECT_EQ(auto_accum_spec(f16, Spec{8, 3}, f16, 30), (Spec{30, 15}));
  // A bias finer than the products widens the fraction.
  EXPECT_EQ(auto_accum_spec(Spec{8, 4}, Spec{8, 4}, Spec{24, 2}, 2), (Spec{32, 10}));
  // Unsigned inputs and weights with a signed bias.
  // W = 8+8+2, I = 4+2+2, unsigned; bias: I = max(8 + 1, 3) + 1, W = 10 + max(10, 5).
  EXPECT_EQ(auto_accum_spec(Spec{8, 4, false}, Spec{8, 2, false}, Spec{8, 3}, 3),
            (Spec{20, 10, true}));
}

struct DenseSet {
  std::vector<int64_t> w, b;
};

TEST(DenseGolden, Dense5x25BothAccumulators) {
  std::vector<std::vector<int64_t>> wrows, cases;
  ASSERT_NO_FATAL_FAILURE(read_golden_rows("dense5x25_weights.txt", &wrows));
  ASSERT_NO_FATAL_FAILURE(read_golden_rows("dense5x25_cases.txt", &cases));
  std::map<int64_t, DenseSet> sets;
  for (const auto& r : wrows) {
    ASSERT_EQ(r.size(), 1u + 125 + 25);
    sets[r[0]] = {{r.begin() + 1, r.begin() + 126}, {r.begin() + 126, r.end()}};
  }
  ASSERT_EQ(sets.size(), 20u);
  FixedDense d;
  d.n_in = 5;
  d.n_out = 25;
  d.weight = d.bias = d.result = Spec{16, 6};
  const Spec accums[] = {Spec{16, 6}, auto_accum_spec(Spec{16, 6}, d.weight, d.bias, 5)};
  int failures = 0;
  for (const auto& c : cases) {
    ASSERT_EQ(c.size(), 2u + 5 + 25 + 25);
    ASSERT_TRUE(sets.count(c[0]));
    d.weights = sets[c[0]].w;
    d.biases = sets[c[0]].b;
    for (int a = 0; a < 2; ++a) {
      d.accum = accums[a];
      int64_t y[25];
      dense_latency(d, Spec{16, 6}, c.data() + 2, y);
      for (int j = 0; j < 25; ++j) {
        if (y[j] != c[7 + 25 * a + j] && ++failures < 20) {
          ADD_FAILURE() << "set " << c[0] << " case " << c[1] << " accum " << d.accum.str()
                        << " out " << j << ": got " << y[j] << " want " << c[7 + 25 * a + j];
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(cases.size(), 1000u);
}

TEST(SigmoidGolden, Table1024Fixed18_8) {
  std::vector<std::vector<int64_t>> rows;
  ASSERT_NO_FATAL_FAILURE(read_golden_rows("sigmoid_table_1024_fixed18_8.txt", &rows));
  ASSERT_EQ(rows.size(), 1024u);
  const std::vector<int64_t> table = sigmoid_table(Spec{18, 8}, 1024);
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i][0], static_cast<int64_t>(i));
    EXPECT_EQ(table[i], rows[i][1]) << "entry " << i;
  }
}

TEST(SigmoidGolden, AllFixed16_6Inputs) {
  std::vector<std::vector<int64_t>> rows;
  ASSERT_NO_FATAL_FAILURE(read_golden_rows("sigmoid_all_inputs_fixed16_6.txt", &rows));
  ASSERT_EQ(rows.size(), 65536u);
  const Spec t{18, 8};
  const Spec x_t{16, 6};
  const std::vector<int64_t> table = sigmoid_table(t, 1024);
  int failures = 0;
  for (const auto& r : rows) {
    const int index = sigmoid_index(r[0], x_t, 1024);
    const int64_t out = sigmoid(r[0], x_t, table, t, x_t);
    if ((index != r[1] || out != r[2]) && ++failures < 20) {
      ADD_FAILURE() << "x " << r[0] << ": index " << index << " want " << r[1] << ", out " << out
                    << " want " << r[2];
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(Sigmoid, IndexGeneralisesToOtherTableSizesAndPrecisions) {
  // x = 1.0 in ap_fixed<16,6>: 1.0 * N / 16 + N/2.
  EXPECT_EQ(sigmoid_index(1024, Spec{16, 6}, 1024), 512 + 64);
  EXPECT_EQ(sigmoid_index(1024, Spec{16, 6}, 256), 128 + 16);
  EXPECT_EQ(sigmoid_index(1024, Spec{16, 6}, 100), 50 + 6);      // trunc(6.25)
  EXPECT_EQ(sigmoid_index(-1024, Spec{16, 6}, 100), 50 - 6);     // toward zero
  EXPECT_EQ(sigmoid_index(-1024, Spec{16, 6}, 1001), 500 - 62);  // 8*1001/16 = 500
  // Saturates at both ends; a huge integer part wraps like C's int before the clamp.
  EXPECT_EQ(sigmoid_index(32767, Spec{16, 6}, 1024), 1023);
  EXPECT_EQ(sigmoid_index(-32768, Spec{16, 6}, 1024), 0);
  EXPECT_EQ(sigmoid_index(1, Spec{8, 10}, 1024), 512 + 4 * 64);  // x = 4: F < 0
  EXPECT_EQ(sigmoid_index(-1, Spec{8, 10}, 1024), 512 - 4 * 64);
  EXPECT_EQ(sigmoid_index(3, Spec{8, 10}, 1024), 1023);
  EXPECT_EQ(sigmoid_index(1, Spec{40, 40}, 1024), 512 + 64);
  EXPECT_EQ(sigmoid_index(int64_t{1} << 26, Spec{40, 40}, 1024), 512);  // 2^32: int wraps to 0
  // Table generalises: N points over [-8, 8).
  const std::vector<int64_t> t = sigmoid_table(Spec{18, 8}, 16);
  ASSERT_EQ(t.size(), 16u);
  EXPECT_EQ(t[8], 512);  // sigmoid(0) = 0.5
  EXPECT_EQ(t[0], 0);    // sigmoid(-8) = 0.000335 < 1/1024
}

TEST(Activations, ReluAndLinearCastToTheirResult) {
  const Spec in{16, 6};
  EXPECT_EQ(relu(-5, in, in), 0);
  EXPECT_EQ(relu(0, in, in), 0);
  EXPECT_EQ(relu(700, in, in), 700);
  EXPECT_EQ(relu(700, in, Spec{8, 3}), 700 >> 5);
  EXPECT_EQ(relu(32767, in, Spec{8, 3, true, fixed::Quant::kTrn, fixed::Overflow::kSat}), 127);
  EXPECT_EQ(relu(32767, in, Spec{8, 3}), -1);    // wraps, as hls4ml's default would
  EXPECT_EQ(linear(-700, in, Spec{8, 3}), -22);  // floor(-21.875)
}

}  // namespace
}  // namespace l1t::nn
