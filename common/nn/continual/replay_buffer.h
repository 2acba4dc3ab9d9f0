// A fixed-size uniform sample of every labelled row ever offered (reservoir sampling), the
// memory that replay-based continual learning rehearses from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace l1t::nn {

class ReplayBuffer {
 public:
  // width: floats per feature row. seed drives the reservoir's keep/replace decisions.
  ReplayBuffer(size_t capacity, int width, uint64_t seed);

  // Offers one row (width floats) with its label. Vitter's algorithm R: the first `capacity` rows
  // are kept; row number t (0-based) after that replaces a uniformly chosen slot with
  // probability capacity / (t + 1), so every row seen so far is held with equal probability.
  // A row that is not admissible (admissible() below) is refused before anything else: it is
  // counted in refused() and neither counts as seen nor moves the reservoir's random state, so
  // the memory is what it would have been had the row never come. Returns whether admitted.
  bool add(const float* x, float y);
  // Offers n rows, row-major n x width. Returns the number refused.
  size_t add_batch(const float* x, const float* y, size_t n);

  // Whether a row may enter the memory: every feature finite and the label 0 or 1. One bad row
  // kept here would be rehearsed again and again, long after the batch that brought it.
  static bool admissible(const float* x, int width, float y);
  uint64_t refused() const { return refused_; }  // rows refused since construction
  // Whether every row held is admissible (a memory restored from a checkpoint bypasses add).
  bool all_admissible() const;

  // Draws k rows uniformly with replacement into x_out (row-major k x width) and y_out (k).
  // Returns the number drawn: k, or 0 if the buffer is empty.
  size_t sample(size_t k, std::mt19937_64& rng, float* x_out, float* y_out) const;

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  int width() const { return width_; }
  uint64_t seen() const { return seen_; }  // rows ever offered
  const float* row(size_t i) const { return &x_[i * width_]; }
  float label(size_t i) const { return y_[i]; }
  void clear();
  // For checkpoints (replay_buffer_state.cc): replaces the contents with n rows (n <= capacity)
  // that stood for `seen` offered rows. The reservoir's random state is restored apart (set_rng).
  bool restore(const float* x, const float* y, size_t n, uint64_t seen);
  // The reservoir's keep/replace decisions, for checkpoints.
  const std::mt19937_64& rng() const { return rng_; }
  void set_rng(const std::mt19937_64& rng) { rng_ = rng; }

 private:
  size_t capacity_;
  int width_;
  size_t size_ = 0;
  uint64_t seen_ = 0;
  uint64_t refused_ = 0;
  std::mt19937_64 rng_;
  std::vector<float> x_;  // capacity x width, allocated once
  std::vector<float> y_;
};

}  // namespace l1t::nn
