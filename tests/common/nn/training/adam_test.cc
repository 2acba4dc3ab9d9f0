#include "common/nn/training/adam.h"

#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/two_domains.h"

#include "common/nn/evaluation/classification_metrics.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/pretrain.h"

namespace l1t::nn {
namespace {

// A separable toy problem in 5 features: positive when a fixed linear score is above zero, with
// a margin so that > 95 % accuracy is reachable.
using Toy = testing::Data;

Toy make_toy(size_t n, uint64_t seed) { return testing::make_nonlinear_toy(n, seed); }

double accuracy_of(const FloatMlp& m, const Toy& t) {
  std::vector<float> p(t.n);
  m.predict_proba(t.x.data(), t.n, p.data());
  return accuracy(p.data(), t.y.data(), t.n);
}

double train(FloatMlp& m, Optimizer& opt, const Toy& t, int steps, size_t batch) {
  Gradients g = m.make_gradients();
  Workspace ws;
  double loss = 0;
  for (int s = 0; s < steps; ++s) {
    const size_t start = (static_cast<size_t>(s) * batch) % (t.n - batch);
    loss = m.loss_and_gradients(&t.x[start * 5], &t.y[start], nullptr, batch, {}, &g, &ws);
    opt.step(m, g);
  }
  return loss;
}

double full_loss(const FloatMlp& m, const Toy& t) {
  Workspace ws;
  return m.loss(t.x.data(), t.y.data(), nullptr, t.n, {}, &ws);
}

TEST(AdamTest, FirstStepMovesEachParameterByAboutLr) {
  FloatMlp m({5, 25, 30, 1}, 1);
  const FloatMlp before = m;
  Gradients g = m.make_gradients();
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (auto& dw : g.dw) dw = dw.unaryExpr([&](float) { return u(rng); });
  for (auto& db : g.db) db = db.unaryExpr([&](float) { return u(rng); });
  AdamConfig c;
  c.lr = 0.01f;
  Adam adam(c);
  adam.step(m, g);
  EXPECT_EQ(adam.steps(), 1);
  // With the bias correction, step one is lr * g / (|g| + eps') = lr * sign(g).
  for (int l = 0; l < 3; ++l) {
    const Matrix delta = before.layer(l).w - m.layer(l).w;
    for (Eigen::Index k = 0; k < delta.size(); ++k) {
      const float gk = g.dw[l].data()[k];
      EXPECT_NEAR(delta.data()[k], 0.01f * (gk > 0 ? 1.0f : -1.0f), 1e-5 + 1e-5 / std::fabs(gk));
    }
  }
  adam.reset();
  EXPECT_EQ(adam.steps(), 0);
}

TEST(SgdTest, StepIsMomentumUpdate) {
  FloatMlp m({2, 2, 1});
  m.layer(0).w << 1, 2, 3, 4;
  Gradients g = m.make_gradients();
  g.dw[0] << 1, -1, 0.5, 0;
  SgdConfig c;
  c.lr = 0.1f;
  c.momentum = 0.5f;
  Sgd sgd(c);
  sgd.step(m, g);  // v = -0.1 g
  EXPECT_FLOAT_EQ(m.layer(0).w(0, 0), 0.9f);
  EXPECT_FLOAT_EQ(m.layer(0).w(0, 1), 2.1f);
  sgd.step(m, g);  // v = 0.5 * (-0.1 g) - 0.1 g = -0.15 g
  EXPECT_FLOAT_EQ(m.layer(0).w(0, 0), 0.75f);
  EXPECT_FLOAT_EQ(m.layer(1).w(0, 0), 0.0f);  // zero gradient, zero move
}

TEST(AdamTest, LearnsSeparableToyProblem) {
  const Toy train_set = make_toy(8192, 1), test_set = make_toy(4096, 2);
  FloatMlp m({5, 25, 30, 1}, 3);
  const double loss0 = full_loss(m, train_set);
  AdamConfig c;
  c.lr = 3e-3f;
  Adam adam(c);
  train(m, adam, train_set, 3000, 64);
  const double loss1 = full_loss(m, train_set);
  EXPECT_LT(loss1, 0.5 * loss0);
  EXPECT_GT(accuracy_of(m, test_set), 0.95);
}

TEST(SgdTest, LearnsSeparableToyProblem) {
  const Toy train_set = make_toy(8192, 1), test_set = make_toy(4096, 2);
  FloatMlp m({5, 25, 30, 1}, 3);
  const double loss0 = full_loss(m, train_set);
  SgdConfig c;
  c.lr = 0.05f;
  c.momentum = 0.9f;
  Sgd sgd(c);
  train(m, sgd, train_set, 4000, 64);
  EXPECT_LT(full_loss(m, train_set), 0.5 * loss0);
  EXPECT_GT(accuracy_of(m, test_set), 0.95);
}

TEST(PretrainTest, LossFallsEpochByEpochAndModelLearns) {
  const Toy train_set = make_toy(8192, 4), test_set = make_toy(4096, 5);
  FloatMlp m({5, 25, 30, 1}, 6);
  PretrainConfig c;
  c.epochs = 8;
  c.batch = 64;
  c.lr = 3e-3f;
  const std::vector<float> losses =
      pretrain(m, train_set.x.data(), train_set.y.data(), train_set.n, c);
  ASSERT_EQ(losses.size(), 8u);
  EXPECT_LT(losses.back(), 0.5f * losses.front());
  EXPECT_LT(losses.back(), losses[losses.size() / 2]);
  EXPECT_GT(accuracy_of(m, test_set), 0.95);

  // Same seed, same data: the same model.
  FloatMlp again({5, 25, 30, 1}, 6);
  pretrain(again, train_set.x.data(), train_set.y.data(), train_set.n, c);
  EXPECT_EQ(again.layer(1).w, m.layer(1).w);
}

}  // namespace
}  // namespace l1t::nn
