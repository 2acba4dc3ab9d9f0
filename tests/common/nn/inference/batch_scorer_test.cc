// BatchScorer must equal the scalar reference (FixedPredictor) bit for bit, for every model:
// the golden network, and many random networks with random precisions, modes and inputs.
#include "common/nn/inference/batch_scorer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/nn/inference/fixed_layers.h"
#include "common/nn/inference/fixed_predict.h"
#include "tests/support/golden_rows.h"

namespace l1t::nn {
namespace {

using fixed::Overflow;
using fixed::Quant;
using fixed::Spec;

using testing::read_golden_rows;

FixedDense golden_layer(int n_in, int n_out, Activation act,
                        std::vector<int64_t>::const_iterator* it) {
  FixedDense d;
  d.n_in = n_in;
  d.n_out = n_out;
  d.weight = d.bias = d.accum = d.result = d.activation_result = Spec{16, 6};
  d.activation = act;
  d.weights.assign(*it, *it + n_in * n_out);
  *it += n_in * n_out;
  d.biases.assign(*it, *it + n_out);
  *it += n_out;
  return d;
}

TEST(BatchScorerGolden, MlpCases) {
  std::vector<std::vector<int64_t>> wrows, cases;
  ASSERT_NO_FATAL_FAILURE(read_golden_rows("mlp_weights.txt", &wrows));
  ASSERT_NO_FATAL_FAILURE(read_golden_rows("mlp_cases.txt", &cases));
  std::map<int64_t, FixedModel> models;
  for (const auto& r : wrows) {
    auto it = r.cbegin() + 1;
    FixedModel m;
    m.layers.push_back(golden_layer(5, 25, Activation::kRelu, &it));
    m.layers.push_back(golden_layer(25, 30, Activation::kRelu, &it));
    m.layers.push_back(golden_layer(30, 1, Activation::kSigmoid, &it));
    models[r[0]] = m;
  }
  for (const auto& [set, m] : models) {
    std::vector<int64_t> x, want;
    for (const auto& c : cases) {
      if (c[0] != set) continue;
      x.insert(x.end(), c.begin() + 2, c.begin() + 7);
      want.push_back(c.back());
    }
    ASSERT_FALSE(want.empty());
    const BatchScorer scorer(m);
    EXPECT_TRUE(scorer.vectorised());
    EXPECT_EQ(scorer.describe(), "L0:mod32 L1:mod32 L2:mod32");
    std::vector<int64_t> got(want.size());
    scorer.score(x.data(), want.size(), got.data());
    EXPECT_EQ(got, want) << "set " << set;
  }
}

// ---- random models ----------------------------------------------------------------------

struct Rng {
  std::mt19937_64 gen;
  int uniform(int lo, int hi) { return lo + static_cast<int>(gen() % (hi - lo + 1)); }
  bool chance(int percent) { return static_cast<int>(gen() % 100) < percent; }
  int64_t raw_in(const Spec& s) {
    const auto span = static_cast<uint64_t>(s.max_raw() - s.min_raw());
    return s.min_raw() + static_cast<int64_t>(span == UINT64_MAX ? gen() : gen() % (span + 1));
  }
};

Spec random_spec(Rng& r, int min_w, int max_w, bool modes) {
  Spec s;
  s.is_signed = !r.chance(15);
  s.width = r.uniform(min_w, max_w);
  s.integer = r.uniform(-2, s.width + 4);
  if (modes && r.chance(60)) {
    s.quant = static_cast<Quant>(r.uniform(0, 6));
    s.overflow = static_cast<Overflow>(r.uniform(0, 4));
    if (!s.is_signed && s.overflow == Overflow::kWrapSm) s.overflow = Overflow::kSat;
    if ((s.overflow == Overflow::kWrap || s.overflow == Overflow::kWrapSm) && r.chance(30)) {
      s.sat_bits = r.uniform(1, std::min(3, s.width));
    }
  }
  return s;
}

// Precisions drawn from what a trigger would plausibly use, plus hostile ones.
FixedModel random_model(Rng& r) {
  FixedModel m;
  const int style = r.uniform(0, 5);  // 0: all defaults; 1: 8-bit weights; 2: auto; 3+: random
  m.input = style <= 2 ? Spec{16, 6} : random_spec(r, 2, 24, false);
  if (r.chance(3)) m.input = random_spec(r, 30, 40, false);  // forces the scalar model path
  m.sigmoid_table = r.chance(70) ? Spec{18, 8} : random_spec(r, 4, 24, true);
  const int sizes[] = {1024, 1024, 256, 100, 2048, 7};
  m.sigmoid_table_size = sizes[r.uniform(0, 5)];
  const int n_layers = r.uniform(1, 4);
  int n_in = r.uniform(1, 12);
  const Spec* in = &m.input;
  for (int k = 0; k < n_layers; ++k) {
    FixedDense d;
    d.n_in = n_in;
    d.n_out = k == n_layers - 1 ? r.uniform(1, 3) : r.uniform(1, 33);
    d.activation = static_cast<Activation>(r.uniform(0, 2));
    if (style == 0) {
      d.weight = d.bias = d.accum = d.result = d.activation_result = Spec{16, 6};
    } else if (style == 1) {
      d.weight = Spec{8, 3};
      d.bias = d.accum = d.result = d.activation_result = Spec{16, 6};
    } else if (style == 2) {
      d.weight = d.bias = d.result = d.activation_result = Spec{16, 6};
      d.accum = auto_accum_spec(*in, d.weight, d.bias, d.n_in);
    } else {
      d.weight = random_spec(r, 2, r.chance(10) ? 40 : 18, false);
      d.bias = random_spec(r, 2, 24, false);
      d.accum = r.chance(30) ? auto_accum_spec(*in, d.weight, d.bias, d.n_in)
                             : random_spec(r, 4, r.chance(20) ? 48 : 30, true);
      if (d.accum.width > 64) d.accum = Spec{64, 30};
      d.result = random_spec(r, 3, r.chance(10) ? 40 : 24, true);
      d.activation_result = random_spec(r, 3, r.chance(5) ? 40 : 20, true);
    }
    // Weights: full range, or mostly small as trained weights are.
    const bool small = r.chance(50);
    for (int i = 0; i < d.n_in * d.n_out; ++i) {
      int64_t w = r.raw_in(d.weight);
      if (small && d.weight.width > 6) w >>= r.uniform(0, d.weight.width / 2);
      d.weights.push_back(w);
    }
    for (int j = 0; j < d.n_out; ++j) d.biases.push_back(r.raw_in(d.bias));
    m.layers.push_back(d);
    in = &m.layers.back().activation_result;
    n_in = d.n_out;
  }
  return m;
}

std::string model_text(const FixedModel& m) {
  std::ostringstream os;
  os << "input " << m.input << " table " << m.sigmoid_table << " x " << m.sigmoid_table_size;
  for (const auto& d : m.layers) {
    os << "\n  " << d.n_in << "->" << d.n_out << " w " << d.weight << " b " << d.bias << " acc "
       << d.accum << " res " << d.result << " act " << static_cast<int>(d.activation) << " "
       << d.activation_result;
  }
  return os.str();
}

// Soak runs: L1T_PROPERTY_TRIALS=100000 L1T_PROPERTY_SEED=7 ./common_nn_batch_scorer_test
int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

TEST(BatchScorerProperty, EqualsScalarReferenceOnRandomModels) {
  const int trials = env_int("L1T_PROPERTY_TRIALS", 3000);
  Rng r{std::mt19937_64(0x5eed0201 + env_int("L1T_PROPERTY_SEED", 0))};
  std::map<std::string, int> kinds;
  int models = 0;
  for (int trial = 0; trial < trials; ++trial) {
    const FixedModel m = random_model(r);
    std::string error;
    ASSERT_TRUE(check_fixed_model(m, &error)) << error;
    const BatchScorer scorer(m);
    const FixedPredictor ref(m);
    const std::string plan = scorer.describe();
    for (const char* k : {"mod32", "exact32", "scalar"}) {
      if (plan.find(k) != std::string::npos) ++kinds[k];
    }
    if (!scorer.vectorised()) ++kinds["model-scalar"];

    const int n_in = m.layers.front().n_in;
    const int n_out = m.layers.back().n_out;
    const size_t rows = r.uniform(0, 70);
    std::vector<int64_t> x(rows * n_in);
    for (auto& v : x) {
      v = r.raw_in(m.input);
      if (r.chance(2)) v = static_cast<int64_t>(r.gen());  // out of range: must wrap the same
    }
    std::vector<int64_t> got(rows * n_out, 12345), want(rows * n_out);
    scorer.score(x.data(), rows, got.data());
    for (size_t row = 0; row < rows; ++row) {
      ref.predict(x.data() + row * n_in, want.data() + row * n_out);
    }
    ASSERT_EQ(got, want) << "trial " << trial << " plan " << plan << "\n" << model_text(m);
    ++models;
  }
  EXPECT_EQ(models, trials);
  // Every kernel was exercised, many times.
  EXPECT_GT(kinds["mod32"], trials / 10);
  EXPECT_GT(kinds["exact32"], trials / 30);
  EXPECT_GT(kinds["scalar"], trials / 30);
  EXPECT_GT(kinds["model-scalar"], trials / 150);
  for (const auto& [k, n] : kinds) RecordProperty(k, n);
}

TEST(BatchScorerProperty, OverflowingInputsOnDefaultNetwork) {
  // Large weights and inputs: every accumulator wraps, many times, as hls4ml's defaults do.
  Rng r{std::mt19937_64(0x5eed0202)};
  FixedModel m;
  const int widths[] = {5, 25, 30, 1};
  for (int k = 0; k < 3; ++k) {
    FixedDense d;
    d.n_in = widths[k];
    d.n_out = widths[k + 1];
    d.weight = d.bias = d.accum = d.result = d.activation_result = Spec{16, 6};
    d.activation = k == 2 ? Activation::kSigmoid : Activation::kRelu;
    for (int i = 0; i < d.n_in * d.n_out; ++i) d.weights.push_back(r.raw_in(d.weight));
    for (int j = 0; j < d.n_out; ++j) d.biases.push_back(r.raw_in(d.bias));
    m.layers.push_back(d);
  }
  for (int variant = 0; variant < 4; ++variant) {
    FixedModel v = m;
    for (auto& d : v.layers) {
      if (variant == 1) d.accum = Spec{16, 6, true, Quant::kRnd, Overflow::kSat};
      if (variant == 2) d.accum = Spec{16, 6, true, Quant::kRndConv, Overflow::kSatSym};
      if (variant == 3) d.accum = Spec{16, 6, true, Quant::kTrn, Overflow::kWrapSm};
    }
    const BatchScorer scorer(v);
    const FixedPredictor ref(v);
    const size_t rows = 1000;
    std::vector<int64_t> x(rows * 5);
    for (auto& e : x) e = r.raw_in(v.input);
    std::vector<int64_t> got(rows), want(rows);
    scorer.score(x.data(), rows, got.data());
    for (size_t row = 0; row < rows; ++row) ref.predict(x.data() + row * 5, &want[row]);
    EXPECT_EQ(got, want) << "variant " << variant << " " << scorer.describe();
  }
}

TEST(BatchScorer, EmptyBatchAndShapes) {
  FixedModel m;
  FixedDense d;
  d.n_in = 3;
  d.n_out = 2;
  d.weights.assign(6, 100);
  d.biases.assign(2, 0);
  m.layers = {d};
  const BatchScorer scorer(m);
  EXPECT_EQ(scorer.n_in(), 3);
  EXPECT_EQ(scorer.n_out(), 2);
  scorer.score(nullptr, 0, nullptr);
  BatchScorer moved = BatchScorer(m);
  const int64_t x[3] = {1024, 2048, -1024};
  int64_t y[2] = {0, 0};
  moved.score(x, 1, y);
  EXPECT_EQ(y[0], 200);  // (1 + 2 - 1) * 100 raw
  EXPECT_EQ(y[1], 200);
}

}  // namespace
}  // namespace l1t::nn
