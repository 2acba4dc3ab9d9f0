// A std::mt19937_64's whole state as int64 words and back, so that a restored learner draws the
// same random numbers (replay draws, reservoir decisions) as the one that was checkpointed.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace l1t::nn {

std::vector<int64_t> rng_words(const std::mt19937_64& rng);
// False (rng untouched) if words is not a state of that engine.
bool rng_from_words(const std::vector<int64_t>& words, std::mt19937_64* rng);

}  // namespace l1t::nn
