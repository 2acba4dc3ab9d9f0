#include "common/nn/training/altmin_losses.h"

#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "common/nn/training/loss.h"
#include "tests/support/gradient_check.h"
#include "tests/support/two_domains.h"

namespace l1t::nn {
namespace {

using testing::Data;
using testing::make_domain;

Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, float scale, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, scale);
  Matrix m(rows, cols);
  for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = g(rng);
  return m;
}

std::vector<float> params_of(const FloatMlp& m) {
  std::vector<float> p(m.num_parameters());
  m.get_parameters(p.data());
  return p;
}

// Central differences of f with respect to every entry of c, skipping entries within h of the
// ReLU kink; at least 90 % of the entries must be checked.
void expect_code_gradient(const Matrix& c, const Matrix& analytic,
                          const std::function<double(const Matrix&)>& f, double h) {
  size_t checked = 0;
  double largest = 0.0;
  for (Eigen::Index k = 0; k < c.size(); ++k) {
    if (std::fabs(c.data()[k]) < 2 * h) continue;
    Matrix plus = c, minus = c;
    plus.data()[k] += static_cast<float>(h);
    minus.data()[k] -= static_cast<float>(h);
    const double numeric =
        (f(plus) - f(minus)) / (static_cast<double>(plus.data()[k]) - minus.data()[k]);
    EXPECT_NEAR(analytic.data()[k], numeric, 1e-4 + 2e-3 * std::fabs(numeric)) << "entry " << k;
    largest = std::max(largest, std::fabs(numeric));
    ++checked;
  }
  EXPECT_GE(checked, static_cast<size_t>(c.size()) * 9 / 10);
  EXPECT_GT(largest, 1e-3);  // a gradient that is zero everywhere would prove nothing
}

TEST(AltminLossesTest, OutputCodeObjectiveGradient) {
  const FloatMlp m({5, 7, 6, 1}, 3);
  const Data d = make_domain(false, 12, 4);
  const Matrix c0 = random_matrix(12, 6, 1.0f, 5);
  const Matrix c = c0 + random_matrix(12, 6, 0.3f, 6);  // away from c0: both terms matter
  for (float mu : {0.003f, 0.5f}) {
    for (float pos_weight : {1.0f, 3.0f}) {
      LossOptions loss;
      loss.pos_weight = pos_weight;
      CodeScratch s;
      Matrix grad;
      const double value =
          output_code_objective(m.layer(2), c, c0, d.y.data(), loss, mu, &grad, &s);
      auto f = [&](const Matrix& q) {
        CodeScratch t;
        return output_code_objective(m.layer(2), q, c0, d.y.data(), loss, mu, nullptr, &t);
      };
      EXPECT_DOUBLE_EQ(value, f(c));
      // By definition: (1/mu) BCE of the output block on relu(c), plus the mean square pull.
      Matrix logits = c.cwiseMax(0.0f) * m.layer(2).w;
      logits.rowwise() += m.layer(2).b;
      const double bce = bce_with_logits(logits, d.y.data(), nullptr, pos_weight, nullptr);
      EXPECT_NEAR(value, bce / mu + (c - c0).squaredNorm() / c.size(), 1e-6 * value);
      SCOPED_TRACE("mu " + std::to_string(mu) + " pos_weight " + std::to_string(pos_weight));
      expect_code_gradient(c, grad, f, 1e-3);
    }
  }
}

TEST(AltminLossesTest, HiddenCodeObjectiveGradient) {
  const FloatMlp m({5, 7, 6, 1}, 3);
  const Matrix c0 = random_matrix(10, 7, 1.0f, 7);
  const Matrix c = c0 + random_matrix(10, 7, 0.3f, 8);
  const Matrix target = random_matrix(10, 6, 1.0f, 9);
  CodeScratch s;
  Matrix grad;
  const double value = hidden_code_objective(m.layer(1), c, c0, target, &grad, &s);
  auto f = [&](const Matrix& q) {
    CodeScratch t;
    return hidden_code_objective(m.layer(1), q, c0, target, nullptr, &t);
  };
  Matrix out = c.cwiseMax(0.0f) * m.layer(1).w;
  out.rowwise() += m.layer(1).b;
  EXPECT_NEAR(value, (out - target).squaredNorm() / out.size() + (c - c0).squaredNorm() / c.size(),
              1e-6 * value);
  expect_code_gradient(c, grad, f, 1e-3);
}

