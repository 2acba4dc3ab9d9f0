// A two-domain toy problem for continual-learning tests: two "detector conditions" in
// different parts of feature space, each with its own labelling rule.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "common/nn/evaluation/classification_metrics.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/pretrain.h"

namespace l1t::nn::testing {

struct Data {
  std::vector<float> x, y;
  size_t n = 0;
};

// Two "detector conditions" living in different parts of feature space (told apart by x4), each
// with its own rule: A labels by x0, B by x1. One network can get both right, but a network
// trained on A alone is at chance on B, and one trained on B alone tends to forget A.
inline Data make_domain(bool domain_b, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  Data d;
  d.n = n;
  for (size_t i = 0; i < n; ++i) {
    float row[5];
    for (float& v : row) v = g(rng);
    row[4] = (domain_b ? 2.0f : -2.0f) + 0.5f * row[4];
    d.x.insert(d.x.end(), row, row + 5);
    d.y.push_back((domain_b ? row[1] : row[0]) > 0 ? 1.0f : 0.0f);
  }
  return d;
}

// One condition, a non-linear rule (a parabola in x2) with a margin of 0.1 around it: what a
// single optimiser test trains on.
inline Data make_nonlinear_toy(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  Data t;
  while (t.n < n) {
    float row[5];
    for (float& v : row) v = g(rng);
    const float s = 1.5f * row[0] - row[1] + 0.5f * row[2] * row[2] - 0.5f;
    if (std::fabs(s) < 0.1f) continue;
    t.x.insert(t.x.end(), row, row + 5);
    t.y.push_back(s > 0 ? 1.0f : 0.0f);
    ++t.n;
  }
  return t;
}

inline double accuracy_on(const FloatMlp& m, const Data& d) {
  std::vector<float> p(d.n);
  m.predict_proba(d.x.data(), d.n, p.data());
  return accuracy(p.data(), d.y.data(), d.n);
}

inline FloatMlp pretrained_on_a() {
  const Data a = make_domain(false, 20000, 1);
  FloatMlp m({5, 25, 30, 1}, 2);
  PretrainConfig c;
  c.epochs = 5;
  c.batch = 64;
  c.lr = 3e-3f;
  pretrain(m, a.x.data(), a.y.data(), a.n, c);
  return m;
}

}  // namespace l1t::nn::testing
