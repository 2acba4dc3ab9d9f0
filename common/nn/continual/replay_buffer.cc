#include "common/nn/continual/replay_buffer.h"

#include <algorithm>
#include <cmath>

namespace l1t::nn {

ReplayBuffer::ReplayBuffer(size_t capacity, int width, uint64_t seed)
    : capacity_(capacity),
      width_(width),
      rng_(seed),
      x_(capacity * static_cast<size_t>(width)),
      y_(capacity) {}

bool ReplayBuffer::admissible(const float* x, int width, float y) {
  if (y != 0.0f && y != 1.0f) return false;  // also NaN
  for (int f = 0; f < width; ++f) {
    if (!std::isfinite(x[f])) return false;
  }
  return true;
}

bool ReplayBuffer::all_admissible() const {
  for (size_t i = 0; i < size_; ++i) {
    if (!admissible(row(i), width_, y_[i])) return false;
  }
  return true;
}

bool ReplayBuffer::add(const float* x, float y) {
  if (!admissible(x, width_, y)) {
    ++refused_;
    return false;
  }
  size_t slot;
  if (size_ < capacity_) {
    slot = size_++;
  } else {
    const uint64_t j = std::uniform_int_distribution<uint64_t>(0, seen_)(rng_);
    slot = static_cast<size_t>(j);
  }
  ++seen_;
  if (slot >= capacity_) return true;  // also covers capacity 0
  std::copy_n(x, width_, &x_[slot * width_]);
  y_[slot] = y;
  return true;
}

size_t ReplayBuffer::add_batch(const float* x, const float* y, size_t n) {
  size_t refused = 0;
  for (size_t i = 0; i < n; ++i) refused += add(x + i * width_, y[i]) ? 0 : 1;
  return refused;
}

size_t ReplayBuffer::sample(size_t k, std::mt19937_64& rng, float* x_out, float* y_out) const {
  if (size_ == 0) return 0;
  std::uniform_int_distribution<size_t> pick(0, size_ - 1);
  for (size_t i = 0; i < k; ++i) {
    const size_t s = pick(rng);
    std::copy_n(&x_[s * width_], width_, x_out + i * width_);
    y_out[i] = y_[s];
  }
  return k;
}

void ReplayBuffer::clear() {
  size_ = 0;
  seen_ = 0;
}

}  // namespace l1t::nn
