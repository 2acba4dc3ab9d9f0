#include "common/experiment/speed_suite.h"

#include <gtest/gtest.h>

#include <set>

namespace l1t::experiment {
namespace {

// A clock that advances 1/1024 s per reading: every point then takes exactly `reads` steps.
SecondsClock ticking_clock() {
  auto t = std::make_shared<double>(0.0);
  return [t] { return *t += 1.0 / 1024; };
}

SpeedOptions small_options() {
  SpeedOptions o;
  o.algorithms = {"sgd", "adam", "am-adam"};
  o.batches = {1, 10, 100};
  o.threads = {1, 2};
  o.seconds_per_point = 10.0 / 1024;
  o.warmup_steps = 2;
  o.train_events = 5;
  o.generator.pileup_mean = 20;  // a few hundred rows are enough
  o.clock = ticking_clock();
  return o;
}

TEST(SpeedSuiteTest, RowsCoverEveryAlgorithmBatchAndThreadCount) {
  const SpeedOptions o = small_options();
  SpeedResult r;
  std::string error;
  ASSERT_TRUE(run_speed_suite(o, &r, &error)) << error;
  ASSERT_EQ(r.rows.size(), 3u * 3u * 2u);
  std::set<std::tuple<std::string, size_t, int>> seen;
  for (const auto& row : r.rows) {
    seen.insert({row.algorithm, row.batch, row.threads});
    // The injected clock makes each point 10 steps long in 10/1024 s.
    EXPECT_EQ(row.steps, 10u) << row.algorithm << " " << row.batch;
    EXPECT_DOUBLE_EQ(row.seconds, 10.0 / 1024);
    EXPECT_DOUBLE_EQ(row.samples_per_s, 10.0 * static_cast<double>(row.batch) / row.seconds);
  }
  EXPECT_EQ(seen.size(), r.rows.size());

  const auto j = speed_json(o, r);
  EXPECT_EQ(j["suite"], "speed");
  ASSERT_EQ(j["rows"].size(), r.rows.size());
  EXPECT_EQ(j["rows"][0]["algorithm"], "sgd");
  EXPECT_EQ(j["rows"][0]["batch"], 1);
  EXPECT_EQ(j["rows"][0]["threads"], 1);
  EXPECT_GT(j["rows"][0]["samples_per_s"].get<double>(), 0.0);
  EXPECT_NE(speed_table(r).find("am-adam"), std::string::npos);
}

TEST(SpeedSuiteTest, TheFastestWindowCounts) {
  SpeedOptions o = small_options();
  o.algorithms = {"adam"};
  o.threads = {1};
  o.batches = {10};
  // The first window's 6 readings (start + 5 steps) tick twice as fast: a slowed-down window.
  auto calls = std::make_shared<int>(0);
  auto t = std::make_shared<double>(0.0);
  o.clock = [calls, t] { return *t += (++*calls <= 6 ? 2.0 : 1.0) / 1024; };
  o.repeats = 2;
  SpeedResult r;
  std::string error;
  ASSERT_TRUE(run_speed_suite(o, &r, &error)) << error;
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].steps, 10u);
  EXPECT_DOUBLE_EQ(r.rows[0].samples_per_s, 100.0 * 1024 / 10);

  *calls = 0;
  *t = 0;
  o.repeats = 1;
  ASSERT_TRUE(run_speed_suite(o, &r, &error)) << error;
  EXPECT_EQ(r.rows[0].steps, 5u) << "one window: the slow one";
}

TEST(SpeedSuiteTest, RealClockMeasuresPositiveThroughput) {
  SpeedOptions o = small_options();
  o.clock = steady_seconds;
  o.algorithms = {"adam"};
  o.threads = {1};
  o.batches = {50};
  o.seconds_per_point = 0.02;
  SpeedResult r;
  std::string error;
  ASSERT_TRUE(run_speed_suite(o, &r, &error)) << error;
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_GE(r.rows[0].seconds, 0.02);
  EXPECT_GT(r.rows[0].steps, 0u);
  EXPECT_NEAR(r.rows[0].samples_per_s, r.rows[0].steps * 50.0 / r.rows[0].seconds, 1e-6);
}

TEST(SpeedSuiteTest, BadSettingsAreErrors) {
  SpeedResult r;
  std::string error;
  SpeedOptions o = small_options();
  o.batches = {1, 100000};
  EXPECT_FALSE(run_speed_suite(o, &r, &error));
  EXPECT_NE(error.find("training rows"), std::string::npos) << error;
  o = small_options();
  o.batches = {0};
  EXPECT_FALSE(run_speed_suite(o, &r, &error));
  o = small_options();
  o.threads = {0};
  EXPECT_FALSE(run_speed_suite(o, &r, &error));
  o = small_options();
  o.algorithms = {"adagrad"};
  EXPECT_FALSE(run_speed_suite(o, &r, &error));
  EXPECT_NE(error.find("'adagrad'"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::experiment
