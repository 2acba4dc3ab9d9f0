#include "common/nn/training/quantise.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/fixed/cast.h"

namespace l1t::nn {
namespace {

const fixed::Spec kSpec{16, 6};  // ap_fixed<16,6>: lsb 2^-10, range [-32, 32 - 2^-10]

std::vector<std::string> data_lines(const std::string& file) {
  std::ifstream in(std::string(L1T_GOLDEN_DIR) + "/hls4ml/" + file);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

// What hls4ml's weight files do to a float, checked against the real headers' output.
TEST(QuantiseTest, ParameterConversionMatchesHls4mlWeightText) {
  const auto lines = data_lines("weight_text_roundtrip.txt");
  ASSERT_EQ(lines.size(), 2000u);
  for (const std::string& line : lines) {
    std::istringstream s(line);
    std::string hex, text;
    int64_t raw_text, raw_direct;
    s >> hex >> text >> raw_text >> raw_direct;
    const float w = static_cast<float>(std::strtod(hex.c_str(), nullptr));
    EXPECT_EQ(quantise_parameter(w, kSpec, true), raw_text) << line;
    EXPECT_EQ(quantise_parameter(w, kSpec, false), raw_direct) << line;
  }
}

TEST(QuantiseTest, TextPathDiffersForTinyNegatives) {
  // "-0.0000000000" reads back as 0; the float itself truncates down to -1 lsb.
  EXPECT_EQ(quantise_parameter(-1e-12f, kSpec, true), 0);
  EXPECT_EQ(quantise_parameter(-1e-12f, kSpec, false), -1);
  EXPECT_EQ(quantise_parameter(-1e-9f, kSpec, true), -1);
  EXPECT_EQ(quantise_parameter(0.5f, kSpec, true), 512);
  EXPECT_EQ(quantise_parameter(-0.5f, kSpec, true), -512);
}

// hls4ml's path spelled out: print '{:.10f}', read the text back, convert.
int64_t via_text(float w, const fixed::Spec& spec) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.10f", static_cast<double>(w));
  return fixed::from_double(std::strtod(text, nullptr), spec);
}

// quantise_parameter prints only near quantisation steps; it must agree with printing always,
// including floats a few ulps either side of every kind of step, for several precisions.
TEST(QuantiseTest, FastTextPathEqualsPrintingEverything) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<float> u(-40.0f, 40.0f);
  std::uniform_int_distribution<int> ulps(-3, 3);
  std::uniform_int_distribution<int> step(-40000, 40000);
  fixed::Spec rnd{16, 6};
  rnd.quant = fixed::Quant::kRndConv;
  fixed::Spec fine{24, 2};
  fixed::Spec sat{16, 6};
  sat.overflow = fixed::Overflow::kSat;
  const fixed::Spec specs[] = {kSpec, rnd, fine, sat, fixed::Spec{8, 3}};
  int mismatches = 0, differs_from_direct = 0;
  for (const fixed::Spec& spec : specs) {
    for (int k = 0; k < 20000; ++k) {
      float w;
      switch (k % 3) {
        case 0:
          w = u(rng);
          break;
        case 1: {  // next to a step of this spec (and of its half-steps, for rounding modes)
          const float at = static_cast<float>(step(rng) * spec.lsb() / 2);
          w = at;
          for (int i = ulps(rng); i != 0; i += i > 0 ? -1 : 1)
            w = std::nextafter(w, i > 0 ? 1e9f : -1e9f);
          break;
        }
        default:  // tiny magnitudes, where the text loses everything
          w = std::ldexp(u(rng), -static_cast<int>(rng() % 40));
      }
      mismatches += quantise_parameter(w, spec, true) != via_text(w, spec);
      differs_from_direct += quantise_parameter(w, spec, false) != via_text(w, spec);
    }
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(differs_from_direct, 0);  // the cases exist, so the slow path was exercised
}

FloatMlp random_model(uint64_t seed, float scale = 1.0f) {
  FloatMlp m({5, 25, 30, 1}, seed);
  std::mt19937_64 rng(seed + 1);
  std::uniform_real_distribution<float> u(-scale, scale);
  for (auto& layer : m.layers()) {
    layer.w *= scale;
    for (Eigen::Index j = 0; j < layer.b.size(); ++j) layer.b(j) = u(rng);
  }
  return m;
}

TEST(QuantiseTest, BuildsTheDeployedLayout) {
  const FloatMlp m = random_model(1);
  QuantisationConfig c;
  c.input = fixed::Spec{14, 5};
  const FixedModel q = quantise(m, c);
  EXPECT_EQ(q.input, (fixed::Spec{14, 5}));
  EXPECT_EQ(q.sigmoid_table, (fixed::Spec{18, 8}));
  EXPECT_EQ(q.sigmoid_table_size, 1024);
  ASSERT_EQ(q.layers.size(), 3u);
  const int sizes[4] = {5, 25, 30, 1};
  for (int l = 0; l < 3; ++l) {
    const FixedDense& d = q.layers[l];
    EXPECT_EQ(d.n_in, sizes[l]);
    EXPECT_EQ(d.n_out, sizes[l + 1]);
    EXPECT_EQ(d.weights.size(), static_cast<size_t>(sizes[l] * sizes[l + 1]));
    EXPECT_EQ(d.biases.size(), static_cast<size_t>(sizes[l + 1]));
    EXPECT_EQ(d.weight, kSpec);
    EXPECT_EQ(d.accum, kSpec);
    EXPECT_EQ(d.result, kSpec);
    EXPECT_EQ(d.activation_result, kSpec);
    EXPECT_EQ(d.activation, l == 2 ? Activation::kSigmoid : Activation::kRelu);
  }
  // Keras kernel order: raw index i * n_out + j.
  EXPECT_EQ(q.layers[0].weights[1 * 25 + 3], fixed::from_double(m.layer(0).w(1, 3), kSpec));
}

TEST(QuantiseTest, TruncatesWithinOneLsbAndRoundsWithinHalf) {
  const FloatMlp m = random_model(2);
  const double lsb = kSpec.lsb();
  const FloatMlp trn = dequantise(quantise(m));
  QuantisationConfig rnd;
  rnd.layer.weight.quant = fixed::Quant::kRndConv;
  rnd.layer.bias.quant = fixed::Quant::kRndConv;
  const FloatMlp rounded = dequantise(quantise(m, rnd));
  for (int l = 0; l < m.num_layers(); ++l) {
    const Eigen::ArrayXXf d = (m.layer(l).w - trn.layer(l).w).array();
    EXPECT_GE(d.minCoeff(), 0.0f);  // AP_TRN is floor
    EXPECT_LT(d.maxCoeff(), lsb);
    const Eigen::ArrayXXf e = (m.layer(l).b - trn.layer(l).b).array();
    EXPECT_GE(e.minCoeff(), 0.0f);
    EXPECT_LT(e.maxCoeff(), lsb);
    EXPECT_LE((m.layer(l).w - rounded.layer(l).w).cwiseAbs().maxCoeff(), 0.5 * lsb);
  }
}

TEST(QuantiseTest, DequantiseRoundTripsExactly) {
  const FixedModel q = quantise(random_model(3));
  const FloatMlp back = dequantise(q);
  EXPECT_EQ(back.sizes(), (std::vector<int>{5, 25, 30, 1}));
  const FixedModel again = quantise(back);
  for (size_t l = 0; l < q.layers.size(); ++l) {
    EXPECT_EQ(again.layers[l].weights, q.layers[l].weights);
    EXPECT_EQ(again.layers[l].biases, q.layers[l].biases);
  }
  EXPECT_EQ(back.layer(0).w(2, 7),
            static_cast<float>(q.layers[0].weights[2 * 25 + 7] * std::ldexp(1.0, -10)));
}

TEST(QuantiseTest, SaturatesAtTheRangeEdgeInsteadOfWrapping) {
  FloatMlp m = random_model(4);
  m.layer(1).w(0, 0) = 40.0f;
  m.layer(1).w(3, 2) = -40.0f;
  m.layer(2).b(0) = 31.9995f;  // above the largest value but floors onto it: not an overflow
  m.layer(0).b(4) = -32.0f;    // exactly the smallest value
  EXPECT_EQ(count_saturated(m), 2u);
  const FixedModel q = quantise(m);
  EXPECT_EQ(q.layers[1].weights[0 * 30 + 0], kSpec.max_raw());
  EXPECT_EQ(q.layers[1].weights[3 * 30 + 2], kSpec.min_raw());
  EXPECT_EQ(q.layers[2].biases[0], kSpec.max_raw());
  EXPECT_EQ(q.layers[0].biases[4], kSpec.min_raw());
  EXPECT_EQ(q.layers[1].weight.overflow, fixed::Overflow::kWrap);  // the type itself is unchanged

  QuantisationConfig wrap;
  wrap.saturate_parameters = false;
  const FixedModel w = quantise(m, wrap);
  EXPECT_EQ(w.layers[1].weights[0], fixed::from_double(40.0, kSpec));  // 40 wraps to -24
  EXPECT_EQ(w.layers[1].weights[0], -24 * 1024);
}

TEST(QuantiseTest, PerLayerPrecisionOverridesDefault) {
  QuantisationConfig c;
  c.per_layer.resize(2);  // layers 0 and 1; layer 2 keeps c.layer
  c.per_layer[0].weight = fixed::Spec{8, 3};
  c.per_layer[1].accum = fixed::Spec{36, 16};
  const FloatMlp m = random_model(5);
  const FixedModel q = quantise(m, c);
  EXPECT_EQ(q.layers[0].weight, (fixed::Spec{8, 3}));
  EXPECT_EQ(q.layers[0].weights[0], fixed::from_double(m.layer(0).w(0, 0), fixed::Spec{8, 3}));
  EXPECT_EQ(q.layers[1].accum, (fixed::Spec{36, 16}));
  EXPECT_EQ(q.layers[2].weight, kSpec);
  // 4 integer bits hold [-4, 4): large kernels now saturate.
  FloatMlp big = m;
  big.layer(0).w(0, 0) = 5.0f;
  EXPECT_EQ(count_saturated(big, c), 1u);
}

// The golden network's raw weights survive dequantise -> quantise, and the float model computes
// nearly what the hls4ml fixed-point network computes.
TEST(QuantiseTest, GoldenMlpRoundTripsAndAgreesWithFixedPoint) {
  const auto weights = data_lines("mlp_weights.txt");
  const auto cases = data_lines("mlp_cases.txt");
  ASSERT_FALSE(weights.empty());
  std::istringstream s(weights[0]);
  int set;
  s >> set;
  FixedModel golden;
  golden.input = kSpec;
  const int sizes[4] = {5, 25, 30, 1};
  for (int l = 0; l < 3; ++l) {
    FixedDense d;
    d.n_in = sizes[l];
    d.n_out = sizes[l + 1];
    d.activation = l == 2 ? Activation::kSigmoid : Activation::kRelu;
    std::string bar;  // columns: w1 | b1 | w2 | b2 | w3 | b3
    if (l > 0) s >> bar;
    d.weights.resize(d.n_in * d.n_out);
    for (auto& v : d.weights) s >> v;
    s >> bar;
    d.biases.resize(d.n_out);
    for (auto& v : d.biases) s >> v;
    golden.layers.push_back(d);
  }
  ASSERT_TRUE(s) << "mlp_weights.txt format";
  const FloatMlp f = dequantise(golden);
  const FixedModel back = quantise(f);
  for (int l = 0; l < 3; ++l) EXPECT_EQ(back.layers[l].weights, golden.layers[l].weights);

  double max_diff = 0, sum_diff = 0;
  int n = 0;
  for (const std::string& line : cases) {
    std::istringstream c(line);
    int cs, idx;
    c >> cs >> idx;
    if (cs != set) continue;
    float x[5];
    for (float& v : x) {
      int64_t raw;
      c >> raw;
      v = static_cast<float>(fixed::to_double(raw, kSpec));
    }
    std::vector<std::string> rest;
    std::string tok;
    while (c >> tok) rest.push_back(tok);
    const double fixed_out = fixed::to_double(std::stoll(rest.back()), kSpec);
    float p;
    f.predict_proba(x, 1, &p);
    max_diff = std::max(max_diff, std::fabs(p - fixed_out));
    sum_diff += std::fabs(p - fixed_out);
    ++n;
  }
  ASSERT_EQ(n, 200);
  // Truncating every product and sum to 2^-10 and the 1024-entry sigmoid table cost a few 1e-3
  // (measured: mean 0.002, max 0.0075).
  EXPECT_LT(sum_diff / n, 0.005);
  EXPECT_LT(max_diff, 0.03);
}

}  // namespace
}  // namespace l1t::nn
