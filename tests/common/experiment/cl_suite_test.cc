#include "common/experiment/cl_suite.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace l1t::experiment {
namespace {

ClSuiteOptions tiny_options() {
  ClSuiteOptions o;
  o.events_per_experience = 6;
  o.test_events = 6;
  o.pretrain_events = 20;
  o.pretrain.epochs = 2;
  o.algorithms = {"sgd", "adam"};
  o.threads = 1;
  return o;
}

// Drops the wall times, which are the only non-deterministic numbers.
nlohmann::json without_times(nlohmann::json j) {
  j.erase("data_seconds");
  j.erase("train_seconds");
  j["settings"].erase("threads");
  for (auto& [s, by_alg] : j["strategies"].items()) {
    for (auto& [a, run] : by_alg.items()) run.erase("seconds");
  }
  return j;
}

TEST(ClSuiteTest, ReportsEveryStrategyAndAlgorithmDeterministically) {
  ClSuiteOptions o = tiny_options();
  ClSuiteResult one;
  std::string error;
  ASSERT_TRUE(run_cl_suite(o, &one, &error)) << error;
  const auto j = cl_suite_json(o, one);
  EXPECT_EQ(j["suite"], "cl");
  ASSERT_EQ(j["experiences"].size(), 11u);
  ASSERT_EQ(j["initial_accuracy"].size(), 11u);
  ASSERT_EQ(j["strategies"].size(), 6u);
  for (const std::string s : {"none", "naive", "replay", "ewc", "lwf", "joint"}) {
    for (const std::string a : {"sgd", "adam"}) {
      const auto& run = j["strategies"][s][a];
      ASSERT_EQ(run["acc_matrix"].size(), 11u) << s << a;
      for (const auto& row : run["acc_matrix"]) {
        ASSERT_EQ(row.size(), 11u);
        for (const auto& v : row) {
          EXPECT_GE(v.get<double>(), 0.5);
          EXPECT_LE(v.get<double>(), 1.0);
        }
      }
      for (const char* key : {"stream_accuracy", "forgetting", "bwt", "fwt"}) {
        EXPECT_TRUE(run[key].is_number()) << s << " " << a << " " << key;
      }
    }
  }
  // The frozen model's rows are the initial accuracies.
  EXPECT_EQ(j["strategies"]["none"]["adam"]["acc_matrix"][10], j["initial_accuracy"]);

  // Two threads: the same numbers.
  o.threads = 2;
  ClSuiteResult two;
  ASSERT_TRUE(run_cl_suite(o, &two, &error)) << error;
  EXPECT_EQ(without_times(cl_suite_json(o, two)), without_times(j));

  const std::string table = cl_suite_table(one);
  EXPECT_NE(table.find("replay"), std::string::npos);
  EXPECT_NE(table.find("smear 0.10"), std::string::npos);

  std::string tmpl = "/tmp/l1t-test-cl-suite-XXXXXX";
  const std::string dir = mkdtemp(tmpl.data());
  std::vector<std::string> files;
  ASSERT_TRUE(write_cl_plots(one, dir, &files, &error)) << error;
  EXPECT_EQ(files.size(), 4u);  // two plots per algorithm
  for (const auto& f : files) EXPECT_TRUE(std::filesystem::exists(f)) << f;
  std::filesystem::remove_all(dir);
}

TEST(ClSuiteTest, UnknownNamesFailBeforeAnyWork) {
  ClSuiteResult r;
  std::string error;
  ClSuiteOptions o = tiny_options();
  o.strategies = {"replay", "hope"};
  EXPECT_FALSE(run_cl_suite(o, &r, &error));
  EXPECT_NE(error.find("'hope'"), std::string::npos) << error;
  o = tiny_options();
  o.algorithms = {"adam", "sgdw"};
  EXPECT_FALSE(run_cl_suite(o, &r, &error));
  EXPECT_NE(error.find("'sgdw'"), std::string::npos) << error;
  o = tiny_options();
  o.experience_groups = {"smear", "weather"};
  EXPECT_FALSE(run_cl_suite(o, &r, &error));
  EXPECT_NE(error.find("'weather'"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::experiment
