// Offline training the way a batch study does it: shuffled mini-batches over all rows of one or
// several data sets, one Algorithm step per batch. Used by the convergence suite and by the
// `joint` upper bound of the continual-learning suite (all experiences so far).
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "common/experiment/data_view.h"
#include "common/nn/training/algorithm.h"
#include "common/nn/training/float_mlp.h"

namespace l1t::experiment {

class EpochTrainer {
 public:
  explicit EpochTrainer(int width) : width_(width) {}

  // One epoch over the concatenation of sets, in an order drawn from rng; the last batch may be
  // short. Returns the mean over rows of the data loss each batch had before its step (NaN if
  // there are no rows).
  double run_epoch(nn::Algorithm& algorithm, nn::FloatMlp& model, std::span<const DataView> sets,
                   size_t batch, std::mt19937_64& rng, const nn::LossOptions& loss = {});

 private:
  int width_;
  std::vector<uint64_t> order_;  // global row numbers
  std::vector<float> bx_, by_;
};

}  // namespace l1t::experiment
