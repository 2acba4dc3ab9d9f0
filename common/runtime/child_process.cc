#include "common/runtime/child_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <thread>

extern char** environ;

namespace l1t::runtime {

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && running()) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
}

bool ChildProcess::start(const std::vector<std::string>& argv, const std::string& log_path,
                         std::string* error, const std::vector<std::string>& env) {
  if (pid_ > 0 && running()) {
    *error = "cannot start " + argv[0] + ": pid " + std::to_string(pid_) + " still runs";
    return false;
  }
  code_.reset();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!log_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const int rc = posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    *error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    pid_ = -1;
    return false;
  }
  return true;
}

void ChildProcess::reap(bool block) {
  if (pid_ <= 0 || code_) return;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == pid_) {
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
}

bool ChildProcess::running() {
  reap(false);
  return pid_ > 0 && !code_;
}

std::optional<int> ChildProcess::exit_code() {
  reap(false);
  return code_;
}

void ChildProcess::signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

std::optional<int> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code();
}

int ChildProcess::stop(std::chrono::milliseconds timeout) {
  signal(SIGTERM);
  if (auto code = wait_for(timeout)) return *code;
  signal(SIGKILL);
  reap(true);
  return code_.value_or(128 + SIGKILL);
}

}  // namespace l1t::runtime
