#include "common/nn/state/rng_state.h"

#include <sstream>

namespace l1t::nn {

// The standard's stream operators are the one portable view of the engine's state: its words as
// decimal numbers (libstdc++ adds the position within them).
std::vector<int64_t> rng_words(const std::mt19937_64& rng) {
  std::stringstream s;
  s << rng;
  std::vector<int64_t> out;
  uint64_t w = 0;
  while (s >> w) out.push_back(static_cast<int64_t>(w));
  return out;
}

bool rng_from_words(const std::vector<int64_t>& words, std::mt19937_64* rng) {
  std::stringstream s;
  for (int64_t w : words) s << static_cast<uint64_t>(w) << ' ';
  std::mt19937_64 r;
  // A wrong count or value either fails to parse or does not read back as the same words.
  if (!(s >> r) || rng_words(r) != words) return false;
  *rng = r;
  return true;
}

}  // namespace l1t::nn
