// The continual learner's step guard (continual_learner.h): a batch that makes a step
// non-finite (a NaN feature or label given straight to the learner, bypassing the trainer's own
// checks; features of 1e30 that are finite but overflow; a diverging learning rate) is undone
// bit for bit, for every algorithm (sgd, adam, am-adam), with and without quantisation-aware
// training, and every strategy (none, naive, replay, ewc, lwf); learning then goes on exactly as
// if the batch had never come, and the replay memory never holds a bad row.
#include "common/nn/continual/continual_learner.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "common/nn/continual/ewc.h"
#include "common/nn/continual/lwf.h"
#include "common/nn/training/algorithm.h"
#include "common/nn/training/qat.h"
#include "tests/support/two_domains.h"

namespace l1t::nn {
namespace {

using testing::Data;
using testing::make_domain;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// algorithm, strategy, quantisation-aware
using Case = std::tuple<std::string, std::string, bool>;

// The learner as the trainer's learner_setup builds it: replay memory only for "replay", EWC or
// LwF as the strategy's penalty. "none" (the trainer does not train at all then) and "naive" are
// the same learner here: no strategy, no replay.
std::unique_ptr<ContinualLearner> make_learner(const Case& c, const FloatMlp& start,
                                               bool guard = true) {
  const auto& [algorithm, strategy, qat] = c;
  ContinualConfig cc;
  cc.batch_size = 32;
  cc.replay_capacity = strategy == "replay" ? 400 : 0;
  cc.replay_fraction = strategy == "replay" ? 0.5f : 0.0f;
  cc.guard_steps = guard;
  auto learner = std::make_unique<ContinualLearner>(start, cc);
  AlgorithmConfig a;
  a.name = algorithm;
  a.learning_rate = algorithm == "sgd" ? 0.01f : 1e-3f;
  a.quantisation_aware = qat;
  std::string error;
  auto made = make_algorithm(a, &error);
  EXPECT_NE(made, nullptr) << error;
  learner->set_algorithm(std::move(made));
  if (strategy == "ewc") learner->set_strategy(std::make_unique<Ewc>());
  if (strategy == "lwf") learner->set_strategy(std::make_unique<Lwf>(start));
  return learner;
}

std::vector<float> parameters(const ContinualLearner& l) {
  std::vector<float> p(l.model().num_parameters());
  l.model().get_parameters(p.data());
  return p;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Everything a checkpoint would keep of the learner, to compare before and after.
struct Snapshot {
  std::vector<float> params, replay_x, replay_y;
  uint64_t replay_seen = 0;
  StateBlob algorithm, strategy, learner;
  uint64_t steps = 0, trained = 0;
};

Snapshot snapshot(ContinualLearner& l) {
  Snapshot s;
  s.params = parameters(l);
  const ReplayBuffer& r = l.replay();
  for (size_t i = 0; i < r.size(); ++i) {
    s.replay_x.insert(s.replay_x.end(), r.row(i), r.row(i) + r.width());
    s.replay_y.push_back(r.label(i));
  }
  s.replay_seen = r.seen();
  l.algorithm().save_state(&s.algorithm);
  if (l.strategy() != nullptr) l.strategy()->save_state(&s.strategy);
  l.save_state(&s.learner);
  s.steps = l.steps();
  s.trained = l.samples_trained();
  return s;
}

void expect_same(const Snapshot& a, const Snapshot& b) {
  EXPECT_TRUE(same_bits(a.params, b.params)) << "parameters differ";
  EXPECT_TRUE(same_bits(a.replay_x, b.replay_x)) << "replay rows differ";
  EXPECT_EQ(a.replay_y, b.replay_y);
  EXPECT_EQ(a.replay_seen, b.replay_seen);
  EXPECT_EQ(a.algorithm, b.algorithm) << a.algorithm.describe() << " vs " << b.algorithm.describe();
  EXPECT_EQ(a.strategy, b.strategy) << a.strategy.describe() << " vs " << b.strategy.describe();
  EXPECT_EQ(a.learner, b.learner) << "learner state (random states, loss average) differs";
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.trained, b.trained);
}

// One step's worth of fresh rows, poisoned as `kind` says.
Data poison(const std::string& kind, size_t rows, uint64_t seed) {
  Data d = make_domain(true, rows, seed);
  if (kind == "nan_feature") d.x[3 * kNumFeatures + 2] = kNaN;
  if (kind == "huge_features") {
    for (float& v : d.x) v = v >= 0 ? 1e30f : -1e30f;  // finite, passes an isfinite check
  }
  if (kind == "nan_label") d.y[5] = kNaN;
  if (kind == "inf_feature") d.x[0] = std::numeric_limits<float>::infinity();
  return d;
}

Optimizer* optimizer_of(Algorithm& a) {
  Algorithm* inner = &a;
  if (auto* q = dynamic_cast<QuantisationAware*>(inner)) inner = &q->inner();
  auto* b = dynamic_cast<BackpropAlgorithm*>(inner);
  return b ? &b->optimizer() : nullptr;
}

class StepGuardTest : public ::testing::TestWithParam<Case> {};

TEST_P(StepGuardTest, PoisonedStepIsUndoneBitForBitAndLearningGoesOn) {
  const FloatMlp start({kNumFeatures, 25, 30, 1}, 7);
  auto clean = make_learner(GetParam(), start);  // never sees the poison
  auto poisoned = make_learner(GetParam(), start);
  const size_t fresh = poisoned->fresh_per_step();
  const Data warm = make_domain(false, 30 * fresh, 1), later = make_domain(true, 40 * fresh, 2);
  for (ContinualLearner* l : {clean.get(), poisoned.get()}) {
    l->add_samples(warm.x.data(), warm.y.data(), warm.n);
    l->mark_published();  // EWC anchored, LwF's teacher refreshed: their state is non-trivial
    l->add_samples(warm.x.data(), warm.y.data(), 10 * fresh);
    ASSERT_EQ(l->pending(), 0u);
  }
  const Snapshot before = snapshot(*poisoned);

  const std::vector<std::string> kinds = {"nan_feature", "huge_features", "nan_label",
                                          "inf_feature"};
  for (size_t k = 0; k < kinds.size(); ++k) {
    SCOPED_TRACE(kinds[k]);
    const Data bad = poison(kinds[k], fresh, 100 + k);
    EXPECT_EQ(poisoned->add_samples(bad.x.data(), bad.y.data(), bad.n), 0u) << "no step taken";
    EXPECT_EQ(poisoned->steps_restored(), k + 1);
    EXPECT_STRNE(poisoned->last_restore_reason(), "");
    EXPECT_EQ(poisoned->pending(), 0u);
    expect_same(before, snapshot(*poisoned));
    EXPECT_TRUE(poisoned->replay().all_admissible());
    std::string why;
    EXPECT_TRUE(poisoned->healthy(&why)) << why;
  }
  EXPECT_EQ(poisoned->rows_dropped(), kinds.size() * fresh);

  // A learning rate that makes the step diverge (backpropagation's optimisers only).
  if (Optimizer* opt = optimizer_of(poisoned->algorithm())) {
    const float lr = opt->learning_rate();
    opt->set_learning_rate(1e30f);
    const Data d = make_domain(true, fresh, 200);
    poisoned->add_samples(d.x.data(), d.y.data(), d.n);
    EXPECT_EQ(poisoned->steps_restored(), kinds.size() + 1) << "huge learning rate";
    expect_same(before, snapshot(*poisoned));
    opt->set_learning_rate(lr);
  }

  // Learning goes on, exactly as in the learner that never saw the poison.
  const std::vector<float> p0 = parameters(*poisoned);
  poisoned->add_samples(later.x.data(), later.y.data(), later.n);
  clean->add_samples(later.x.data(), later.y.data(), later.n);
  EXPECT_TRUE(std::isfinite(poisoned->last_loss()));
  EXPECT_TRUE(std::isfinite(poisoned->loss_ema()));
  EXPECT_FALSE(same_bits(parameters(*poisoned), p0)) << "clean batches still move the weights";
  EXPECT_EQ(poisoned->steps(), clean->steps());
  expect_same(snapshot(*clean), snapshot(*poisoned));
  EXPECT_EQ(clean->steps_restored(), 0u);
  EXPECT_EQ(poisoned->replay_refused(), 0u) << "bad rows never reach the replay memory";
}

// Without the guard the same batch poisons the learner for good (what issue #12 measured), and
// healthy() says so: the trainer then refuses to checkpoint it.
TEST_P(StepGuardTest, WithoutTheGuardThePoisonStaysAndHealthySaysSo) {
  const FloatMlp start({kNumFeatures, 25, 30, 1}, 7);
  auto learner = make_learner(GetParam(), start, /*guard=*/false);
  const size_t fresh = learner->fresh_per_step();
  const Data warm = make_domain(false, 20 * fresh, 1);
  learner->add_samples(warm.x.data(), warm.y.data(), warm.n);
  EXPECT_TRUE(learner->healthy());
  const Data bad = poison("nan_feature", fresh, 3);
  learner->add_samples(bad.x.data(), bad.y.data(), bad.n);
  learner->add_samples(warm.x.data(), warm.y.data(), 5 * fresh);
  // With quantisation-aware training the forward pass sees the NaN masters quantised (to a
  // finite value), so the loss looks fine while the float masters stay NaN.
  if (!std::get<2>(GetParam())) {
    EXPECT_FALSE(std::isfinite(learner->last_loss()));
  }
  const std::vector<float> p = parameters(*learner);
  EXPECT_FALSE(std::all_of(p.begin(), p.end(), [](float v) { return std::isfinite(v); }));
  std::string why;
  EXPECT_FALSE(learner->healthy(&why));
  EXPECT_FALSE(why.empty());
  EXPECT_EQ(learner->steps_restored(), 0u);
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name = std::get<0>(info.param) + "_" + std::get<1>(info.param) +
                     (std::get<2>(info.param) ? "_qat" : "");
  for (char& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithmsAndStrategies, StepGuardTest,
                         ::testing::Combine(::testing::Values("sgd", "adam", "am-adam"),
                                            ::testing::Values("none", "naive", "replay", "ewc",
                                                              "lwf"),
                                            ::testing::Bool()),
                         case_name);

// Labels 5 and -3 (finite, so the step itself stays finite) and a soft 0.5 never enter the
// replay memory; the rest of the batch does.
TEST(StepGuardReplayTest, ReplayRefusesLabelsOutsideZeroOne) {
  ContinualConfig c;
  c.batch_size = 32;
  c.replay_capacity = 1000;
  ContinualLearner learner(FloatMlp({kNumFeatures, 25, 30, 1}, 1), c);
  Data d = make_domain(false, 64, 4);
  d.y[2] = 5.0f;
  d.y[9] = -3.0f;
  d.y[40] = 0.5f;
  learner.add_samples(d.x.data(), d.y.data(), d.n);
  EXPECT_EQ(learner.replay_refused(), 3u);
  EXPECT_EQ(learner.replay().size(), 61u);
  EXPECT_EQ(learner.replay().seen(), 61u);
  EXPECT_TRUE(learner.replay().all_admissible());
  EXPECT_TRUE(learner.healthy());
}

}  // namespace
}  // namespace l1t::nn
