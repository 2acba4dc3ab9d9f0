// ReplayBuffer's checkpoint state, kept apart from the sampling code.
#include <algorithm>

#include "common/nn/continual/replay_buffer.h"

namespace l1t::nn {

bool ReplayBuffer::restore(const float* x, const float* y, size_t n, uint64_t seen) {
  if (n > capacity_ || seen < n) return false;
  std::copy_n(x, n * width_, x_.data());
  std::copy_n(y, n, y_.data());
  size_ = n;
  seen_ = seen;
  return true;
}

}  // namespace l1t::nn
