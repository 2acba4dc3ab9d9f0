// An in-memory copy of what an algorithm, optimiser or strategy carries from one step to the
// next, for the continual learner's step guard (continual_learner.h): taken before every step
// and put back when the step went non-finite. Unlike save_state (a StateBlob, for files) it keeps
// the tensors in their own shapes, so once a copy has been taken for a model shape neither taking
// nor putting back allocates: it is a few thousand floats of memcpy per step.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "common/nn/training/float_mlp.h"

namespace l1t::nn {

struct StateCopy {
  std::vector<Matrix> matrices;
  std::vector<RowVector> rows;
  std::vector<int64_t> ints;
};

// Assigns blocks [0, from.size()) of `from` to (*to)[at, at + from.size()), growing *to if needed.
// Eigen reuses a block's storage when its shape is unchanged.
template <typename P>
void copy_blocks(const std::vector<P>& from, size_t at, std::vector<P>* to) {
  if (to->size() < at + from.size()) to->resize(at + from.size());
  for (size_t i = 0; i < from.size(); ++i) (*to)[at + i] = from[i];
}

// The reverse: n blocks of `from` starting at `at` into *to (resized to n).
template <typename P>
void copy_blocks_back(const std::vector<P>& from, size_t at, size_t n, std::vector<P>* to) {
  to->resize(n);
  for (size_t i = 0; i < n; ++i) (*to)[i] = from[at + i];
}

// Whether every value of a block is finite (neither NaN nor infinite). x * 0 is 0 for every
// finite x and NaN for an infinity or a NaN, so the sum is NaN exactly when one value is not
// finite; unlike Eigen's allFinite() the sum vectorises (~4 times faster on these blocks), and
// without -ffast-math the compiler may not fold x * 0 away.
template <typename P>
bool block_finite(const P& b) {
  return !std::isnan((b.array() * 0.0f).sum());
}

// Whether every value of every block is finite.
template <typename P>
bool all_finite(const std::vector<P>& blocks) {
  for (const P& b : blocks) {
    if (!block_finite(b)) return false;
  }
  return true;
}

}  // namespace l1t::nn
