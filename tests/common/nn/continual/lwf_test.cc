#include "common/nn/continual/lwf.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "common/nn/continual/continual_learner.h"
#include "common/nn/training/pretrain.h"
#include "tests/support/gradient_check.h"

namespace l1t::nn {
namespace {

struct Data {
  std::vector<float> x, y;
  size_t n = 0;
};

// Rows in the region x4 ~ -2 (or +2 for `far`), labelled by the sign of x[label_feature].
Data make_data(int label_feature, bool far, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  Data d;
  d.n = n;
  for (size_t i = 0; i < n; ++i) {
    float row[5];
    for (float& v : row) v = g(rng);
    row[4] = (far ? 2.0f : -2.0f) + 0.5f * row[4];
    d.x.insert(d.x.end(), row, row + 5);
    d.y.push_back(row[label_feature] > 0 ? 1.0f : 0.0f);
  }
  return d;
}

FloatMlp pretrained_teacher() {
  const Data a = make_data(0, false, 20000, 1);
  FloatMlp m({5, 25, 30, 1}, 2);
  PretrainConfig c;
  c.epochs = 5;
  c.batch = 64;
  c.lr = 3e-3f;
  pretrain(m, a.x.data(), a.y.data(), a.n, c);
  return m;
}

std::vector<float> params_of(const FloatMlp& m) {
  std::vector<float> p(m.num_parameters());
  m.get_parameters(p.data());
  return p;
}

// Mean Bernoulli KL(teacher || student) over the rows of d.
double mean_kl(const FloatMlp& teacher, const FloatMlp& student, const Data& d) {
  std::vector<float> pt(d.n), ps(d.n);
  teacher.predict_proba(d.x.data(), d.n, pt.data());
  student.predict_proba(d.x.data(), d.n, ps.data());
  double kl = 0.0;
  for (size_t i = 0; i < d.n; ++i) {
    const double p = std::clamp<double>(pt[i], 1e-7, 1 - 1e-7);
    const double q = std::clamp<double>(ps[i], 1e-7, 1 - 1e-7);
    kl += p * std::log(p / q) + (1 - p) * std::log((1 - p) / (1 - q));
  }
  return kl / static_cast<double>(d.n);
}

// A copy of m whose logits are divided by t (last layer scaled).
FloatMlp with_logits_over(const FloatMlp& m, float t) {
  FloatMlp s = m;
  s.layer(s.num_layers() - 1).w /= t;
  s.layer(s.num_layers() - 1).b /= t;
  return s;
}

TEST(LwfTest, PenaltyGradientMatchesFiniteDifferences) {
  const FloatMlp teacher({5, 6, 4, 1}, 3);
  FloatMlp m({5, 6, 4, 1}, 4);
  const Data d = make_data(1, false, 48, 5);
  LwfConfig c;
  c.temperature = 2.5f;
  c.weight = 0.7f;
  Lwf lwf(teacher, c);

  Gradients g = m.make_gradients();
  Workspace ws;
  double loss = m.loss_and_gradients(d.x.data(), d.y.data(), nullptr, d.n, {}, &g, &ws);
  std::vector<float> data_only(m.num_parameters());
  flatten_gradients(g, data_only.data());
  const double data_loss = loss;
  lwf.add_penalty_gradients(m, d.x.data(), d.y.data(), d.n, &g, &loss);
  EXPECT_NEAR(loss - data_loss, lwf.distillation_loss(m, d.x.data(), d.n), 1e-9);
  std::vector<float> analytic(m.num_parameters());
  flatten_gradients(g, analytic.data());

  const std::vector<float> p = params_of(m);
  auto full_loss = [&](const std::vector<float>& q) {
    FloatMlp probe = m;
    probe.set_parameters(q.data());
    Workspace w;
    return probe.loss(d.x.data(), d.y.data(), nullptr, d.n, {}, &w) +
           lwf.distillation_loss(probe, d.x.data(), d.n);
  };
  // The penalty must change the gradient materially, or this check would prove nothing.
  float largest = 0.0f;
  for (size_t k = 0; k < analytic.size(); ++k)
    largest = std::max(largest, std::fabs(analytic[k] - data_only[k]));
  EXPECT_GT(largest, 0.05f);
  testing::expect_matches_central_differences(m, d.x.data(), d.n, p, analytic, full_loss);
}

// At T = 1 the penalty is alpha times the plain BCE against the teacher's probabilities.
TEST(LwfTest, TemperatureOneIsPlainBceToTeacherProbabilities) {
  const FloatMlp teacher({5, 8, 1}, 6), student({5, 8, 1}, 7);
  const Data d = make_data(0, false, 200, 8);
  std::vector<float> q(d.n);
  teacher.predict_proba(d.x.data(), d.n, q.data());
  Workspace ws;
  const double plain = student.loss(d.x.data(), q.data(), nullptr, d.n, {}, &ws);
  LwfConfig c;
  c.temperature = 1.0f;
  c.weight = 1.0f;
  EXPECT_NEAR(Lwf(teacher, c).distillation_loss(student, d.x.data(), d.n), plain, 1e-6 * plain);
  c.weight = 3.0f;
  EXPECT_NEAR(Lwf(teacher, c).distillation_loss(student, d.x.data(), d.n), 3.0 * plain,
              3e-6 * plain);
}

// At T the penalty is T^2 times the plain BCE of logits divided by T, so soft targets carry
// the teacher's confidence ordering and the gradient scale stays comparable across T.
TEST(LwfTest, TemperatureScalesLogitsAndLossByTSquared) {
  const FloatMlp teacher({5, 8, 1}, 6), student({5, 8, 1}, 7);
  const Data d = make_data(0, false, 200, 8);
  for (float t : {0.5f, 2.0f, 4.0f}) {
    const FloatMlp ts = with_logits_over(teacher, t), ss = with_logits_over(student, t);
    std::vector<float> q(d.n);
    ts.predict_proba(d.x.data(), d.n, q.data());
    Workspace ws;
    const double plain = ss.loss(d.x.data(), q.data(), nullptr, d.n, {}, &ws);
    LwfConfig c;
    c.temperature = t;
    c.weight = 1.0f;
    const double distill = Lwf(teacher, c).distillation_loss(student, d.x.data(), d.n);
    EXPECT_NEAR(distill, t * t * plain, 1e-5 * t * t * plain) << "T " << t;
  }
}

// The teacher is the penalty's minimum: a student equal to it gets no distillation gradient.
TEST(LwfTest, NoGradientWhenStudentEqualsTeacher) {
  const FloatMlp teacher({5, 8, 6, 1}, 9);
  const Data d = make_data(0, false, 64, 10);
  Lwf lwf(teacher, LwfConfig{});
  Gradients g = teacher.make_gradients();
  g.set_zero();
  double loss = 0.0;
  lwf.add_penalty_gradients(teacher, d.x.data(), d.y.data(), d.n, &g, &loss);
  EXPECT_GT(loss, 0.0);  // the teacher's own entropy, not zero
  std::vector<float> flat(teacher.num_parameters());
  flatten_gradients(g, flat.data());
  for (float v : flat) EXPECT_NEAR(v, 0.0f, 1e-6f);
}

TEST(LwfTest, TeacherRefreshedAtPublication) {
  const Data d = make_data(0, false, 1000, 11);
  const FloatMlp start({5, 25, 30, 1}, 1);
  ContinualConfig cc;
  cc.publish_every = 320;
  ContinualLearner learner(start, cc);
  auto owned = std::make_unique<Lwf>(start);
  Lwf* lwf = owned.get();
  learner.set_strategy(std::move(owned));
  learner.add_samples(d.x.data(), d.y.data(), 320);
  EXPECT_GT(learner.last_penalty(), 0.0);
  EXPECT_EQ(params_of(lwf->teacher()), params_of(start));
  ASSERT_TRUE(learner.publish_due());
  learner.mark_published();
  EXPECT_EQ(lwf->refreshes(), 1u);
  EXPECT_EQ(params_of(lwf->teacher()), params_of(learner.model()));
  EXPECT_NE(params_of(lwf->teacher()), params_of(start));

  LwfConfig keep;
  keep.refresh_on_publish = false;
  Lwf fixed(start, keep);
  fixed.on_published(learner.model());
  EXPECT_EQ(params_of(fixed.teacher()), params_of(start));
}

// The labels change on inputs the teacher knows (the rule moves from x0 to x1). With a large
// alpha the student's outputs on those inputs stay close to the teacher's; with alpha = 0 they
// follow the new labels away from it.
TEST(LwfTest, LargeAlphaKeepsOutputsCloseToTeacher) {
  const FloatMlp teacher = pretrained_teacher();
  const Data stream = make_data(1, false, 20000, 20), held_out = make_data(0, false, 5000, 21);
  ContinualConfig cc;
  cc.replay_fraction = 0.0f;
  auto run = [&](float alpha) {
    ContinualLearner learner(teacher, cc);
    LwfConfig c;
    c.weight = alpha;
    c.temperature = 2.0f;
    learner.set_strategy(std::make_unique<Lwf>(teacher, c));
    learner.add_samples(stream.x.data(), stream.y.data(), stream.n);
    return learner.model();
  };
  const double kl_strong = mean_kl(teacher, run(20.0f), held_out);
  const double kl_none = mean_kl(teacher, run(0.0f), held_out);
  char numbers[160];
  std::snprintf(numbers, sizeof(numbers),
                "mean KL(teacher || student): alpha 20 %.5f, alpha 0 %.5f", kl_strong, kl_none);
  std::printf("%s\n", numbers);
  EXPECT_GT(kl_none, 0.1) << numbers;  // the new labels do pull the model away
  EXPECT_LT(kl_strong, 0.2 * kl_none) << numbers;
}

// Covariate shift: new conditions elsewhere in feature space. Distilling on the new inputs
// alone still limits how far the outputs on the old region drift.
TEST(LwfTest, LimitsDriftOnOldRegionUnderCovariateShift) {
  const FloatMlp teacher = pretrained_teacher();
  const Data stream = make_data(1, true, 20000, 30), old_region = make_data(0, false, 5000, 31);
  ContinualConfig cc;
  cc.replay_fraction = 0.0f;
  auto run = [&](float alpha) {
    ContinualLearner learner(teacher, cc);
    LwfConfig c;
    c.weight = alpha;
    learner.set_strategy(std::make_unique<Lwf>(teacher, c));
    learner.add_samples(stream.x.data(), stream.y.data(), stream.n);
    return learner.model();
  };
  const double kl_lwf = mean_kl(teacher, run(5.0f), old_region);
  const double kl_none = mean_kl(teacher, run(0.0f), old_region);
  char numbers[160];
  std::snprintf(numbers, sizeof(numbers),
                "old region KL(teacher || student): alpha 5 %.5f, alpha 0 %.5f", kl_lwf, kl_none);
  std::printf("%s\n", numbers);
  EXPECT_LT(kl_lwf, kl_none) << numbers;
}

}  // namespace
}  // namespace l1t::nn
