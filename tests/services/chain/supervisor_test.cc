// The Supervisor on real child processes: small shell programs in a test bin directory that
// become ready at once and then die, live or end the way each test needs.
#include "services/chain/supervisor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/service_process.h"

namespace l1t::chain {
namespace {

namespace fs = std::filesystem;
using Clock = Supervisor::Clock;

// l1t-NAME: writes its ready file, then runs `then` (shell) with $DIR its own directory.
void program(const std::string& bin, const std::string& name, const std::string& then) {
  const std::string path = bin + "/l1t-" + name;
  std::ofstream(path) << "#!/bin/sh\n"
                         "DIR=$(dirname \"$0\")\n"
                         "echo \"$*\" > \"$DIR/args.last\"\n"
                         "ready=''\n"
                         "while [ $# -gt 0 ]; do [ \"$1\" = --ready-file ] && ready=\"$2\"; shift; "
                         "done\n"
                         "echo '{\"pid\": '$$'}' > \"$ready.tmp\" && mv \"$ready.tmp\" \"$ready\"\n"
                      << then << "\n";
  fs::permissions(path, fs::perms::owner_all);
}

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_dir("supervisor");
    o_.bin_dir = dir_;
    o_.work_dir = dir_;
    o_.process.config = "unused.yaml";
    o_.process.log_level = "info";
    // Dies (exit 3) in its first incarnation, lives on in the next.
    program(dir_, "flaky",
            "if [ ! -e \"$DIR/died\" ]; then touch \"$DIR/died\"; sleep 0.2; exit 3; fi\n"
            "exec sleep 30");
    program(dir_, "mortal", "sleep 0.1; exit 4");  // dies every time
    program(dir_, "finisher", "sleep 0.1; exit 0");
  }

  // Turns the supervisor's loop until done() or 10 s; false if check() failed (*failure).
  template <class Done>
  bool turn(Supervisor& s, Done done, std::string* failure) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
      if (!s.check(Clock::now(), failure)) return false;
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "timed out";
    return true;
  }

  std::string dir_;
  Options o_;
  std::string error_;
};

TEST_F(SupervisorTest, ADeadProcessIsStartedAgainWithItsRestartArgumentsAndOnRecord) {
  o_.restart = true;
  Launcher launcher(o_);
  Service s("flaky");
  s.restart_args = [] { return std::vector<std::string>{"--resume-after", "7"}; };
  ASSERT_TRUE(launcher.start(s, {"a=1"}, &error_));
  Supervisor sup(launcher, o_, Clock::now());
  sup.watch(&s, true, false);
  std::string failure;
  ASSERT_TRUE(turn(
      sup, [&] { return s.incarnation == 1 && !sup.down(&s) && s.child.running(); }, &failure))
      << failure;
  const auto j = sup.json();
  ASSERT_EQ(j["deaths"].size(), 1u) << j.dump();
  EXPECT_EQ(j["deaths"][0]["exit_code"], 3);
  EXPECT_TRUE(j["deaths"][0]["restarted"].get<bool>());
  EXPECT_TRUE(j["deaths"][0]["down_s"].is_number());
  EXPECT_EQ(j["restarts"]["flaky"], 1);
  // Each incarnation has its own log; the first one's is kept.
  EXPECT_TRUE(fs::exists(dir_ + "/flaky.log"));
  EXPECT_EQ(s.log_file, dir_ + "/flaky.restart1.log");
  EXPECT_EQ(s.ready["pid"].get<int>(), s.child.pid());
  std::ifstream in(dir_ + "/args.last");
  const std::string args((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(args.find("--resume-after 7 "), std::string::npos) << args;
  EXPECT_NE(args.find("--set a=1"), std::string::npos) << args;
}

TEST_F(SupervisorTest, WithoutRestartADeathIsTheChainsFailure) {
  Launcher launcher(o_);
  Service s("flaky");
  ASSERT_TRUE(launcher.start(s, {}, &error_));
  Supervisor sup(launcher, o_, Clock::now());
  sup.watch(&s, true, false);
  std::string failure;
  EXPECT_FALSE(turn(
      sup, [] { return false; }, &failure));
  EXPECT_NE(failure.find("flaky died with code 3"), std::string::npos) << failure;
}

TEST_F(SupervisorTest, AProcessThatKeepsDyingFailsTheChainAfterItsRestarts) {
  o_.restart = true;
  o_.max_restarts = 2;
  Launcher launcher(o_);
  Service s("mortal");
  ASSERT_TRUE(launcher.start(s, {}, &error_));
  Supervisor sup(launcher, o_, Clock::now());
  sup.watch(&s, true, false);
  std::string failure;
  EXPECT_FALSE(turn(
      sup, [] { return false; }, &failure));
  EXPECT_NE(failure.find("after 2 restarts"), std::string::npos) << failure;
  EXPECT_EQ(sup.json()["deaths"].size(), 3u);
}

TEST_F(SupervisorTest, AnEndOfRunIsNoDeathAndAnUnrestartableDeathIsOnRecord) {
  o_.restart = true;
  Launcher launcher(o_);
  Service finisher("finisher"), capture("mortal");
  ASSERT_TRUE(launcher.start(finisher, {}, &error_));
  ASSERT_TRUE(launcher.start(capture, {}, &error_));
  Supervisor sup(launcher, o_, Clock::now());
  sup.watch(&finisher, true, true);
  sup.watch(&capture, false, true);
  std::string failure;
  ASSERT_TRUE(turn(
      sup, [&] { return !finisher.child.running() && sup.down(&capture); }, &failure))
      << failure;
  const auto j = sup.json();
  ASSERT_EQ(j["deaths"].size(), 1u) << j.dump();
  EXPECT_EQ(j["deaths"][0]["process"], "mortal");
  EXPECT_FALSE(j["deaths"][0]["restarted"].get<bool>());
  EXPECT_FALSE(sup.down(&finisher));
  EXPECT_EQ(capture.incarnation, 0);
}

}  // namespace
}  // namespace l1t::chain
