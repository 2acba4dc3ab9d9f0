#include "common/runtime/child_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
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
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  // The child tells why it could not exec through this pipe; a successful exec closes it.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    *error = "cannot start " + argv[0] + ": " + std::strerror(errno);
    return false;
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {  // only async-signal-safe calls from here to exec
    ::close(report[0]);
    // A child goes when its launcher does, even one killed with SIGKILL: no orphans. (The
    // signal comes when the thread that started it ends: launchers start from their main
    // thread.)
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    int err = 0;
    if (!log_path.empty()) {
      const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0 || ::dup2(fd, STDOUT_FILENO) < 0 || ::dup2(fd, STDERR_FILENO) < 0) err = errno;
    }
    if (err == 0) {
      ::execve(args[0], args.data(), envp.data());
      err = errno;
    }
    (void)!::write(report[1], &err, sizeof err);
    ::_exit(127);
  }
  ::close(report[1]);
  if (pid < 0) {
    *error = "cannot start " + argv[0] + ": " + std::strerror(errno);
    ::close(report[0]);
    return false;
  }
  int err = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &err, sizeof err);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  pid_ = pid;
  if (n == static_cast<ssize_t>(sizeof err)) {
    reap(true);
    pid_ = -1;
    code_.reset();
    *error = "cannot start " + argv[0] + ": " + std::strerror(err);
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
