#include "common/nn/continual/replay_buffer.h"

#include <cmath>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace l1t::nn {
namespace {

// Row i is {i, i + 0.5, i + 0.25} with label i % 2: the row says which item it is.
void offer(ReplayBuffer& rb, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    const float row[3] = {static_cast<float>(i), i + 0.5f, i + 0.25f};
    rb.add(row, static_cast<float>(i % 2));
  }
}

TEST(ReplayBufferTest, FillsToCapacityThenStaysThere) {
  ReplayBuffer rb(100, 3, 1);
  EXPECT_EQ(rb.size(), 0u);
  offer(rb, 0, 60);
  EXPECT_EQ(rb.size(), 60u);
  EXPECT_EQ(rb.seen(), 60u);
  for (size_t s = 0; s < 60; ++s) EXPECT_EQ(rb.row(s)[0], static_cast<float>(s));  // in order
  offer(rb, 60, 940);
  EXPECT_EQ(rb.size(), 100u);
  EXPECT_EQ(rb.capacity(), 100u);
  EXPECT_EQ(rb.seen(), 1000u);
  // Rows stay whole (width honoured) and distinct: reservoir sampling never duplicates.
  std::set<int> items;
  for (size_t s = 0; s < rb.size(); ++s) {
    const float* r = rb.row(s);
    const int i = static_cast<int>(r[0]);
    EXPECT_EQ(r[1], i + 0.5f);
    EXPECT_EQ(r[2], i + 0.25f);
    EXPECT_EQ(rb.label(s), static_cast<float>(i % 2));
    items.insert(i);
  }
  EXPECT_EQ(items.size(), 100u);
  rb.clear();
  EXPECT_EQ(rb.size(), 0u);
  EXPECT_EQ(rb.seen(), 0u);
}

TEST(ReplayBufferTest, BatchAddEqualsSingleAdds) {
  ReplayBuffer a(50, 2, 7), b(50, 2, 7);
  std::vector<float> x(2 * 500), y(500);
  for (int i = 0; i < 500; ++i) {
    x[2 * i] = static_cast<float>(i);
    x[2 * i + 1] = -static_cast<float>(i);
    y[i] = static_cast<float>(i % 2);
    a.add(&x[2 * i], y[i]);
  }
  b.add_batch(x.data(), y.data(), 500);
  for (size_t s = 0; s < 50; ++s) EXPECT_EQ(a.row(s)[0], b.row(s)[0]);
}

// Every item of the stream must end up in the reservoir with probability capacity / stream.
TEST(ReplayBufferTest, InclusionIsUniformOverTheStream) {
  const int capacity = 100, stream = 1000, trials = 4000;
  std::vector<int> included(stream, 0);
  for (int t = 0; t < trials; ++t) {
    ReplayBuffer rb(capacity, 1, 1000 + t);
    for (int i = 0; i < stream; ++i) {
      const float row = static_cast<float>(i);
      rb.add(&row, 0.0f);
    }
    for (size_t s = 0; s < rb.size(); ++s) ++included[static_cast<int>(rb.row(s)[0])];
  }
  const double p = static_cast<double>(capacity) / stream;
  const double sigma = std::sqrt(p * (1 - p) / trials);
  double chi2 = 0.0;
  for (int i = 0; i < stream; ++i) {
    const double f = static_cast<double>(included[i]) / trials;
    EXPECT_NEAR(f, p, 5.5 * sigma) << "item " << i;
    chi2 += (f - p) * (f - p) / (sigma * sigma);
  }
  // Early, middle and late items alike: the first 100 are not favoured over the last 100.
  double early = 0, late = 0;
  for (int i = 0; i < 100; ++i) {
    early += included[i];
    late += included[stream - 1 - i];
  }
  EXPECT_NEAR(early / late, 1.0, 0.05);
  // The per-item deviations are as large as chance makes them, not larger (chi2 ~ 1000 +- 45).
  EXPECT_LT(chi2, 1000 + 5 * std::sqrt(2.0 * 1000));
}

