// Independent seeds from one experiment seed, so each data set and each run draws from its own
// stream and adding a run or an experience never changes the numbers of the others.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/hash/fnv1a.h"

namespace l1t::experiment {

// SplitMix64's finaliser: a bijective mix with good avalanche.
inline uint64_t mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a of a label, so streams can be named ("train", "adam") rather than numbered.
inline uint64_t label_hash(std::string_view label) { return hash::fnv1a(label); }

inline uint64_t derive_seed(uint64_t seed, std::string_view label, uint64_t index = 0) {
  return mix64(mix64(seed ^ label_hash(label)) + index);
}

}  // namespace l1t::experiment