// At the forward codes the pull towards them has no gradient: only the task term moves codes.
TEST(AltminLossesTest, PullHasNoGradientAtTheForwardCodes) {
  const FloatMlp m({5, 7, 6, 1}, 3);
  const Data d = make_domain(false, 8, 4);
  const Matrix c0 = random_matrix(8, 6, 1.0f, 5);
  CodeScratch s;
  Matrix with_pull, task_only;
  output_code_objective(m.layer(2), c0, c0, d.y.data(), {}, 0.01f, &with_pull, &s);
  Matrix far = c0;
  far.setConstant(100.0f);  // the pull's target only enters through (c - target)
  const double value =
      output_code_objective(m.layer(2), c0, far, d.y.data(), {}, 0.01f, &task_only, &s);
  EXPECT_GT(value, 1000.0);
  // The difference is exactly the pull's gradient 2 (c0 - far) / size, so with_pull has none.
  const Matrix difference = task_only - with_pull;
  for (Eigen::Index k = 0; k < c0.size(); ++k) {
    EXPECT_NEAR(difference.data()[k], 2.0 * (c0.data()[k] - 100.0) / c0.size(), 1e-4);
  }
}

// At the forward codes, the forward pass's own next-layer output stands in for recomputing it.
TEST(AltminLossesTest, ForwardOutputGivesTheSameObjectiveAtTheForwardCodes) {
  const FloatMlp m({5, 7, 6, 1}, 3);
  const Data d = make_domain(true, 9, 4);
  Workspace ws;
  m.forward(d.x.data(), d.n, &ws);
  const Matrix target = ws.z[1] + random_matrix(9, 6, 0.2f, 5);
  CodeScratch s;
  Matrix plain, reused;
  const double top =
      output_code_objective(m.layer(2), ws.z[1], ws.z[1], d.y.data(), {}, 0.003f, &plain, &s);
  EXPECT_NEAR(output_code_objective(m.layer(2), ws.z[1], ws.z[1], d.y.data(), {}, 0.003f, &reused,
                                    &s, &ws.z[2]),
              top, 1e-6 * top);
  EXPECT_TRUE(reused.isApprox(plain, 1e-5f));
  EXPECT_GT(plain.norm(), 1e-3);
  const double hidden = hidden_code_objective(m.layer(1), ws.z[0], ws.z[0], target, &plain, &s);
  EXPECT_NEAR(hidden_code_objective(m.layer(1), ws.z[0], ws.z[0], target, &reused, &s, &ws.z[1]),
              hidden, 1e-6 * hidden);
  EXPECT_TRUE(reused.isApprox(plain, 1e-5f));
  EXPECT_GT(plain.norm(), 1e-3);
}

// Each weight loss's gradient against central differences of the loss as a function of all the
// model's parameters (only the layer's own block is non-zero).
TEST(AltminLossesTest, RegressionLossGradient) {
  const FloatMlp m({5, 7, 6, 1}, 3);
  const Data d = make_domain(false, 16, 4);
  const Matrix in = random_matrix(16, 7, 1.0f, 11).cwiseMax(0.0f);
  const Matrix target = random_matrix(16, 6, 1.0f, 12);
  Matrix dw, pred;
  RowVector db;
  const double value = regression_loss_and_gradients(m.layer(1), in, target, &dw, &db, &pred);
  Matrix direct = in * m.layer(1).w;
  direct.rowwise() += m.layer(1).b;
  EXPECT_NEAR(value, (direct - target).squaredNorm() / direct.size(), 1e-6 * value);

  Gradients g = m.make_gradients();
  g.dw[1] = dw;
  g.db[1] = db;
  std::vector<float> analytic(m.num_parameters());
  flatten_gradients(g, analytic.data());
  auto full = [&](const std::vector<float>& q) {
    FloatMlp probe = m;
    probe.set_parameters(q.data());
    Matrix w, p;
    RowVector b;
    return regression_loss_and_gradients(probe.layer(1), in, target, &w, &b, &p);
  };
  testing::expect_matches_central_differences(m, d.x.data(), d.n, params_of(m), analytic, full);
}

