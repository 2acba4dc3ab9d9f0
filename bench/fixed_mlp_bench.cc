// Throughput of the fixed-point MLP (5-25 ReLU-30 ReLU-1 sigmoid, the inference node's model)
// in tracks per second: BatchScorer under several precisions, the scalar reference, and the
// same network in float with Eigen for scale. An event carries ~300 tracks, hence the batch.
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <random>
#include <vector>

#include "common/fixed/spec.h"
#include "common/nn/inference/batch_scorer.h"
#include "common/nn/inference/fixed_layers.h"
#include "common/nn/inference/fixed_predict.h"

namespace l1t::nn {
namespace {

using fixed::Spec;

constexpr int kWidths[] = {5, 25, 30, 1};

enum class Precision { kDefault, kAutoAccum, k8bitWeights };

// Weights of trained magnitude (|w| < 2) in the weight precision, all else ap_fixed<16,6>.
FixedModel make_model(Precision p) {
  std::mt19937_64 rng(0x5eed0b);
  FixedModel m;
  const Spec* in = &m.input;
  for (int k = 0; k < 3; ++k) {
    FixedDense d;
    d.n_in = kWidths[k];
    d.n_out = kWidths[k + 1];
    d.weight = p == Precision::k8bitWeights ? Spec{8, 3} : Spec{16, 6};
    d.bias = d.accum = d.result = d.activation_result = Spec{16, 6};
    if (p == Precision::kAutoAccum) d.accum = auto_accum_spec(*in, d.weight, d.bias, d.n_in);
    d.activation = k == 2 ? Activation::kSigmoid : Activation::kRelu;
    const int64_t w_span = int64_t{2} << d.weight.frac();  // |w| < 2
    for (int i = 0; i < d.n_in * d.n_out; ++i) {
      d.weights.push_back(static_cast<int64_t>(rng() % (2 * w_span)) - w_span);
    }
    for (int j = 0; j < d.n_out; ++j) d.biases.push_back(static_cast<int64_t>(rng() % 1024) - 512);
    m.layers.push_back(d);
    in = &m.layers.back().activation_result;
  }
  return m;
}

// Track features in ap_fixed<16,6>: values within +-8.
std::vector<int64_t> make_inputs(size_t rows) {
  std::mt19937_64 rng(0x5eed0c);
  std::vector<int64_t> x(rows * kWidths[0]);
  for (auto& v : x) v = static_cast<int64_t>(rng() % 16384) - 8192;
  return x;
}

void run_scorer(benchmark::State& state, Precision p) {
  const FixedModel m = make_model(p);
  const BatchScorer scorer(m);
  const auto rows = static_cast<size_t>(state.range(0));
  const std::vector<int64_t> x = make_inputs(rows);
  std::vector<int64_t> out(rows);
  for (auto _ : state) {
    scorer.score(x.data(), rows, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
  state.SetLabel(scorer.describe());
}

void BM_Fixed_Default(benchmark::State& state) { run_scorer(state, Precision::kDefault); }
void BM_Fixed_AutoAccum(benchmark::State& state) { run_scorer(state, Precision::kAutoAccum); }
void BM_Fixed_8bitWeights(benchmark::State& state) { run_scorer(state, Precision::k8bitWeights); }

void BM_Fixed_ScalarReference(benchmark::State& state) {
  const FixedModel m = make_model(Precision::kDefault);
  const FixedPredictor ref(m);
  const auto rows = static_cast<size_t>(state.range(0));
  const std::vector<int64_t> x = make_inputs(rows);
  std::vector<int64_t> out(rows);
  for (auto _ : state) {
    for (size_t r = 0; r < rows; ++r) ref.predict(x.data() + r * kWidths[0], &out[r]);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
}

// The same network in float: tracks as columns, so each layer is one matrix product.
void BM_Float_Eigen(benchmark::State& state) {
  const FixedModel m = make_model(Precision::kDefault);
  std::vector<Eigen::MatrixXf> w;
  std::vector<Eigen::VectorXf> b;
  for (const auto& d : m.layers) {
    Eigen::MatrixXf wt(d.n_out, d.n_in);
    for (int i = 0; i < d.n_in; ++i) {
      for (int j = 0; j < d.n_out; ++j) wt(j, i) = d.weights[i * d.n_out + j] / 1024.0f;
    }
    Eigen::VectorXf bt(d.n_out);
    for (int j = 0; j < d.n_out; ++j) bt(j) = d.biases[j] / 1024.0f;
    w.push_back(wt);
    b.push_back(bt);
  }
  const auto rows = static_cast<Eigen::Index>(state.range(0));
  const std::vector<int64_t> raw = make_inputs(rows);
  Eigen::MatrixXf x(kWidths[0], rows);
  for (Eigen::Index r = 0; r < rows; ++r) {
    for (int i = 0; i < kWidths[0]; ++i) x(i, r) = raw[r * kWidths[0] + i] / 1024.0f;
  }
  Eigen::MatrixXf h1(kWidths[1], rows), h2(kWidths[2], rows), y(1, rows);
  for (auto _ : state) {
    h1.noalias() = w[0] * x;
    h1 = (h1.colwise() + b[0]).cwiseMax(0.0f);
    h2.noalias() = w[1] * h1;
    h2 = (h2.colwise() + b[1]).cwiseMax(0.0f);
    y.noalias() = w[2] * h2;
    y = ((-(y.array() + b[2](0))).exp() + 1.0f).inverse().matrix();
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
}

BENCHMARK(BM_Fixed_Default)->Arg(300)->Arg(4096);
BENCHMARK(BM_Fixed_AutoAccum)->Arg(300)->Arg(4096);
BENCHMARK(BM_Fixed_8bitWeights)->Arg(300)->Arg(4096);
BENCHMARK(BM_Fixed_ScalarReference)->Arg(300);
BENCHMARK(BM_Float_Eigen)->Arg(300);

}  // namespace
}  // namespace l1t::nn
