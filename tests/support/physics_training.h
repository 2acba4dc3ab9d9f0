// Training and scoring on the generator's labelled tracks, for the optimiser tests that check
// a claim on physics data rather than on a toy.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "common/nn/evaluation/classification_metrics.h"
#include "common/nn/training/algorithm.h"
#include "common/nn/training/float_mlp.h"
#include "common/physics/event_generator.h"
#include "common/trigger/training_data.h"

namespace l1t::nn::testing {

struct PhysicsSplit {
  trigger::TrainingSet train, test;
};

// Undegraded tracks of train_events then test_events events of one generator.
inline PhysicsSplit physics_split(uint64_t seed, int train_events, int test_events) {
  physics::EventGenerator generator({}, seed);
  PhysicsSplit s;
  s.train = trigger::make_training_set(generator, train_events);
  s.test = trigger::make_training_set(generator, test_events);
  return s;
}

// Shuffled mini-batches (the last partial batch dropped) for some epochs.
inline void train_epochs(Algorithm& algorithm, FloatMlp& m, const trigger::TrainingSet& set,
                         int epochs, size_t batch, uint64_t seed) {
  constexpr size_t kIn = kNumFeatures;
  std::vector<size_t> order(set.rows());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::vector<float> bx(batch * kIn), by(batch);
  for (int e = 0; e < epochs; ++e) {
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i = 0; i + batch <= order.size(); i += batch) {
      for (size_t r = 0; r < batch; ++r) {
        std::copy_n(&set.x[order[i + r] * kIn], kIn, &bx[r * kIn]);
        by[r] = set.y[order[i + r]];
      }
      algorithm.step(m, bx.data(), by.data(), batch, {}, nullptr, nullptr);
    }
  }
}

// Float accuracy at score 0.5.
inline double accuracy_on(const FloatMlp& m, const trigger::TrainingSet& set) {
  std::vector<float> p(set.rows());
  m.predict_proba(set.x.data(), set.rows(), p.data());
  return accuracy(p.data(), set.y.data(), set.rows());
}

}  // namespace l1t::nn::testing