TEST(AltminLossesTest, OutputLossGradient) {
  const FloatMlp m({5, 7, 6, 1}, 3);
  const Data d = make_domain(false, 16, 4);
  const Matrix in = random_matrix(16, 6, 1.0f, 13).cwiseMax(0.0f);
  LossOptions loss;
  loss.pos_weight = 2.0f;
  Matrix dw, logits, dlogits;
  RowVector db;
  output_loss_and_gradients(m.layer(2), in, d.y.data(), loss, &dw, &db, &logits, &dlogits);
  Gradients g = m.make_gradients();
  g.dw[2] = dw;
  g.db[2] = db;
  std::vector<float> analytic(m.num_parameters());
  flatten_gradients(g, analytic.data());
  auto full = [&](const std::vector<float>& q) {
    FloatMlp probe = m;
    probe.set_parameters(q.data());
    Matrix w, l, dl;
    RowVector b;
    return output_loss_and_gradients(probe.layer(2), in, d.y.data(), loss, &w, &b, &l, &dl);
  };
  testing::expect_matches_central_differences(m, d.x.data(), d.n, params_of(m), analytic, full);
}

bool same_pattern(const RowVector& a, const RowVector& b) {
  return ((a.array() > 0.0f) == (b.array() > 0.0f)).all();
}

// The Lipschitz bounds hold: between two codes of a row with the same ReLU pattern, the code
// objective's gradient changes by at most L times their distance (random codes and directions).
// Across a kink the gradient jumps, which no bound covers.
TEST(AltminLossesTest, LipschitzBoundsHold) {
  const FloatMlp m({5, 7, 6, 1}, 3);
  for (size_t n : {1, 4, 32}) {
    const Data d = make_domain(false, n, 20 + n);
    const Matrix c0 = random_matrix(n, 6, 1.0f, 21);
    const Matrix h0 = random_matrix(n, 7, 1.0f, 22);
    const Matrix target = random_matrix(n, 6, 1.0f, 23);
    const double l_out = output_code_lipschitz(m.layer(2), n, 0.003f, {});
    const double l_hidden = hidden_code_lipschitz(m.layer(1), n, 7);
    CodeScratch s;
    size_t compared = 0;
    for (uint64_t trial = 0; trial < 50; ++trial) {
      Matrix a = c0 + random_matrix(n, 6, 0.5f, 100 + trial), b = a, ga, gb;
      b += random_matrix(n, 6, 0.05f, 200 + trial);
      output_code_objective(m.layer(2), a, c0, d.y.data(), {}, 0.003f, &ga, &s);
      output_code_objective(m.layer(2), b, c0, d.y.data(), {}, 0.003f, &gb, &s);
      for (Eigen::Index i = 0; i < a.rows(); ++i) {
        if (!same_pattern(a.row(i), b.row(i))) continue;
        ++compared;
        EXPECT_LE((ga.row(i) - gb.row(i)).norm(), 1.0001 * l_out * (a.row(i) - b.row(i)).norm());
      }
      Matrix ha = h0 + random_matrix(n, 7, 0.5f, 300 + trial), hb = ha, gha, ghb;
      hb += random_matrix(n, 7, 0.05f, 400 + trial);
      hidden_code_objective(m.layer(1), ha, h0, target, &gha, &s);
      hidden_code_objective(m.layer(1), hb, h0, target, &ghb, &s);
      for (Eigen::Index i = 0; i < ha.rows(); ++i) {
        if (!same_pattern(ha.row(i), hb.row(i))) continue;
        ++compared;
        EXPECT_LE((gha.row(i) - ghb.row(i)).norm(),
                  1.0001 * l_hidden * (ha.row(i) - hb.row(i)).norm());
      }
    }
    EXPECT_GT(compared, 40 * n);  // most pairs share their pattern
  }
}

}  // namespace
}  // namespace l1t::nn
