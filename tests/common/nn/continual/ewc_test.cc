#include "common/nn/continual/ewc.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "common/nn/continual/continual_learner.h"
#include "common/nn/evaluation/classification_metrics.h"
#include "common/nn/training/pretrain.h"
#include "tests/support/gradient_check.h"
#include "tests/support/two_domains.h"

namespace l1t::nn {
namespace {

using testing::accuracy_on;
using testing::Data;
using testing::make_domain;
using testing::pretrained_on_a;

std::vector<float> params_of(const FloatMlp& m) {
  std::vector<float> p(m.num_parameters());
  m.get_parameters(p.data());
  return p;
}

// Feeds a whole data set to the Fisher estimate in batches of 64.
void fisher_on(Ewc& ewc, const FloatMlp& m, const Data& d) {
  for (size_t i = 0; i + 64 <= d.n; i += 64) ewc.accumulate_fisher(m, &d.x[i * 5], &d.y[i], 64);
}

// Reference Fisher: one backward pass per sample through FloatMlp's own BCE gradient.
std::vector<float> reference_fisher(const FloatMlp& m, const float* x, const float* y, size_t n) {
  std::vector<float> sum(m.num_parameters(), 0.0f), flat(m.num_parameters());
  Gradients g = m.make_gradients();
  Workspace ws;
  for (size_t i = 0; i < n; ++i) {
    m.loss_and_gradients(x + i * m.n_inputs(), y + i, nullptr, 1, LossOptions{}, &g, &ws);
    flatten_gradients(g, flat.data());
    for (size_t k = 0; k < flat.size(); ++k) sum[k] += flat[k] * flat[k];
  }
  for (float& v : sum) v /= static_cast<float>(n);
  return sum;
}

TEST(EwcTest, FisherIsMeanSquaredPerSampleGradientAndDecaysWithGamma) {
  const FloatMlp m({5, 7, 6, 1}, 3);
  const Data d1 = make_domain(false, 64, 4), d2 = make_domain(true, 64, 5);
  EwcConfig c;
  c.gamma = 0.7f;
  Ewc ewc(c);
  EXPECT_TRUE(ewc.fisher().empty());

  ewc.accumulate_fisher(m, d1.x.data(), d1.y.data(), 32);
  ewc.accumulate_fisher(m, &d1.x[32 * 5], &d1.y[32], 32);
  EXPECT_EQ(ewc.window_batches(), 2u);
  ewc.consolidate(m);
  EXPECT_EQ(ewc.window_batches(), 0u);
  // Two equal-size batches: the window's mean equals the mean over all 64 samples.
  const std::vector<float> f1 = reference_fisher(m, d1.x.data(), d1.y.data(), d1.n);
  std::vector<float> f = ewc.fisher();
  ASSERT_EQ(f.size(), m.num_parameters());
  double norm = 0.0;
  for (size_t k = 0; k < f.size(); ++k) {
    EXPECT_NEAR(f[k], f1[k], 1e-5f + 1e-4f * f1[k]) << "parameter " << k;
    norm += f1[k];
  }
  EXPECT_GT(norm, 1e-3);  // not trivially zero

  ewc.accumulate_fisher(m, d2.x.data(), d2.y.data(), d2.n);
  ewc.consolidate(m);
  const std::vector<float> f2 = reference_fisher(m, d2.x.data(), d2.y.data(), d2.n);
  f = ewc.fisher();
  for (size_t k = 0; k < f.size(); ++k) {
    const float want = 0.7f * f1[k] + f2[k];
    EXPECT_NEAR(f[k], want, 1e-5f + 1e-4f * want) << "parameter " << k;
  }
  // A consolidation with no new batch keeps F (nothing was learnt to weigh it against).
  ewc.consolidate(m);
  EXPECT_EQ(ewc.fisher(), f);
  EXPECT_EQ(ewc.consolidations(), 3u);
}

TEST(EwcTest, PenaltyGradientMatchesFiniteDifferences) {
  FloatMlp anchor({5, 6, 4, 1}, 7);
  const Data d = make_domain(false, 48, 8);
  EwcConfig c;
  c.lambda = 50.0f;
  Ewc ewc(c);
  fisher_on(ewc, anchor, make_domain(false, 256, 9));
  ewc.consolidate(anchor);
  // Move away from the anchor so the penalty's gradient is not zero.
  FloatMlp m({5, 6, 4, 1}, 10);
  std::vector<float> p = params_of(m);
  const std::vector<float> a = params_of(anchor);
  for (size_t k = 0; k < p.size(); ++k) p[k] = a[k] + 0.3f * (p[k] - a[k]);
  m.set_parameters(p.data());

  Gradients g = m.make_gradients();
  Workspace ws;
  double loss = m.loss_and_gradients(d.x.data(), d.y.data(), nullptr, d.n, {}, &g, &ws);
  std::vector<float> data_only(m.num_parameters());
  flatten_gradients(g, data_only.data());
  const double data_loss = loss;
  ewc.add_penalty_gradients(m, d.x.data(), d.y.data(), d.n, &g, &loss);
  EXPECT_NEAR(loss - data_loss, ewc.penalty(m), 1e-9);
  EXPECT_GT(ewc.penalty(m), 1e-3);
  std::vector<float> analytic(p.size());
  flatten_gradients(g, analytic.data());

  auto full_loss = [&](const std::vector<float>& q) {
    FloatMlp probe = m;
    probe.set_parameters(q.data());
    Workspace w;
    return probe.loss(d.x.data(), d.y.data(), nullptr, d.n, {}, &w) + ewc.penalty(probe);
  };
  // The penalty must change the gradient materially, or this check would prove nothing.
  float largest = 0.0f;
  for (size_t k = 0; k < analytic.size(); ++k)
    largest = std::max(largest, std::fabs(analytic[k] - data_only[k]));
  EXPECT_GT(largest, 0.05f);
  testing::expect_matches_central_differences(m, d.x.data(), d.n, p, analytic, full_loss);
}

// With a huge lambda the parameters the Fisher marks as important stay at the anchor while
// training on new conditions; without EWC the same training moves them.
TEST(EwcTest, HugeLambdaPinsHighFisherParameters) {
  const FloatMlp start = pretrained_on_a();
  const Data a = make_domain(false, 4096, 20), b = make_domain(true, 10000, 21);
  ContinualConfig cc;
  cc.replay_fraction = 0.0f;

  EwcConfig ec;
  ec.lambda = 1e6f;
  auto ewc = std::make_unique<Ewc>(ec);
  fisher_on(*ewc, start, a);
  ewc->consolidate(start);
  const std::vector<float> fisher = ewc->fisher();

  ContinualLearner with_ewc(start, cc), naive(start, cc);
  with_ewc.set_strategy(std::move(ewc));
  with_ewc.add_samples(b.x.data(), b.y.data(), b.n);
  naive.add_samples(b.x.data(), b.y.data(), b.n);
  EXPECT_GT(with_ewc.last_penalty(), 0.0);

  // The quarter of the parameters with the largest Fisher.
  std::vector<size_t> order(fisher.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return fisher[i] > fisher[j]; });
  const std::vector<float> p0 = params_of(start), pe = params_of(with_ewc.model()),
                           pn = params_of(naive.model());
  double move_ewc = 0.0, move_naive = 0.0;
  const size_t top = order.size() / 4;
  for (size_t r = 0; r < top; ++r) {
    move_ewc += std::fabs(pe[order[r]] - p0[order[r]]) / top;
    move_naive += std::fabs(pn[order[r]] - p0[order[r]]) / top;
  }
  const std::string numbers = "mean |theta - theta*| over the top-Fisher quarter: ewc " +
                              std::to_string(move_ewc) + ", naive " + std::to_string(move_naive);
  std::printf("%s\n", numbers.c_str());
  EXPECT_GT(move_naive, 0.02) << numbers;
  EXPECT_LT(move_ewc, 0.1 * move_naive) << numbers;
}

// Task A, then task B: EWC anchored after A keeps A clearly better than naive fine-tuning.
TEST(EwcTest, RemembersTaskABetterThanNaiveFineTuning) {
  const FloatMlp start = pretrained_on_a();
  const Data a_fisher = make_domain(false, 4096, 30), a_test = make_domain(false, 5000, 31),
             b_test = make_domain(true, 5000, 32), b_stream = make_domain(true, 30000, 33);
  ContinualConfig cc;
  cc.replay_fraction = 0.0f;  // no rehearsal: only the penalty can protect A

  EwcConfig ec;
  ec.lambda = 1000.0f;
  auto ewc = std::make_unique<Ewc>(ec);
  fisher_on(*ewc, start, a_fisher);
  ewc->consolidate(start);
  ContinualLearner with_ewc(start, cc), naive(start, cc);
  with_ewc.set_strategy(std::move(ewc));
  with_ewc.add_samples(b_stream.x.data(), b_stream.y.data(), b_stream.n);
  naive.add_samples(b_stream.x.data(), b_stream.y.data(), b_stream.n);

  const double start_a = accuracy_on(start, a_test), start_b = accuracy_on(start, b_test);
  const double ewc_a = accuracy_on(with_ewc.model(), a_test),
               ewc_b = accuracy_on(with_ewc.model(), b_test);
  const double naive_a = accuracy_on(naive.model(), a_test),
               naive_b = accuracy_on(naive.model(), b_test);
  char numbers[200];
  std::snprintf(numbers, sizeof(numbers),
                "start A %.4f B %.4f | ewc A %.4f B %.4f | naive A %.4f B %.4f", start_a, start_b,
                ewc_a, ewc_b, naive_a, naive_b);
  std::printf("%s\n", numbers);
  ASSERT_GT(start_a, 0.95) << numbers;
  EXPECT_GT(ewc_a, naive_a + 0.05) << numbers;
  EXPECT_GT(ewc_b, start_b + 0.1) << numbers;  // EWC still learns B
}

// The learner consolidates at each publication when the strategy asks for it.
TEST(EwcTest, LearnerConsolidatesOnPublication) {
  const Data d = make_domain(false, 2000, 40);
  ContinualConfig cc;
  cc.publish_every = 640;
  ContinualLearner learner(FloatMlp({5, 25, 30, 1}, 1), cc);
  auto owned = std::make_unique<Ewc>();
  Ewc* ewc = owned.get();
  learner.set_strategy(std::move(owned));
  learner.add_samples(d.x.data(), d.y.data(), 640);
  EXPECT_EQ(learner.last_penalty(), 0.0);  // nothing consolidated yet
  EXPECT_EQ(ewc->window_batches(), 20u);
  ASSERT_TRUE(learner.publish_due());
  learner.mark_published();
  EXPECT_EQ(ewc->consolidations(), 1u);
  EXPECT_EQ(ewc->anchor(), params_of(learner.model()));
  learner.add_samples(&d.x[640 * 5], &d.y[640], 640);
  EXPECT_GT(learner.last_penalty(), 0.0);
}

// consolidate_every: one consolidation per that many batch rows, without publications.
TEST(EwcTest, ConsolidatesEveryKRows) {
  const Data d = make_domain(false, 2000, 41);
  EwcConfig ec;
  ec.consolidate_every = 256;  // batch rows (fresh + replayed), 4 steps of 64
  ContinualLearner learner(FloatMlp({5, 25, 30, 1}, 1), ContinualConfig{});
  auto owned = std::make_unique<Ewc>(ec);
  Ewc* ewc = owned.get();
  learner.set_strategy(std::move(owned));
  learner.add_samples(d.x.data(), d.y.data(), 32 * 9);  // 9 steps; 1st replays nothing
  // Rows per step 32, then 64: 32+64*3=224 < 256, 5 steps reach 288 -> consolidation at step 6,
  // next window reaches 256 after step 9 and consolidates at step 10.
  EXPECT_EQ(ewc->consolidations(), 1u);
  learner.add_samples(&d.x[32 * 9 * 5], &d.y[32 * 9], 32);
  EXPECT_EQ(ewc->consolidations(), 2u);
}

}  // namespace
}  // namespace l1t::nn
