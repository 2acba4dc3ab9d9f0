#include "common/experiment/convergence_suite.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace l1t::experiment {
namespace {

ConvergenceOptions small_options() {
  ConvergenceOptions o;
  o.train_events = 30;
  o.test_events = 15;
  o.epochs = 3;
  o.batch = 50;
  o.threads = 1;
  return o;
}

TEST(ConvergenceSuiteTest, EveryAlgorithmLearnsFromTheSameStart) {
  const ConvergenceOptions o = small_options();
  ConvergenceResult r;
  std::string error;
  ASSERT_TRUE(run_convergence_suite(o, &r, &error)) << error;
  ASSERT_EQ(r.algorithms, (std::vector<std::string>{"sgd", "adam", "am-adam"}));
  EXPECT_GT(r.train_rows, 5000u);
  const double start_loss = r.curves.at("sgd").initial_test_loss;
  for (const auto& a : r.algorithms) {
    const auto& c = r.curves.at(a);
    ASSERT_EQ(c.train_loss.size(), 3u);
    ASSERT_EQ(c.test_accuracy.size(), 3u);
    EXPECT_EQ(c.initial_test_loss, start_loss) << a << " starts from the same model";
    EXPECT_LT(c.test_loss.back(), 0.5 * c.initial_test_loss) << a;
    EXPECT_LT(c.train_loss.back(), c.train_loss.front()) << a;
    // Nine tracks in ten are pile-up: a useful model beats always answering "pile-up".
    EXPECT_GT(c.test_accuracy.back(), 0.92) << a;
  }
  const auto j = convergence_json(o, r);
  EXPECT_EQ(j["suite"], "convergence");
  EXPECT_EQ(j["algorithms"]["adam"]["train_loss"].size(), 3u);
  EXPECT_EQ(j["algorithms"]["am-adam"]["test_accuracy"].size(), 3u);
  EXPECT_NE(convergence_table(r).find("am-adam"), std::string::npos);
}

TEST(ConvergenceSuiteTest, ThreadsDoNotChangeTheCurves) {
  ConvergenceOptions o = small_options();
  o.epochs = 2;
  o.algorithms = {"sgd", "adam"};
  ConvergenceResult one, two;
  std::string error;
  ASSERT_TRUE(run_convergence_suite(o, &one, &error)) << error;
  o.threads = 2;
  ASSERT_TRUE(run_convergence_suite(o, &two, &error)) << error;
  for (const auto& a : o.algorithms) {
    EXPECT_EQ(one.curves.at(a).train_loss, two.curves.at(a).train_loss) << a;
    EXPECT_EQ(one.curves.at(a).test_accuracy, two.curves.at(a).test_accuracy) << a;
  }
}

TEST(ConvergenceSuiteTest, WritesBothPlots) {
  ConvergenceOptions o = small_options();
  o.epochs = 2;
  o.algorithms = {"adam"};
  ConvergenceResult r;
  std::string error;
  ASSERT_TRUE(run_convergence_suite(o, &r, &error)) << error;
  std::string tmpl = "/tmp/l1t-test-convergence-XXXXXX";
  const std::string dir = mkdtemp(tmpl.data());
  std::vector<std::string> files;
  ASSERT_TRUE(write_convergence_plots(r, dir, &files, &error)) << error;
  ASSERT_EQ(files.size(), 2u);
  for (const auto& f : files) EXPECT_GT(std::filesystem::file_size(f), 500u) << f;
  std::filesystem::remove_all(dir);
}

TEST(ConvergenceSuiteTest, BadSettingsAreErrors) {
  ConvergenceOptions o = small_options();
  ConvergenceResult r;
  std::string error;
  o.epochs = 0;
  EXPECT_FALSE(run_convergence_suite(o, &r, &error));
  o = small_options();
  o.algorithms = {"adam", "nadam"};
  EXPECT_FALSE(run_convergence_suite(o, &r, &error));
  EXPECT_NE(error.find("'nadam'"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::experiment
