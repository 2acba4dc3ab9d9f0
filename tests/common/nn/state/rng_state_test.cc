#include "common/nn/state/rng_state.h"

#include <gtest/gtest.h>

namespace l1t::nn {
namespace {

TEST(RngStateTest, ARestoredEngineDrawsWhatTheOriginalDraws) {
  std::mt19937_64 a(42);
  for (int i = 0; i < 1000; ++i) a();  // somewhere inside its state, not at a refill boundary
  std::mt19937_64 b(7);
  ASSERT_TRUE(rng_from_words(rng_words(a), &b));
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(a(), b()) << "draw " << i;
}

TEST(RngStateTest, WordsThatAreNotAStateAreRefusedAndChangeNothing) {
  std::mt19937_64 a(3), untouched(3);
  std::vector<int64_t> words = rng_words(std::mt19937_64(9));
  std::vector<int64_t> short_words(words.begin(), words.begin() + 10);
  EXPECT_FALSE(rng_from_words(short_words, &a));
  EXPECT_FALSE(rng_from_words({}, &a));
  words.push_back(5);
  EXPECT_FALSE(rng_from_words(words, &a));
  EXPECT_EQ(a, untouched);
}

}  // namespace
}  // namespace l1t::nn
