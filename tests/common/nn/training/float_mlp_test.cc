#include "common/nn/training/float_mlp.h"

#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "common/nn/training/loss.h"

namespace l1t::nn {
namespace {

std::vector<float> random_rows(size_t n, int width, uint64_t seed, float scale = 1.0f) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> x(n * width);
  for (float& v : x) v = dist(rng);
  return x;
}

TEST(FloatMlpTest, ShapesFollowSizes) {
  FloatMlp m;
  ASSERT_EQ(m.num_layers(), 3);
  EXPECT_EQ(m.n_inputs(), 5);
  EXPECT_EQ(m.n_outputs(), 1);
  EXPECT_EQ(m.layer(0).w.rows(), 5);
  EXPECT_EQ(m.layer(0).w.cols(), 25);
  EXPECT_EQ(m.layer(1).w.rows(), 25);
  EXPECT_EQ(m.layer(1).w.cols(), 30);
  EXPECT_EQ(m.layer(2).b.size(), 1);
  EXPECT_EQ(m.num_parameters(), 5u * 25 + 25 + 25 * 30 + 30 + 30 + 1);
}

TEST(FloatMlpTest, InitIsSeededAndWithinLimits) {
  FloatMlp a({5, 25, 30, 1}, 42), b({5, 25, 30, 1}, 42), c({5, 25, 30, 1}, 43);
  EXPECT_EQ(a.layer(1).w, b.layer(1).w);
  EXPECT_NE(a.layer(1).w, c.layer(1).w);
  for (int l = 0; l < a.num_layers(); ++l) {
    const DenseLayer& layer = a.layer(l);
    const double limit = l + 1 == a.num_layers() ? std::sqrt(6.0 / (layer.n_in() + layer.n_out()))
                                                 : std::sqrt(6.0 / layer.n_in());
    EXPECT_LE(layer.w.cwiseAbs().maxCoeff(), limit);
    EXPECT_GT(layer.w.cwiseAbs().maxCoeff(), 0.8 * limit);  // actually spread over the range
    EXPECT_EQ(layer.b.cwiseAbs().maxCoeff(), 0.0f);
  }
}

TEST(FloatMlpTest, ForwardMatchesHandComputation) {
  FloatMlp m({2, 3, 1});
  m.layer(0).w << 1, -1, 0.5, 2, 1, -1;  // rows = inputs
  m.layer(0).b << 0.1f, 0.2f, -0.3f;
  m.layer(1).w << 1, -2, 0.5;
  m.layer(1).b << 0.25f;
  const float x[2] = {0.5f, -1.0f};
  // hidden z = [0.5-2+0.1, -0.5-1+0.2, 0.25+1-0.3] = [-1.4, -1.3, 0.95] -> relu [0, 0, 0.95]
  const float expected_logit = 0.5f * 0.95f + 0.25f;
  float logit, proba;
  m.predict_logits(x, 1, &logit);
  m.predict_proba(x, 1, &proba);
  EXPECT_NEAR(logit, expected_logit, 1e-6);
  EXPECT_NEAR(proba, 1.0 / (1.0 + std::exp(-expected_logit)), 1e-6);
}

TEST(FloatMlpTest, BatchedForwardEqualsPerSample) {
  FloatMlp m({5, 25, 30, 1}, 7);
  const size_t n = 37;
  const auto x = random_rows(n, 5, 1);
  std::vector<float> batched(n);
  m.predict_logits(x.data(), n, batched.data());
  for (size_t i = 0; i < n; ++i) {
    float single;
    m.predict_logits(&x[i * 5], 1, &single);
    EXPECT_NEAR(single, batched[i], 1e-5);
  }
}

TEST(LossTest, MatchesNaiveFormulaAndStaysFinite) {
  Matrix z(4, 1);
  z << 0.3f, -2.0f, 100.0f, -100.0f;
  const float y[4] = {1, 0, 0, 1};
  const double naive0 = -std::log(1.0 / (1.0 + std::exp(-0.3)));
  const double naive1 = -std::log(1.0 - 1.0 / (1.0 + std::exp(2.0)));
  Matrix grad;
  const double loss = bce_with_logits(z, y, nullptr, 1.0f, &grad);
  // The two extreme logits are confidently wrong: each costs |z| = 100.
  EXPECT_NEAR(loss, (naive0 + naive1 + 100.0 + 100.0) / 4.0, 1e-6);
  EXPECT_TRUE(grad.allFinite());
  EXPECT_NEAR(grad(2, 0), 0.25, 1e-6);   // (sigmoid(100) - 0) / 4
  EXPECT_NEAR(grad(3, 0), -0.25, 1e-6);  // (sigmoid(-100) - 1) / 4
}

TEST(LossTest, PosWeightAndSampleWeightScaleTheRightTerms) {
  Matrix z(2, 1);
  z << 0.7f, -0.4f;
  const float y[2] = {1, 0};
  const float sw[2] = {2.0f, 0.5f};
  const double l_pos = softplus(-0.7), l_neg = softplus(-0.4);
  EXPECT_NEAR(bce_with_logits(z, y, nullptr, 3.0f, nullptr), (3.0 * l_pos + l_neg) / 2, 1e-6);
  EXPECT_NEAR(bce_with_logits(z, y, sw, 1.0f, nullptr), (2.0 * l_pos + 0.5 * l_neg) / 2, 1e-6);
}

// Central finite differences of the loss against backprop for every parameter.
void check_gradients(const FloatMlp& base, const float* sw, const LossOptions& opt) {
  const size_t n = 8;
  const auto x = random_rows(n, base.n_inputs(), 11);
  std::vector<float> y(n * base.n_outputs());
  for (size_t i = 0; i < y.size(); ++i) y[i] = (i % 3 == 0) ? 1.0f : 0.0f;
  y[1] = 0.3f;  // soft labels are allowed too

  Workspace ws;
  Gradients g;
  base.loss_and_gradients(x.data(), y.data(), sw, n, opt, &g, &ws);
  std::vector<float> analytic(base.num_parameters());
  flatten_gradients(g, analytic.data());

  std::vector<float> params(base.num_parameters());
  base.get_parameters(params.data());
  FloatMlp m = base;
  const float eps = 1e-3f;
  int checked = 0;
  for (size_t k = 0; k < params.size(); ++k) {
    std::vector<float> p = params;
    p[k] = params[k] + eps;
    m.set_parameters(p.data());
    const double up = m.loss(x.data(), y.data(), sw, n, opt, &ws);
    p[k] = params[k] - eps;
    m.set_parameters(p.data());
    const double down = m.loss(x.data(), y.data(), sw, n, opt, &ws);
    const double numeric = (up - down) / (2.0 * eps);
    EXPECT_NEAR(analytic[k], numeric, 2e-4 + 2e-2 * std::fabs(numeric)) << "parameter " << k;
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(base.num_parameters()));
}

TEST(FloatMlpTest, BackpropMatchesFiniteDifferences) {
  FloatMlp m({5, 25, 30, 1}, 3);
  // Non-zero biases so the bias gradients and ReLU gating are exercised.
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<float> u(-0.2f, 0.2f);
  for (auto& layer : m.layers())
    for (Eigen::Index j = 0; j < layer.b.size(); ++j) layer.b(j) = u(rng);
  check_gradients(m, nullptr, LossOptions{});
}

TEST(FloatMlpTest, BackpropWithWeightsAndMultipleOutputs) {
  FloatMlp m({4, 6, 2}, 9);
  const float sw[8] = {1.0f, 0.5f, 2.0f, 1.0f, 0.0f, 3.0f, 1.0f, 0.25f};
  LossOptions opt;
  opt.pos_weight = 2.5f;
  check_gradients(m, sw, opt);
}

TEST(FloatMlpTest, ParametersRoundTripInKerasOrder) {
  FloatMlp m({5, 25, 30, 1}, 1);
  std::vector<float> p(m.num_parameters());
  m.get_parameters(p.data());
  EXPECT_EQ(p[1], m.layer(0).w(0, 1));  // kernel index i * n_out + j
  EXPECT_EQ(p[25], m.layer(0).w(1, 0));
  FloatMlp other({5, 25, 30, 1});
  other.set_parameters(p.data());
  for (int l = 0; l < 3; ++l) {
    EXPECT_EQ(other.layer(l).w, m.layer(l).w);
    EXPECT_EQ(other.layer(l).b, m.layer(l).b);
  }
}

TEST(FloatMlpTest, WorkspaceReuseGivesSameResult) {
  FloatMlp m({5, 25, 30, 1}, 2);
  const auto x = random_rows(64, 5, 3);
  std::vector<float> y(64, 1.0f);
  Workspace ws;
  Gradients g1, g2;
  const double l1 = m.loss_and_gradients(x.data(), y.data(), nullptr, 64, {}, &g1, &ws);
  m.loss_and_gradients(x.data(), y.data(), nullptr, 10, {}, &g2, &ws);  // other batch size
  const double l2 = m.loss_and_gradients(x.data(), y.data(), nullptr, 64, {}, &g2, &ws);
  EXPECT_EQ(l1, l2);
  EXPECT_EQ(g1.dw[0], g2.dw[0]);
}

}  // namespace
}  // namespace l1t::nn
