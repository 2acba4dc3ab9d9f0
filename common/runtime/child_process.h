// A child OS process started by a launcher: its output goes to a log file, and it is stopped
// with SIGTERM (drain and exit 0), then SIGKILL if it does not stop in time. It gets SIGTERM
// too when its launcher dies, however it dies (PR_SET_PDEATHSIG).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace l1t::runtime {

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();  // kills a child that is still running: no orphans

  // argv[0] is the executable path; env: "NAME=VALUE" entries added to this process's
  // environment. Returns false (and says why) if it could not be started. A started child can be
  // started again once it has exited (a restart).
  bool start(const std::vector<std::string>& argv, const std::string& log_path, std::string* error,
             const std::vector<std::string>& env = {});

  pid_t pid() const { return pid_; }
  bool running();
  // The exit status once it has exited: the exit code, or 128 + signal number.
  std::optional<int> exit_code();
  void signal(int sig);
  // SIGTERM, wait up to timeout, then SIGKILL. Returns the exit code.
  int stop(std::chrono::milliseconds timeout);
  std::optional<int> wait_for(std::chrono::milliseconds timeout);

 private:
  void reap(bool block);

  pid_t pid_ = -1;
  std::optional<int> code_;
};

}  // namespace l1t::runtime
