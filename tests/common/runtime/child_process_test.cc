// ChildProcess on real programs: the environment it adds, a program that cannot start, a start
// again after an exit (a restart), and no orphan when the launcher itself is killed.
#include "common/runtime/child_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

namespace l1t::runtime {
namespace {

std::string temp_dir() {
  std::string tmpl = "/tmp/l1t-test-child-XXXXXX";
  return mkdtemp(tmpl.data());
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(ChildProcessTest, AddsTheEnvironmentItIsGivenAndLogsOutput) {
  const std::string dir = temp_dir();
  ChildProcess c;
  std::string error;
  ASSERT_TRUE(c.start({"/bin/sh", "-c", "echo \"$L1T_TEST_VALUE\""}, dir + "/log", &error,
                      {"L1T_TEST_VALUE=forty-two"}))
      << error;
  EXPECT_EQ(c.wait_for(std::chrono::seconds(10)), 0);
  EXPECT_EQ(read(dir + "/log"), "forty-two\n");
}

TEST(ChildProcessTest, AProgramThatCannotStartSaysWhy) {
  ChildProcess c;
  std::string error;
  EXPECT_FALSE(c.start({"/nonexistent/l1t-nothing"}, "", &error));
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
  EXPECT_FALSE(c.running());
}

TEST(ChildProcessTest, StartsAgainOnceItHasExitedButNotWhileItRuns) {
  ChildProcess c;
  std::string error;
  ASSERT_TRUE(c.start({"/bin/sh", "-c", "exit 3"}, "", &error)) << error;
  EXPECT_EQ(c.wait_for(std::chrono::seconds(10)), 3);
  ASSERT_TRUE(c.start({"/bin/sh", "-c", "sleep 30"}, "", &error)) << error;
  EXPECT_TRUE(c.running());
  EXPECT_FALSE(c.exit_code().has_value());
  EXPECT_FALSE(c.start({"/bin/sh", "-c", "exit 0"}, "", &error));
  EXPECT_NE(error.find("still runs"), std::string::npos) << error;
  EXPECT_EQ(c.stop(std::chrono::seconds(5)), 128 + SIGTERM);
}

TEST(ChildProcessTest, AChildGoesWhenItsLauncherIsKilled) {
  const std::string dir = temp_dir();
  const pid_t launcher = ::fork();
  ASSERT_GE(launcher, 0);
  if (launcher == 0) {  // the launcher: starts a long child, says its pid, dies by SIGKILL
    ChildProcess c;
    std::string error;
    if (!c.start({"/bin/sleep", "60"}, "", &error)) ::_exit(1);
    std::ofstream(dir + "/pid") << c.pid();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::raise(SIGKILL);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(launcher, &status, 0), launcher);
  ASSERT_TRUE(WIFSIGNALED(status));
  const pid_t child = std::stoi(read(dir + "/pid"));
  // Reparented and then ended by its SIGTERM; gone within a few seconds.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    // A zombie has ended too (whoever adopted it may not have reaped it yet).
    const std::string stat = read("/proc/" + std::to_string(child) + "/stat");
    const auto paren = stat.rfind(')');
    gone = ::kill(child, 0) != 0 ||
           (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z');
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(gone) << "pid " << child << " outlived its launcher";
  if (!gone) ::kill(child, SIGKILL);
}

}  // namespace
}  // namespace l1t::runtime
