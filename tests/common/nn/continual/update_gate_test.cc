#include "common/nn/continual/update_gate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "common/fixed/cast.h"
#include "common/nn/inference/fixed_predict.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/quantise.h"

namespace l1t::nn {
namespace {

constexpr int kWidth = 5;

// A one-layer model scoring sigmoid(sum_k w_k x_k + b): deployed in ap_fixed<16,6>.
FixedModel linear_model(std::vector<float> w, float b = 0.0f) {
  FloatMlp m({kWidth, 1});
  w.resize(kWidth, 0.0f);
  for (int k = 0; k < kWidth; ++k) m.layer(0).w(k, 0) = w[k];
  m.layer(0).b(0) = b;
  return quantise(m);
}

struct Rows {
  std::vector<float> x, y;
  size_t n() const { return y.size(); }
  void add(std::vector<float> row, float label) {
    row.resize(kWidth, 0.0f);
    x.insert(x.end(), row.begin(), row.end());
    y.push_back(label);
  }
};

// x0 and x1 are independent random signs; the label is the sign of x[key].
Rows sign_rows(size_t n, int key, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Rows r;
  for (size_t i = 0; i < n; ++i) {
    const float x0 = (rng() & 1) ? 1.0f : -1.0f;
    const float x1 = (rng() & 1) ? 1.0f : -1.0f;
    r.add({x0, x1}, (key == 0 ? x0 : x1) > 0 ? 1.0f : 0.0f);
  }
  return r;
}

// Fills the window with rows labelled by x0 and the reference with rows labelled by x1, so a
// model reading x0 is perfect on the window and a coin toss on the reference, and vice versa.
UpdateGate make_gate(const GateConfig& config) {
  UpdateGate gate(config, kWidth);
  const Rows ref = sign_rows(2000, 1, 7);
  gate.set_reference(ref.x.data(), ref.y.data(), ref.n());
  const Rows win = sign_rows(config.window, 0, 8);
  gate.open_window();
  EXPECT_EQ(gate.offer(win.x.data(), win.y.data(), win.n()), win.n());
  EXPECT_TRUE(gate.window_full());
  return gate;
}

const FixedModel kReadsX0 = linear_model({4, 0});
const FixedModel kReadsX1 = linear_model({0, 4});
const FixedModel kReadsBoth = linear_model({4, 4});
const FixedModel kAntiBoth = linear_model({-4, -4});

TEST(UpdateGateTest, ScoresAsTheScalarFixedPointReference) {
  FloatMlp float_model({kWidth, 25, 30, 1}, 11);
  const FixedModel model = quantise(float_model);
  std::mt19937_64 rng(3);
  std::normal_distribution<float> g(0.0f, 2.0f);
  const size_t n = 3000;
  std::vector<float> x(n * kWidth), y(n);
  for (auto& v : x) v = g(rng);
  for (auto& v : y) v = (rng() & 1) ? 1.0f : 0.0f;
  const FixedPredictor reference(model);
  const fixed::Spec& out_spec = model.layers.back().activation_result;
  size_t correct = 0;
  for (size_t i = 0; i < n; ++i) {
    int64_t raw_in[kWidth], raw_out = 0;
    for (int k = 0; k < kWidth; ++k) raw_in[k] = fixed::from_double(x[i * kWidth + k], model.input);
    reference.predict(raw_in, &raw_out);
    if ((fixed::to_double(raw_out, out_spec) >= 0.5) == (y[i] >= 0.5f)) ++correct;
  }
  const GateScore s = score_fixed(model, x.data(), y.data(), n, 0.5f);
  EXPECT_EQ(s.rows, n);
  EXPECT_EQ(s.correct, correct);
  EXPECT_DOUBLE_EQ(s.accuracy, static_cast<double>(correct) / n);
  EXPECT_GT(s.bce, 0.0);
}

TEST(UpdateGateTest, PublishesABetterCandidate) {
  GateConfig c;
  c.window = 1000;
  UpdateGate gate = make_gate(c);
  const GateDecision d = gate.judge(kAntiBoth, kReadsBoth);
  EXPECT_TRUE(d.publish) << d.summary();
  EXPECT_EQ(d.reason, "ok");
  EXPECT_TRUE(d.window_checked && d.reference_checked);
  EXPECT_EQ(d.window_candidate.rows, 1000u);
  EXPECT_EQ(d.reference_candidate.rows, 2000u);
  EXPECT_GT(d.window_delta(), 0.4);
  EXPECT_GT(d.reference_delta(), 0.4);
  EXPECT_EQ(gate.passed(), 1u);
  EXPECT_EQ(gate.rejected(), 0u);
  EXPECT_FALSE(gate.window_open());
}

TEST(UpdateGateTest, RejectsACandidateWorseOnTheWindow) {
  GateConfig c;
  c.window = 1000;
  UpdateGate gate = make_gate(c);
  // Better on the reference set, but it lost what the recent labels say.
  const GateDecision d = gate.judge(kReadsX0, kReadsX1);
  EXPECT_FALSE(d.publish) << d.summary();
  EXPECT_EQ(d.reason, "window");
  EXPECT_DOUBLE_EQ(d.window_service.accuracy, 1.0);
  EXPECT_NEAR(d.window_candidate.accuracy, 0.5, 0.06);
  EXPECT_GT(d.reference_delta(), 0.4);
  EXPECT_EQ(gate.rejected(), 1u);
  EXPECT_NE(d.summary().find("reject (window)"), std::string::npos) << d.summary();
}

TEST(UpdateGateTest, RejectsACandidateThatForgotTheReference) {
  GateConfig c;
  c.window = 1000;
  UpdateGate gate = make_gate(c);
  // Better on the recent labels, but it forgot the original conditions.
  const GateDecision d = gate.judge(kReadsX1, kReadsX0);
  EXPECT_FALSE(d.publish) << d.summary();
  EXPECT_EQ(d.reason, "reference");
  EXPECT_GT(d.window_delta(), 0.4);
  EXPECT_LT(d.reference_delta(), -0.4);
}

TEST(UpdateGateTest, CountsEveryOutcome) {
  GateConfig c;
  c.window = 500;
  UpdateGate gate = make_gate(c);
  EXPECT_EQ(gate.judge(kReadsBoth, kAntiBoth).reason, "window+reference");
  const Rows win = sign_rows(500, 0, 9);
  for (const auto& [service, candidate, publish] : {std::tuple{kReadsX0, kReadsX1, false},
                                                    {kReadsX1, kReadsX0, false},
                                                    {kAntiBoth, kReadsBoth, true},
                                                    {kReadsBoth, kReadsBoth, true}}) {
    gate.open_window();
    gate.offer(win.x.data(), win.y.data(), win.n());
    EXPECT_EQ(gate.judge(service, candidate).publish, publish);
  }
  EXPECT_EQ(gate.passed(), 2u);
  EXPECT_EQ(gate.rejected(), 3u);
}

TEST(UpdateGateTest, MarginToleratesSmallLosses) {
  // 998 clear rows and 2 rows just above zero that only the model without a bias gets right:
  // the candidate loses 0.2 % on the window.
  Rows win;
  for (int i = 0; i < 998; ++i) win.add({i % 2 ? 1.0f : -1.0f}, i % 2 ? 1.0f : 0.0f);
  win.add({0.05f}, 1.0f);
  win.add({0.05f}, 1.0f);
  const FixedModel service = linear_model({4});
  const FixedModel candidate = linear_model({4}, -0.5f);
  for (const auto& [margin, publish] : {std::pair{0.005, true}, {0.001, false}}) {
    GateConfig c;
    c.window = win.n();
    c.margin = margin;
    UpdateGate gate(c, kWidth);  // no reference rows: only the window is checked
    gate.open_window();
    gate.offer(win.x.data(), win.y.data(), win.n());
    const GateDecision d = gate.judge(service, candidate);
    EXPECT_NEAR(d.window_delta(), -0.002, 1e-12) << d.summary();
    EXPECT_FALSE(d.reference_checked);
    EXPECT_EQ(d.publish, publish) << "margin " << margin << ": " << d.summary();
  }
}

TEST(UpdateGateTest, WindowTakesOnlyRowsOfferedWhileOpenUpToItsSize) {
  GateConfig c;
  c.window = 100;
  UpdateGate gate(c, kWidth);
  const Rows rows = sign_rows(40, 0, 1);
  EXPECT_EQ(gate.offer(rows.x.data(), rows.y.data(), rows.n()), 0u) << "no window open";
  gate.open_window();
  EXPECT_EQ(gate.offer(rows.x.data(), rows.y.data(), rows.n()), 40u);
  EXPECT_EQ(gate.offer(rows.x.data(), rows.y.data(), rows.n()), 40u);
  EXPECT_FALSE(gate.window_full());
  EXPECT_EQ(gate.offer(rows.x.data(), rows.y.data(), rows.n()), 20u);
  EXPECT_TRUE(gate.window_full());
  EXPECT_EQ(gate.offer(rows.x.data(), rows.y.data(), rows.n()), 0u);
  EXPECT_EQ(gate.window_rows(), 100u);
  gate.open_window();  // a new candidate: the old rows are not its window
  EXPECT_EQ(gate.window_rows(), 0u);
}

TEST(UpdateGateTest, GateOffPublishesEverything) {
  GateConfig c;
  c.window = 0;
  UpdateGate gate(c, kWidth);
  EXPECT_FALSE(gate.enabled());
  const GateDecision d = gate.judge(kReadsBoth, kAntiBoth);
  EXPECT_TRUE(d.publish);
  EXPECT_EQ(d.reason, "gate off");
  EXPECT_FALSE(d.window_checked || d.reference_checked);
  EXPECT_EQ(gate.passed(), 1u);
}

}  // namespace
}  // namespace l1t::nn

