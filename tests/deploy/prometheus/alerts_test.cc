// The alerting rules (deploy/prometheus/alerts.yml) as Prometheus reads them: promtool accepts
// them, their unit tests (alerts_test.yml) pass, and those tests do catch a broken rule.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/run_command.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

namespace fs = std::filesystem;
const std::string kPromtool = "/usr/bin/promtool";
const std::string kDir = std::string(L1T_SOURCE_DIR) + "/deploy/prometheus";

using testing::run_command;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kPromtool))
        << kPromtool << " is missing: install the Debian package 'prometheus' (./test.sh does: "
        << "scripts/install-deps.sh --test)";
  }
};

TEST_F(AlertsTest, PromtoolAcceptsTheRules) {
  std::string out;
  EXPECT_EQ(run_command(kPromtool + " check rules " + kDir + "/alerts.yml", &out), 0) << out;
  EXPECT_NE(out.find("SUCCESS: 5 rules found"), std::string::npos) << out;
}

TEST_F(AlertsTest, TheRulesUnitTestsPass) {
  std::string out;
  EXPECT_EQ(run_command("cd " + kDir + " && " + kPromtool + " test rules alerts_test.yml", &out), 0)
      << out;
  EXPECT_NE(out.find("SUCCESS"), std::string::npos) << out;
}

TEST_F(AlertsTest, TheUnitTestsCatchARuleThatNoLongerWaits) {
  // The drift alarm without its `for:` fires a minute early: the tests must say so.
  const std::string dir = testing::temp_dir("alerts");
  std::string rules = read(kDir + "/alerts.yml");
  const std::string wait = "        for: 1m\n";
  const size_t at = rules.find(wait);
  ASSERT_NE(at, std::string::npos);
  rules.erase(at, wait.size());
  std::ofstream(dir + "/alerts.yml") << rules;
  fs::copy_file(kDir + "/alerts_test.yml", dir + "/alerts_test.yml");
  std::string out;
  EXPECT_NE(run_command("cd " + dir + " && " + kPromtool + " test rules alerts_test.yml", &out), 0)
      << out;
  EXPECT_NE(out.find("L1TDriftAlarm"), std::string::npos) << out;
}

}  // namespace
}  // namespace l1t
