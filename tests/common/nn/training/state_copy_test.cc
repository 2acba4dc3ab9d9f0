// The in-memory state copies behind the continual learner's step guard (state_copy.h): for each
// algorithm (sgd, adam, am-adam, with and without quantisation-aware training) putting back a
// copy gives exactly the state it was taken from, so the next step is bit for bit the step a
// twin that never took the undone one makes; a copy taken before the first step puts back "no
// step yet"; and a non-finite batch shows in step_finite / state_finite.
#include "common/nn/training/state_copy.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "common/nn/training/algorithm.h"

namespace l1t::nn {
namespace {

struct Batch {
  std::vector<float> x, y;
};

Batch batch(uint64_t seed, size_t n = 32) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g;
  Batch b;
  b.x.resize(n * kNumFeatures);
  b.y.resize(n);
  for (auto& v : b.x) v = g(rng);
  for (size_t i = 0; i < n; ++i) b.y[i] = b.x[i * kNumFeatures] > 0 ? 1.0f : 0.0f;
  return b;
}

double step(Algorithm& a, FloatMlp& m, const Batch& b) {
  return a.step(m, b.x.data(), b.y.data(), b.y.size(), LossOptions{}, nullptr, nullptr);
}

StateBlob saved(const Algorithm& a) {
  StateBlob s;
  a.save_state(&s);
  return s;
}

class StateCopyTest : public ::testing::TestWithParam<std::tuple<std::string, bool>> {
 protected:
  std::unique_ptr<Algorithm> make() {
    AlgorithmConfig c;
    c.name = std::get<0>(GetParam());
    c.quantisation_aware = std::get<1>(GetParam());
    std::string error;
    auto a = make_algorithm(c, &error);
    EXPECT_NE(a, nullptr) << error;
    return a;
  }
};

TEST_P(StateCopyTest, PutBackGivesTheSameStateAndTheSameNextStep) {
  auto a = make(), twin = make();
  FloatMlp ma({kNumFeatures, 25, 30, 1}, 3), mt = ma;
  for (uint64_t s = 0; s < 5; ++s) {
    step(*a, ma, batch(s));
    step(*twin, mt, batch(s));
  }
  StateCopy copy;
  a->copy_state(&copy);
  const StateBlob before = saved(*a);
  const FloatMlp model_before = ma;
  step(*a, ma, batch(99));  // the step to undo
  EXPECT_NE(saved(*a), before);
  a->put_back_state(copy);
  ma = model_before;
  EXPECT_EQ(saved(*a), before);
  EXPECT_TRUE(a->state_finite());
  for (uint64_t s = 10; s < 13; ++s) {
    EXPECT_EQ(step(*a, ma, batch(s)), step(*twin, mt, batch(s)));
  }
  EXPECT_EQ(saved(*a), saved(*twin));
  for (int l = 0; l < ma.num_layers(); ++l) {
    EXPECT_EQ(ma.layer(l).w, mt.layer(l).w);
    EXPECT_EQ(ma.layer(l).b, mt.layer(l).b);
  }
}

TEST_P(StateCopyTest, CopyBeforeTheFirstStepPutsBackAFreshAlgorithm) {
  auto a = make(), fresh = make();
  FloatMlp m({kNumFeatures, 25, 30, 1}, 3);
  StateCopy copy;
  a->copy_state(&copy);
  step(*a, m, batch(1));
  a->put_back_state(copy);
  EXPECT_EQ(saved(*a), saved(*fresh));
}

TEST_P(StateCopyTest, NonFiniteBatchShowsInStepFinite) {
  auto a = make();
  FloatMlp m({kNumFeatures, 25, 30, 1}, 3);
  step(*a, m, batch(1));
  EXPECT_TRUE(a->step_finite());
  StateCopy copy;
  a->copy_state(&copy);
  Batch bad = batch(2);
  bad.x[4] = std::numeric_limits<float>::quiet_NaN();
  step(*a, m, bad);
  EXPECT_FALSE(a->step_finite());
  a->put_back_state(copy);
  EXPECT_TRUE(a->state_finite()) << "the moments are back; only the scratch gradients are not";
}

INSTANTIATE_TEST_SUITE_P(Algorithms, StateCopyTest,
                         ::testing::Combine(::testing::Values("sgd", "adam", "am-adam"),
                                            ::testing::Bool()),
                         [](const auto& info) {
                           std::string n = std::get<0>(info.param);
                           if (n == "am-adam") n = "am_adam";
                           return n + (std::get<1>(info.param) ? "_qat" : "");
                         });

TEST(StateCopyTest, BlockFiniteFindsAnyNaNOrInfinity) {
  Matrix m = Matrix::Constant(7, 9, 3e38f);  // large but finite: the test must not overflow
  EXPECT_TRUE(block_finite(m));
  m(3, 4) = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(block_finite(m));
  m(3, 4) = -std::numeric_limits<float>::infinity();
  EXPECT_FALSE(block_finite(m));
  m(3, 4) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(block_finite(m));
  EXPECT_TRUE(block_finite(Matrix(0, 0)));
}

}  // namespace
}  // namespace l1t::nn
