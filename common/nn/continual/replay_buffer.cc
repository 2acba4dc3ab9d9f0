#include "common/nn/continual/replay_buffer.h"

#include <algorithm>

namespace l1t::nn {

ReplayBuffer::ReplayBuffer(size_t capacity, int width, uint64_t seed)
    : capacity_(capacity),
      width_(width),
      rng_(seed),
      x_(capacity * static_cast<size_t>(width)),
      y_(capacity) {}

void ReplayBuffer::add(const float* x, float y) {
  size_t slot;
  if (size_ < capacity_) {
    slot = size_++;
  } else {
    const uint64_t j = std::uniform_int_distribution<uint64_t>(0, seen_)(rng_);
    slot = static_cast<size_t>(j);
  }
  ++seen_;
  if (slot >= capacity_) return;  // also covers capacity 0
  std::copy_n(x, width_, &x_[slot * width_]);
  y_[slot] = y;
}

void ReplayBuffer::add_batch(const float* x, const float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) add(x + i * width_, y[i]);
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
