// l1t-experiment --suite ceiling as a user runs it: the real binary, small sizes; the JSON and
// the plot, and the exit code 2 for a bad flag.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

const std::string kBinary = L1T_BINARY_DIR "/bin/l1t-experiment";

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

RunResult run(const std::string& cmd) {
  RunResult r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string temp_dir() {
  std::string tmpl = "/tmp/l1t-test-ceiling-XXXXXX";
  return mkdtemp(tmpl.data());
}

TEST(CeilingToolTest, WritesEveryExperienceTheWorkingPointAndAPlot) {
  const std::string dir = temp_dir();
  const RunResult r = run(kBinary +
                          " --suite ceiling --experiences smear,tracker --positions 0,10,11,15 "
                          "--train-events 60 --test-events 60 --pretrain-epochs 3 --threads 2 "
                          "--json " +
                          dir + "/c.json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("gap +- error"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rec replay"), std::string::npos) << r.out;
  std::ifstream f(dir + "/c.json");
  const auto j = nlohmann::json::parse(f, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["suite"], "ceiling");
  ASSERT_EQ(j["experiences"].size(), 4u);
  EXPECT_EQ(j["experiences"][0]["name"], "smear 0.00");
  EXPECT_EQ(j["experiences"][1]["name"], "smear 0.10");
  EXPECT_EQ(j["experiences"][2]["name"], "tracker none");
  EXPECT_EQ(j["experiences"][3]["name"], "tracker bri+10bs");
  EXPECT_EQ(j["experiences"][3]["group"], "tracker");
  EXPECT_DOUBLE_EQ(j["working_point"]["target_pu_acceptance"].get<double>(), 0.10);
  EXPECT_EQ(j["working_point"]["experience"], "smear 0.00");
  EXPECT_EQ(j["settings"]["precision"], "ap_fixed<16,6>");
  for (const auto& x : j["experiences"]) {
    EXPECT_TRUE(x["frozen"]["efficiency"].is_number()) << x.dump();
    EXPECT_TRUE(x["ceiling"]["efficiency"].is_number()) << x.dump();
    EXPECT_TRUE(x["gap_error"].is_number()) << x.dump();
    for (const char* learner : {"naive", "replay"}) {
      EXPECT_TRUE(x[learner]["efficiency"].is_number()) << x.dump();
      EXPECT_TRUE(x[learner]["efficiency_error"].is_number()) << x.dump();
      EXPECT_TRUE(x[learner].contains("recovered_fraction")) << x.dump();
      EXPECT_TRUE(x["recovered_fraction"].contains(learner)) << x.dump();
    }
    EXPECT_TRUE(x["gap_significant"].is_boolean()) << x.dump();
    EXPECT_GT(x["n_primary"].get<int>(), 0);
  }
  EXPECT_TRUE(std::filesystem::exists(dir + "/ceiling_efficiency.svg"));
  std::filesystem::remove_all(dir);
}

TEST(CeilingToolTest, BadFlagsExitWithTwo) {
  for (const std::string flags :
       {"--positions 3,1", "--positions x", "--experiences nope", "--pu-acceptance 0",
        "--strategies naive,bogus", "--algorithms adam,sgd", "--algorithms nope"}) {
    const RunResult r = run(kBinary + " --suite ceiling --train-events 5 --test-events 5 " + flags);
    EXPECT_EQ(r.exit_code, 2) << flags << ": " << r.out;
  }
}

}  // namespace
