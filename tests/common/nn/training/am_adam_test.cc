#include "common/nn/training/am_adam.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/nn/continual/continual_learner.h"
#include "common/nn/continual/ewc.h"
#include "common/nn/continual/lwf.h"
#include "common/nn/evaluation/classification_metrics.h"
#include "common/nn/training/algorithm.h"
#include "common/nn/training/altmin_losses.h"
#include "common/physics/event_generator.h"
#include "common/trigger/training_data.h"
#include "tests/support/physics_training.h"
#include "tests/support/two_domains.h"

// Counts every malloc of the process while g_count_allocations is set (Eigen, operator new and
// TBB all allocate through malloc), to show that a warm step allocates nothing.
namespace {
std::atomic<bool> g_count_allocations{false};
std::atomic<long> g_allocations{0};
}  // namespace
extern "C" void* __libc_malloc(size_t size);
extern "C" void* malloc(size_t size) {
  if (g_count_allocations.load(std::memory_order_relaxed)) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
  }
  return __libc_malloc(size);
}

namespace l1t::nn {
namespace {

using testing::accuracy_on;
using testing::Data;
using testing::make_domain;
using testing::pretrained_on_a;
using testing::train_epochs;

std::vector<float> params_of(const FloatMlp& m) {
  std::vector<float> p(m.num_parameters());
  m.get_parameters(p.data());
  return p;
}

// A non-linear toy problem: positive when 1.5 x0 - x1 + 0.5 x2^2 > 0.5, with a margin.
Data make_toy(size_t n, uint64_t seed) { return testing::make_nonlinear_toy(n, seed); }

double full_loss(const FloatMlp& m, const Data& d) {
  Workspace ws;
  return m.loss(d.x.data(), d.y.data(), nullptr, d.n, {}, &ws);
}

// The code objective of hidden layer l at codes c, with the pre-step model and the step's batch.
double code_objective(const FloatMlp& before, const AmAdam& am, int l, const Matrix& c,
                      const float* y) {
  CodeScratch s;
  const Matrix& c0 = am.forward_codes()[l];
  if (l + 2 == before.num_layers()) {
    return output_code_objective(before.layer(l + 1), c, c0, y, {}, am.config().mu, nullptr, &s);
  }
  return hidden_code_objective(before.layer(l + 1), c, c0, am.codes()[l + 1], nullptr, &s);
}

// One code step lowers every layer's code objective, from batch 1 up.
TEST(AmAdamTest, CodeStepLowersTheCodeObjective) {
  // A network trained on A meeting B: large code gradients, the continual-learning case.
  const FloatMlp start = pretrained_on_a();
  const Data d = make_domain(true, 200, 40);
  size_t lowered = 0, checked = 0;
  for (size_t n : {1, 2, 5, 10, 50, 200}) {
    for (size_t first = 0; first + n <= d.n && first < 20 * n; first += n) {
      FloatMlp m = start;
      AmAdam am;
      am.step(m, &d.x[first * 5], &d.y[first], n, {}, nullptr, nullptr);
      for (int l = 0; l + 1 < start.num_layers(); ++l) {
        const double before = code_objective(start, am, l, am.forward_codes()[l], &d.y[first]);
        const double after = code_objective(start, am, l, am.codes()[l], &d.y[first]);
        // Equal (to rounding) only where the gradient vanishes: confident rows, ReLUs off.
        EXPECT_LE(after, before * (1 + 1e-6) + 1e-12)
            << "n " << n << " row " << first << " layer " << l;
        lowered += after < before * (1 - 1e-3) ? 1 : 0;
        ++checked;
      }
    }
  }
  EXPECT_GT(lowered, checked / 2);  // and clearly lowered in most steps
}

// The batch's logits through the output block at the updated codes, with the pre-step weights.
Matrix logits_at_codes(const FloatMlp& before, const AmAdam& am) {
  const int top = before.num_layers() - 2;
  Matrix z = am.codes()[top].cwiseMax(0.0f) * before.layer(top + 1).w;
  z.rowwise() += before.layer(top + 1).b;
  return z;
}

// The capped step moves a sample's code by the same amount whatever the batch (the cap grows
// with n as the batch-mean gradient shrinks), and changes its logit by at most
// 4 |sigmoid(z) - y|, a Newton step for the logistic loss's largest curvature. The reference's
// step moves it n times further at batch 1 than in a batch
// of n, hundreds of units at batch 1.
TEST(AmAdamTest, CodeMoveOfASampleDoesNotGrowAsTheBatchShrinks) {
  const FloatMlp start = pretrained_on_a();
  const Data d = make_domain(true, 64, 41);
  std::vector<float> p(d.n);
  start.predict_proba(d.x.data(), d.n, p.data());
  size_t wrong = 0;  // a sample the model gets badly wrong, moved to the front of every batch
  while (wrong < d.n && std::fabs(p[wrong] - d.y[wrong]) < 0.5f) ++wrong;
  ASSERT_LT(wrong, d.n);
  Data batch = d;
  std::swap_ranges(&batch.x[0], &batch.x[5], &batch.x[wrong * 5]);
  std::swap(batch.y[0], batch.y[wrong]);

  const int top = start.num_layers() - 2;
  double largest_reference_logit_move = 0.0;
  auto move_of_row0 = [&](size_t n, bool stable) {
    FloatMlp m = start;
    AmAdamConfig c;
    c.stable_codes = stable;
    AmAdam am(c);
    am.step(m, batch.x.data(), batch.y.data(), n, {}, nullptr, nullptr);
    const Matrix dz = logits_at_codes(start, am) - am.forward_codes()[top + 1];
    if (stable) {
      for (size_t i = 0; i < n; ++i) {
        const double sigma = 1.0 / (1.0 + std::exp(-am.forward_codes()[top + 1](i, 0)));
        EXPECT_LE(std::fabs(dz(i, 0)), 4.0 * std::fabs(sigma - batch.y[i]) + 1e-4)
            << "n " << n << " row " << i;
      }
    } else {
      largest_reference_logit_move = std::max<double>(largest_reference_logit_move, dz.norm());
    }
    return (am.codes()[top].row(0) - am.forward_codes()[top].row(0)).norm();
  };
  const double stable1 = move_of_row0(1, true), reference1 = move_of_row0(1, false);
  ASSERT_GT(stable1, 0.1);
  std::printf("code move at batch 1: capped %.3f, reference %.1f\n", stable1, reference1);
  for (size_t n : {2, 8, 32}) {
    EXPECT_NEAR(move_of_row0(n, true), stable1, 1e-4 * stable1) << "batch " << n;
    EXPECT_NEAR(reference1 / move_of_row0(n, false), static_cast<double>(n), 1e-3 * n)
        << "batch " << n;
  }
  EXPECT_GT(reference1, 100.0 * stable1);
  EXPECT_GT(largest_reference_logit_move, 50.0);
}

// Over thousands of steps at batch 1, 2, 5 and 10, the held-out loss is finite and falls; the
// reference recipe on the same stream does not fall at batch 1 and 2, and ends worse and with
// larger excursions at every one of these sizes.
TEST(AmAdamTest, StableAtSmallBatchesWhereTheReferenceIsNot) {
  const Data train = make_toy(40000, 1), test = make_toy(4000, 2);
  struct Run {
    double first = 0, last = 0, worst = 0;
  };
  auto run = [&](size_t batch, bool stable) {
    FloatMlp m({5, 25, 30, 1}, 3);
    AmAdamConfig c;
    c.stable_codes = stable;
    AmAdam am(c);
    Run r;
    for (int s = 0; s < 4000; ++s) {
      const size_t start = (static_cast<size_t>(s) * batch) % (train.n - batch);
      am.step(m, &train.x[start * 5], &train.y[start], batch, {}, nullptr, nullptr);
      if (s % 100 != 99) continue;
      const double l = full_loss(m, test);
      if (!std::isfinite(l)) return Run{r.first, INFINITY, INFINITY};
      if (s < 1000) r.first += l / 10;  // mean over the first 1000 steps
      if (s >= 3000) r.last += l / 10;  // and over the last 1000
      if (s >= 1000) r.worst = std::max(r.worst, l);
    }
    return r;
  };
  for (size_t batch : {1, 2, 5, 10}) {
    const Run stable = run(batch, true), reference = run(batch, false);
    char numbers[200];
    std::snprintf(numbers, sizeof(numbers),
                  "batch %zu held-out loss first/last/worst: capped %.3f %.3f %.3f, reference "
                  "%.3f %.3f %.3f",
                  batch, stable.first, stable.last, stable.worst, reference.first, reference.last,
                  reference.worst);
    std::printf("%s\n", numbers);
    EXPECT_TRUE(std::isfinite(stable.worst)) << numbers;
    EXPECT_LT(stable.last, 0.6 * stable.first) << numbers;
    EXPECT_LT(stable.last, 0.1) << numbers;
    EXPECT_LT(stable.last, reference.last) << numbers;
    EXPECT_LT(stable.worst, reference.worst) << numbers;
    if (batch <= 2) {
      EXPECT_GT(reference.last, 0.7 * reference.first) << numbers;  // the reference stalls
    }
  }
}

// The seed study's claim: AM-Adam reaches Adam's accuracy within one point on undegraded events.
TEST(AmAdamTest, WithinOnePointOfAdamOnPhysicsData) {
  const auto [train, test] = testing::physics_split(7, 300, 200);
  ASSERT_GT(train.rows(), 300u * 100u);
  std::string error;
  AlgorithmConfig adam_config, am_config;
  am_config.name = "am-adam";
  auto adam = make_algorithm(adam_config, &error);
  auto am = make_algorithm(am_config, &error);
  ASSERT_NE(am, nullptr) << error;
  EXPECT_EQ(am->name(), "am-adam");
  FloatMlp by_adam({5, 25, 30, 1}, 11), by_am = by_adam;
  train_epochs(*adam, by_adam, train, 3, 50, 12);
  train_epochs(*am, by_am, train, 3, 50, 12);
  const double acc_adam = accuracy_on(by_adam, test), acc_am = accuracy_on(by_am, test);
  double positives = 0;
  for (float y : test.y) positives += y;
  const double majority = 1.0 - positives / test.rows();
  Workspace ws;
  const double loss_adam =
      by_adam.loss(test.x.data(), test.y.data(), nullptr, test.rows(), {}, &ws);
  const double loss_am = by_am.loss(test.x.data(), test.y.data(), nullptr, test.rows(), {}, &ws);
  char numbers[200];
  std::snprintf(numbers, sizeof(numbers),
                "test accuracy (loss): adam %.5f (%.4f), am-adam %.5f (%.4f); majority class "
                "%.4f, %zu tracks",
                acc_adam, loss_adam, acc_am, loss_am, majority, test.rows());
  std::printf("%s\n", numbers);
  EXPECT_GT(acc_adam, majority + 0.02) << numbers;  // the network learnt something
  EXPECT_GT(acc_am, acc_adam - 0.01) << numbers;
}

// A strategy's parameter gradient joins every layer's Adam step: a penalty with a huge constant
// gradient makes Adam's first step move every parameter by -lr_weights.
class ConstantPenalty final : public Strategy {
 public:
  void add_penalty_gradients(const FloatMlp& model, const float*, const float*, size_t,
                             Gradients* grads, double* loss) override {
    seen = params_of(model);
    for (auto& w : grads->dw) w.array() += 1e6f;
    for (auto& b : grads->db) b.array() += 1e6f;
    *loss += 42.0;
    ++calls;
  }
  void on_published(const FloatMlp&) override {}
  const char* name() const override { return "constant"; }
  std::vector<float> seen;
  int calls = 0;
};

TEST(AmAdamTest, StrategyGradientJoinsEveryLayersStep) {
  const FloatMlp start({5, 25, 30, 1}, 5);
  const Data d = make_domain(false, 32, 42);
  FloatMlp m = start;
  AmAdam am;
  ConstantPenalty penalty;
  double p = 0.0;
  am.step(m, d.x.data(), d.y.data(), d.n, {}, &penalty, &p);
  EXPECT_EQ(penalty.calls, 1);
  EXPECT_EQ(p, 42.0);
  EXPECT_EQ(penalty.seen, params_of(start));  // the pre-step model
  const std::vector<float> p0 = params_of(start), p1 = params_of(m);
  for (size_t k = 0; k < p0.size(); ++k) {
    EXPECT_NEAR(p1[k] - p0[k], -am.config().lr_weights, 1e-5) << "parameter " << k;
  }
  // Without the strategy the same step moves the parameters differently.
  FloatMlp plain = start;
  AmAdam().step(plain, d.x.data(), d.y.data(), d.n, {}, nullptr, &p);
  EXPECT_EQ(p, 0.0);
  EXPECT_NE(params_of(plain), p1);
}

// The layers' weight steps are independent: run in parallel or one after the other they give
// the same model, bit for bit.
TEST(AmAdamTest, ParallelAndSerialLayersAgree) {
  const Data d = make_toy(2000, 43);
  FloatMlp a({5, 25, 30, 1}, 6), b = a;
  AmAdamConfig serial;
  serial.parallel_layers = false;
  AmAdam parallel_am, serial_am(serial);
  for (size_t i = 0; i + 50 <= d.n; i += 50) {
    parallel_am.step(a, &d.x[i * 5], &d.y[i], 50, {}, nullptr, nullptr);
    serial_am.step(b, &d.x[i * 5], &d.y[i], 50, {}, nullptr, nullptr);
  }
  EXPECT_EQ(params_of(a), params_of(b));
  EXPECT_NE(params_of(a), params_of(FloatMlp({5, 25, 30, 1}, 6)));
  EXPECT_EQ(parallel_am.weight_steps_taken(), 40);
}

TEST(AmAdamTest, NoAllocationOnceWarm) {
  const Data d = make_toy(600, 44);
  for (bool parallel : {false, true}) {
    AmAdamConfig c;
    c.parallel_layers = parallel;
    AmAdam am(c);
    FloatMlp m({5, 25, 30, 1}, 7);
    Ewc ewc;
    for (size_t i = 0; i < 10; ++i) am.step(m, &d.x[i * 50], &d.y[i * 10], 10, {}, &ewc, nullptr);
    g_allocations = 0;
    g_count_allocations = true;
    for (size_t i = 10; i < 50; ++i) am.step(m, &d.x[i * 50], &d.y[i * 10], 10, {}, &ewc, nullptr);
    g_count_allocations = false;
    EXPECT_EQ(g_allocations.load(), 0) << (parallel ? "parallel" : "serial");
  }
  // The counter does count: a first step sizes its buffers.
  AmAdam fresh;
  FloatMlp m({5, 25, 30, 1}, 7);
  g_allocations = 0;
  g_count_allocations = true;
  fresh.step(m, d.x.data(), d.y.data(), 10, {}, nullptr, nullptr);
  g_count_allocations = false;
  EXPECT_GT(g_allocations.load(), 0);
}

TEST(AmAdamTest, ResetForgetsTheMoments) {
  const Data d = make_toy(200, 45);
  FloatMlp a({5, 25, 30, 1}, 8);
  AmAdam am;
  am.step(a, d.x.data(), d.y.data(), 100, {}, nullptr, nullptr);
  const FloatMlp after_first = a;
  am.reset();
  EXPECT_EQ(am.weight_steps_taken(), 0);
  am.step(a, &d.x[500], &d.y[100], 100, {}, nullptr, nullptr);
  // After reset, the same step as a fresh AM-Adam's from the same weights.
  FloatMlp b = after_first;
  AmAdam().step(b, &d.x[500], &d.y[100], 100, {}, nullptr, nullptr);
  EXPECT_EQ(params_of(a), params_of(b));
  // Without reset the moments of the first step change the second.
  FloatMlp c({5, 25, 30, 1}, 8);
  AmAdam kept;
  kept.step(c, d.x.data(), d.y.data(), 100, {}, nullptr, nullptr);
  kept.step(c, &d.x[500], &d.y[100], 100, {}, nullptr, nullptr);
  EXPECT_NE(params_of(c), params_of(b));
}

// Through ContinualLearner::set_algorithm: AM-Adam learns new conditions, and EWC and LwF still
// do what they are for (with a strong penalty the model stays near what it is protecting).
TEST(AmAdamTest, WorksInContinualLearnerWithEwcAndLwf) {
  const FloatMlp start = pretrained_on_a();
  const Data a_test = make_domain(false, 4000, 50), b_test = make_domain(true, 4000, 51);
  const Data a_fisher = make_domain(false, 4096, 52), b_stream = make_domain(true, 20000, 53);
  ContinualConfig cc;
  cc.replay_fraction = 0.0f;  // only the strategies protect A
  AlgorithmConfig ac;
  ac.name = "am-adam";
  auto learner_with = [&](std::unique_ptr<Strategy> strategy) {
    auto learner = std::make_unique<ContinualLearner>(start, cc);
    learner->set_algorithm(make_algorithm(ac, nullptr));
    learner->set_strategy(std::move(strategy));
    learner->add_samples(b_stream.x.data(), b_stream.y.data(), b_stream.n);
    return learner;
  };
  EwcConfig ec;
  ec.lambda = 1e4f;
  auto ewc = std::make_unique<Ewc>(ec);
  for (size_t i = 0; i + 64 <= a_fisher.n; i += 64) {
    ewc->accumulate_fisher(start, &a_fisher.x[i * 5], &a_fisher.y[i], 64);
  }
  ewc->consolidate(start);
  const std::vector<float> fisher = ewc->fisher();
  LwfConfig lc;
  lc.weight = 20.0f;
  const auto naive = learner_with(nullptr);
  const auto with_ewc = learner_with(std::move(ewc));
  const auto with_lwf = learner_with(std::make_unique<Lwf>(start, lc));
  EXPECT_EQ(naive->algorithm().name(), "am-adam");
  EXPECT_GT(with_ewc->last_penalty(), 0.0);
  EXPECT_GT(with_lwf->last_penalty(), 0.0);

  // How far the quarter of the parameters with the largest Fisher moved from the start.
  std::vector<size_t> order(fisher.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return fisher[i] > fisher[j]; });
  const std::vector<float> p0 = params_of(start);
  auto top_fisher_move = [&](const ContinualLearner& l) {
    const std::vector<float> p = params_of(l.model());
    double move = 0;
    for (size_t r = 0; r < order.size() / 4; ++r) move += std::fabs(p[order[r]] - p0[order[r]]);
    return move / (order.size() / 4);
  };
  const double start_a = accuracy_on(start, a_test), start_b = accuracy_on(start, b_test);
  const double naive_a = accuracy_on(naive->model(), a_test),
               naive_b = accuracy_on(naive->model(), b_test);
  const double ewc_a = accuracy_on(with_ewc->model(), a_test),
               ewc_b = accuracy_on(with_ewc->model(), b_test);
  const double lwf_a = accuracy_on(with_lwf->model(), a_test);
  const double move_naive = top_fisher_move(*naive), move_ewc = top_fisher_move(*with_ewc);
  char numbers[300];
  std::snprintf(numbers, sizeof(numbers),
                "A/B accuracy: start %.3f/%.3f, naive %.3f/%.3f, ewc %.3f/%.3f, lwf A %.3f; "
                "top-Fisher quarter moved: naive %.3f, ewc %.3f",
                start_a, start_b, naive_a, naive_b, ewc_a, ewc_b, lwf_a, move_naive, move_ewc);
  std::printf("%s\n", numbers);
  ASSERT_GT(start_a, 0.95) << numbers;
  EXPECT_GT(naive_b, start_b + 0.2) << numbers;  // AM-Adam learns the new conditions
  EXPECT_GT(ewc_a, naive_a + 0.05) << numbers;   // EWC remembers A ...
  EXPECT_GT(ewc_b, start_b + 0.1) << numbers;    // ... and still learns B
  EXPECT_LT(move_ewc, 0.5 * move_naive) << numbers;
  EXPECT_GT(lwf_a, naive_a + 0.05) << numbers;  // distillation from the model in service
}

TEST(AmAdamTest, MakeAlgorithmBuildsAndChecksAmAdam) {
  AlgorithmConfig c;
  c.name = "am-adam";
  c.lr_codes = 0.1f;
  c.mu = 0.01f;
  c.code_steps = 2;
  c.parallel_layers = false;
  std::string error;
  auto algorithm = make_algorithm(c, &error);
  ASSERT_NE(algorithm, nullptr) << error;
  const auto* am = dynamic_cast<const AmAdam*>(algorithm.get());
  ASSERT_NE(am, nullptr);
  EXPECT_EQ(am->config().lr_codes, 0.1f);
  EXPECT_EQ(am->config().lr_weights, 0.008f);
  EXPECT_EQ(am->config().mu, 0.01f);
  EXPECT_EQ(am->config().code_steps, 2);
  EXPECT_EQ(am->config().weight_steps, 1);
  EXPECT_FALSE(am->config().parallel_layers);
  EXPECT_EQ(AlgorithmConfig{}.lr_codes, AmAdamConfig{}.lr_codes);  // one set of defaults
  EXPECT_EQ(AlgorithmConfig{}.lr_weights, AmAdamConfig{}.lr_weights);
  EXPECT_EQ(AlgorithmConfig{}.mu, AmAdamConfig{}.mu);

  c.mu = 0.0f;
  EXPECT_EQ(make_algorithm(c, &error), nullptr);
  EXPECT_NE(error.find("mu"), std::string::npos) << error;
  c.mu = 0.003f;
  c.weight_steps = 0;
  EXPECT_EQ(make_algorithm(c, &error), nullptr);
  EXPECT_NE(error.find("weight_steps"), std::string::npos) << error;
  c.weight_steps = 1;
  c.lr_weights = NAN;
  EXPECT_EQ(make_algorithm(c, &error), nullptr);
  EXPECT_NE(error.find("lr_weights"), std::string::npos) << error;
  c.name = "am_adam";
  EXPECT_EQ(make_algorithm(c, &error), nullptr);
  EXPECT_NE(error.find("unknown algorithm 'am_adam'"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::nn