namespace l1t::nn {
namespace {

TEST(UpdateGateTest, TheWorkingPointKeepsTheTargetShareOfPileUpInFixedPoint) {
  // Scores sigmoid(4 x0) on x0 spread over [-2, 2): pile-up rows (label 0) everywhere.
  Rows rows;
  for (int i = 0; i < 4000; ++i) rows.add({-2.0f + 0.001f * static_cast<float>(i)}, i % 2);
  const double t = threshold_for_acceptance(kReadsX0, rows.x.data(), rows.y.data(), rows.n(), 0.10);
  // The share of pile-up rows the deployed model keeps at t (scalar reference): at most 10 %,
  // and one lsb lower it would keep more.
  const double lsb = std::ldexp(1.0, -kReadsX0.layers.back().activation_result.frac());
  size_t kept = 0, kept_lower = 0, pileup = 0;
  for (size_t i = 0; i < rows.n(); ++i) {
    if (rows.y[i] >= 0.5f) continue;
    ++pileup;
    std::vector<int64_t> raw(kWidth);
    for (int k = 0; k < kWidth; ++k)
      raw[k] = fixed::from_double(rows.x[i * kWidth + k], kReadsX0.input);
    const double p = fixed::to_double(fixed_predict(kReadsX0, raw.data()).back(),
                                      kReadsX0.layers.back().activation_result);
    kept += p >= t;
    kept_lower += p >= t - lsb;
  }
  EXPECT_EQ(pileup, 2000u);
  EXPECT_LE(kept, 200u);
  EXPECT_GT(kept, 100u);  // scores are discrete near 1: the next bin holds many rows
  EXPECT_GT(kept_lower, 200u) << "the lowest such threshold";
  EXPECT_EQ(threshold_for_acceptance(kReadsX0, rows.x.data(), rows.y.data(), 0, 0.1), 0.0);
}

TEST(UpdateGateTest, CalibratesOnTheLatestWindowElseOnTheReference) {
  GateConfig c;
  c.window = 4000;
  c.pu_acceptance = 0.10;
  UpdateGate gate(c, kWidth);
  Rows ref, win;  // the reference around x0 = -1, the window around x0 = +1
  for (int i = 0; i < 4000; ++i) {
    ref.add({-1.5f + 0.00025f * static_cast<float>(i)}, 0);
    win.add({0.5f + 0.00025f * static_cast<float>(i)}, 0);
  }
  gate.set_reference(ref.x.data(), ref.y.data(), ref.n());
  const double on_reference = gate.calibrate(kReadsX0);
  EXPECT_DOUBLE_EQ(on_reference,
                   threshold_for_acceptance(kReadsX0, ref.x.data(), ref.y.data(), ref.n(), 0.10));
  gate.open_window();
  gate.offer(win.x.data(), win.y.data(), win.n());
  const double on_window = gate.calibrate(kReadsX0);
  EXPECT_DOUBLE_EQ(on_window,
                   threshold_for_acceptance(kReadsX0, win.x.data(), win.y.data(), win.n(), 0.10));
  EXPECT_GT(on_window, on_reference) << "the window's scores are higher";
}

}  // namespace
}  // namespace l1t::nn
