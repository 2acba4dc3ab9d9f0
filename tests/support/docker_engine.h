// A Docker engine for deployment tests: the one running, or dockerd started here (as root) and
// stopped again by its pid when the test is done. Also builds the images the compose file and
// the swarm stack run: the Debian base (made with debootstrap when it cannot be pulled), the
// project's (deploy/Dockerfile) and a Prometheus from Debian's package (deploy/prometheus).
#pragma once

#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "common/runtime/child_process.h"
#include "tests/support/run_command.h"

namespace l1t::testing {

inline const char* const kProjectImage = "l1t-chain:latest";
inline const char* const kPrometheusImage = "l1t-prometheus:latest";

// `command` with its output in `log`; false with the log's tail in *error if it failed.
inline bool run_logged(const std::string& command, const std::string& log, std::string* error) {
  std::string out;
  const int status = run_command(command + " > " + log + " 2>&1", &out);
  if (status == 0) return true;
  std::string tail;
  run_command("tail -n 30 " + log, &tail);
  *error = command + " failed (status " + std::to_string(status) + "):\n" + tail;
  return false;
}

class DockerEngine {
 public:
  DockerEngine() = default;
  DockerEngine(const DockerEngine&) = delete;
  DockerEngine& operator=(const DockerEngine&) = delete;
  ~DockerEngine() { stop(); }

  // Uses a running engine, else starts dockerd (its log in dir). False, and why, on failure.
  bool start(const std::string& dir, std::string* error) {
    std::string out;
    if (run_command("docker info > /dev/null", &out) == 0) return true;
    if (run_command("command -v dockerd", &out) != 0) {
      *error =
          "no Docker engine runs and dockerd is not installed (Debian's docker.io; "
          "./test.sh installs it: scripts/install-deps.sh --test)";
      return false;
    }
    if (::geteuid() != 0) {
      *error = "no Docker engine runs, and only root can start dockerd";
      return false;
    }
    if (!dockerd_.start({"/usr/sbin/dockerd", "--pidfile=" + dir + "/dockerd.pid"},
                        dir + "/dockerd.log", error)) {
      return false;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!dockerd_.running()) break;
      if (run_command("docker info > /dev/null", &out) == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    *error = "dockerd did not answer within 60 s; see " + dir + "/dockerd.log";
    return false;
  }

  // The dockerd started here, if any: SIGTERM (it stops its containers), SIGKILL after 60 s.
  void stop() {
    if (dockerd_.pid() > 0 && dockerd_.running()) dockerd_.stop(std::chrono::seconds(60));
  }

  // The base image, then the project's and Prometheus's images, each build's log in dir.
  // Docker's layer cache makes a rebuild of unchanged sources take seconds.
  static bool build_images(const std::string& source_dir, const std::string& dir,
                           std::string* error) {
    return run_logged("bash " + source_dir + "/scripts/docker-base-image.sh",
                      dir + "/base-image.log", error) &&
           run_logged("docker build -f " + source_dir + "/deploy/Dockerfile -t " + kProjectImage +
                          " " + source_dir,
                      dir + "/image-build.log", error) &&
           run_logged("docker build -t " + std::string(kPrometheusImage) + " " + source_dir +
                          "/deploy/prometheus",
                      dir + "/prometheus-build.log", error) &&
           // Each rebuild leaves its build stage (2 GB) untagged: older ones go, the recent
           // ones stay as the cache of the next build.
           run_logged("docker image prune -f --filter until=24h", dir + "/prune.log", error);
  }

 private:
  runtime::ChildProcess dockerd_;
};

// `docker compose` (v2) where the plugin is installed, else Debian's docker-compose (v1).
inline std::string compose_command() {
  std::string out;
  return run_command("docker compose version > /dev/null", &out) == 0 ? "docker compose"
                                                                      : "docker-compose";
}

}  // namespace l1t::testing