TEST(ReplayBufferTest, SampleDrawsStoredRowsUniformly) {
  ReplayBuffer rb(10, 3, 3);
  std::mt19937_64 rng(4);
  float x[3 * 4], y[4];
  EXPECT_EQ(rb.sample(4, rng, x, y), 0u);  // empty
  offer(rb, 0, 10);
  std::vector<int> hits(10, 0);
  const int draws = 20000;
  std::vector<float> bx(3 * draws), by(draws);
  ASSERT_EQ(rb.sample(draws, rng, bx.data(), by.data()), static_cast<size_t>(draws));
  for (int d = 0; d < draws; ++d) {
    const int i = static_cast<int>(bx[3 * d]);
    ASSERT_GE(i, 0);
    ASSERT_LT(i, 10);
    EXPECT_EQ(bx[3 * d + 2], i + 0.25f);
    EXPECT_EQ(by[d], static_cast<float>(i % 2));
    ++hits[i];
  }
  for (int h : hits) EXPECT_NEAR(h, draws / 10, 5 * std::sqrt(draws * 0.1 * 0.9));
}

TEST(ReplayBufferTest, SameSeedSameReservoir) {
  ReplayBuffer a(20, 3, 9), b(20, 3, 9), c(20, 3, 10);
  offer(a, 0, 500);
  offer(b, 0, 500);
  offer(c, 0, 500);
  bool differs = false;
  for (size_t s = 0; s < 20; ++s) {
    EXPECT_EQ(a.row(s)[0], b.row(s)[0]);
    differs |= a.row(s)[0] != c.row(s)[0];
  }
  EXPECT_TRUE(differs);
}

TEST(ReplayBufferTest, ZeroCapacityHoldsNothing) {
  ReplayBuffer rb(0, 3, 1);
  offer(rb, 0, 10);
  EXPECT_EQ(rb.size(), 0u);
  EXPECT_EQ(rb.seen(), 10u);
}

// A non-finite row or a label other than 0 or 1 is refused before anything else: counted, not
// seen, and the reservoir's random state does not move, so the memory is exactly that of a twin
// that never saw those rows.
TEST(ReplayBufferTest, RefusesNonFiniteRowsAndBadLabelsWithoutTouchingTheReservoir) {
  ReplayBuffer a(20, 3, 5), b(20, 3, 5);
  const float nan = std::nanf(""), inf = INFINITY;
  const float bad_rows[][3] = {{nan, 0, 0}, {0, inf, 0}, {0, 0, -inf}, {1, 2, 3},
                               {1, 2, 3},   {1, 2, 3},   {1, 2, 3}};
  const float bad_labels[] = {0, 1, 0, 5, -3, 0.5f, nan};
  for (int i = 0; i < 100; ++i) {
    const float row[3] = {static_cast<float>(i), 0, 0};
    EXPECT_TRUE(a.add(row, static_cast<float>(i % 2)));
    b.add(row, static_cast<float>(i % 2));
    if (i % 10 == 0) {
      for (int k = 0; k < 7; ++k) EXPECT_FALSE(a.add(bad_rows[k], bad_labels[k])) << k;
    }
  }
  EXPECT_EQ(a.refused(), 70u);
  EXPECT_EQ(b.refused(), 0u);
  EXPECT_EQ(a.seen(), b.seen());
  EXPECT_TRUE(a.rng() == b.rng());
  ASSERT_EQ(a.size(), b.size());
  for (size_t s = 0; s < a.size(); ++s) {
    EXPECT_EQ(a.row(s)[0], b.row(s)[0]);
    EXPECT_EQ(a.label(s), b.label(s));
  }
  EXPECT_TRUE(a.all_admissible());
  std::vector<float> x = {1, 2, 3, nan, 0, 0, 4, 5, 6}, y = {1, 0, 2};
  EXPECT_EQ(a.add_batch(x.data(), y.data(), 3), 2u);  // the NaN row and the label 2
  EXPECT_EQ(a.refused(), 72u);
  // A memory restored wholesale (a checkpoint) bypasses add: all_admissible still sees it.
  ReplayBuffer c(4, 3, 1);
  ASSERT_TRUE(c.restore(x.data(), y.data(), 3, 3));
  EXPECT_FALSE(c.all_admissible());
}

}  // namespace
}  // namespace l1t::nn
