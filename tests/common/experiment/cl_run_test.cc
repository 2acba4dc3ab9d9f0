#include "common/experiment/cl_run.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "tests/support/two_domains.h"

namespace l1t::experiment {
namespace {

using nn::testing::accuracy_on;
using nn::testing::Data;
using nn::testing::make_domain;

trigger::TrainingSet set_of(const Data& d) { return {d.x, d.y}; }

// Two experiences of the toy problem: A (what the model was pre-trained on), then B.
struct Toy {
  nn::FloatMlp initial = nn::testing::pretrained_on_a();
  Data pretrain = make_domain(false, 20000, 1);
  std::vector<ExperienceData> exps;
  Toy() {
    ExperienceData a, b;
    a.spec.name = "A";
    b.spec.name = "B";
    a.train = set_of(make_domain(false, 10000, 12));
    a.test = set_of(make_domain(false, 5000, 10));
    b.train = set_of(make_domain(true, 30000, 13));
    b.test = set_of(make_domain(true, 5000, 11));
    exps = {a, b};
  }
  ClInputs inputs() const {
    ClInputs in;
    in.initial = &initial;
    in.experiences = &exps;
    in.pretrain = {pretrain.x.data(), pretrain.y.data(), pretrain.n};
    return in;
  }
  ClRunResult run(const std::string& strategy, const std::string& algorithm = "adam") const {
    ClRunConfig c;
    c.strategy = strategy;
    c.algorithm = algorithm;
    ClRunResult r;
    std::string error;
    EXPECT_TRUE(run_cl(inputs(), c, &r, &error)) << error;
    std::printf("%-7s %-7s acc A->[%.3f %.3f] B->[%.3f %.3f] stream %.3f forgetting %.3f\n",
                strategy.c_str(), algorithm.c_str(), r.acc[0][0], r.acc[0][1], r.acc[1][0],
                r.acc[1][1], r.stream_accuracy, r.metrics.forgetting);
    return r;
  }
};

const Toy& toy() {
  static const Toy t;
  return t;
}

double rows_accuracy(const nn::FloatMlp& m, const trigger::TrainingSet& s) {
  std::vector<float> p(s.rows());
  m.predict_proba(s.x.data(), s.rows(), p.data());
  return nn::accuracy(p.data(), s.y.data(), s.rows());
}

TEST(ClRunTest, NoneIsTheFrozenInitialModel) {
  const Toy& t = toy();
  const ClRunResult r = t.run("none");
  ASSERT_EQ(r.acc.size(), 2u);
  const std::vector<double> b = {accuracy_on(t.initial, make_domain(false, 5000, 10)),
                                 accuracy_on(t.initial, make_domain(true, 5000, 11))};
  EXPECT_EQ(r.acc[0], b);
  EXPECT_EQ(r.acc[1], b);
  EXPECT_EQ(r.metrics.forgetting, 0.0);
  EXPECT_EQ(r.metrics.bwt, 0.0);
  EXPECT_EQ(r.metrics.fwt, 0.0);
  EXPECT_EQ(r.steps, 0u);
  // Stream accuracy of a frozen model is its accuracy on the streams.
  const double a = rows_accuracy(t.initial, t.exps[0].train);
  const double bb = rows_accuracy(t.initial, t.exps[1].train);
  EXPECT_NEAR(r.stream_accuracy_per_experience[0], a, 1e-12);
  EXPECT_NEAR(r.stream_accuracy_per_experience[1], bb, 1e-12);
  EXPECT_NEAR(r.stream_accuracy, (a * 10000 + bb * 30000) / 40000, 1e-9);
  EXPECT_EQ(r.stream_rows, 40000u);
}

TEST(ClRunTest, NaiveAdaptsAndForgetsReplayAndJointRemember) {
  const Toy& t = toy();
  const ClRunResult none = t.run("none"), naive = t.run("naive"), replay = t.run("replay"),
                    joint = t.run("joint");
  EXPECT_LT(none.acc[1][1], 0.7) << "the frozen model does not know B";
  EXPECT_GT(naive.acc[1][1], 0.93) << "naive learns B";
  EXPECT_GT(replay.acc[1][1], 0.93);
  EXPECT_GT(joint.acc[1][1], 0.93);
  EXPECT_GT(replay.acc[1][0], naive.acc[1][0] + 0.05) << "replay keeps A better than naive";
  EXPECT_GT(joint.acc[1][0], 0.93) << "joint trains on A and B together";
  EXPECT_LT(replay.metrics.forgetting, naive.metrics.forgetting);
  EXPECT_GT(naive.metrics.forgetting, 0.02);
  // Prequential accuracy on B lies between the frozen model's and the trained model's.
  EXPECT_GT(naive.stream_accuracy_per_experience[1], none.stream_accuracy_per_experience[1] + 0.1);
  EXPECT_LT(naive.stream_accuracy_per_experience[1], naive.acc[1][1]);
  // Joint trains on B only after the stream: its prequential accuracy on B is the model's
  // after A.
  EXPECT_NEAR(joint.stream_accuracy_per_experience[1], joint.acc[0][1], 0.03);
  EXPECT_GT(naive.steps, 0u);
  EXPECT_GT(replay.steps, naive.steps) << "replay steps take half their rows from memory";
}

TEST(ClRunTest, EwcAndLwfTrainWithEveryAlgorithm) {
  const Toy& t = toy();
  for (const std::string alg : {"sgd", "adam", "am-adam"}) {
    for (const std::string s : {"ewc", "lwf"}) {
      const ClRunResult r = t.run(s, alg);
      ASSERT_EQ(r.acc.size(), 2u);
      for (const auto& row : r.acc) {
        for (double a : row) {
          EXPECT_GE(a, 0.0);
          EXPECT_LE(a, 1.0);
        }
      }
      EXPECT_NE(r.acc[1], r.acc[0]) << s << " " << alg << " trains";
      EXPECT_GT(r.steps, 0u);
      EXPECT_TRUE(std::isfinite(r.metrics.forgetting));
      // EWC's penalty leaves room for B; LwF distils the A-model's answers on B's own inputs,
      // which in this toy problem contradict B's labels, so only EWC must learn B.
      if (s == "ewc") {
        EXPECT_GT(r.acc[1][1], r.acc[0][1] + 0.1) << alg << " learns B";
      }
    }
  }
}

TEST(ClRunTest, SameSeedSameMatrixOtherSeedOtherMatrix) {
  const Toy& t = toy();
  ClRunConfig c;
  c.strategy = "replay";
  c.seed = 5;
  ClRunResult a, b, other;
  std::string error;
  ASSERT_TRUE(run_cl(t.inputs(), c, &a, &error)) << error;
  ASSERT_TRUE(run_cl(t.inputs(), c, &b, &error)) << error;
  c.seed = 6;
  ASSERT_TRUE(run_cl(t.inputs(), c, &other, &error)) << error;
  EXPECT_EQ(a.acc, b.acc);
  EXPECT_EQ(a.stream_accuracy, b.stream_accuracy);
  EXPECT_NE(a.acc, other.acc) << "the replay draws follow the seed";
}

TEST(ClRunTest, UnknownStrategyOrAlgorithmIsAnError) {
  const Toy& t = toy();
  ClRunConfig c;
  ClRunResult r;
  std::string error;
  c.strategy = "dream";
  EXPECT_FALSE(run_cl(t.inputs(), c, &r, &error));
  EXPECT_NE(error.find("'dream'"), std::string::npos) << error;
  EXPECT_NE(error.find("replay"), std::string::npos) << error;
  c.strategy = "naive";
  c.algorithm = "lbfgs";
  EXPECT_FALSE(run_cl(t.inputs(), c, &r, &error));
  EXPECT_NE(error.find("'lbfgs'"), std::string::npos) << error;
  ClInputs empty;
  c.algorithm = "adam";
  EXPECT_FALSE(run_cl(empty, c, &r, &error));
}

}  // namespace
}  // namespace l1t::experiment
