// A real Prometheus server (the Debian package) for integration tests: it scrapes the given
// loopback targets and answers PromQL over its HTTP API (PrometheusApi).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/runtime/child_process.h"
#include "tests/support/prometheus_api.h"

namespace l1t::testing {

inline const char* const kPrometheusBinary = "/usr/bin/prometheus";

// A loopback port that was free a moment ago: bound with port 0, then released for a server
// that cannot be told to pick its own. The caller retries if another process takes it first.
inline int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

class PrometheusServer : public PrometheusApi {
 public:
  struct Target {
    std::string job;
    int port = 0;
  };

  // Writes <dir>/prometheus.yml scraping the targets every scrape_interval_s and starts the
  // server on a free loopback port; returns once /-/ready answers 200. On failure says why.
  bool start(const std::string& dir, const std::vector<Target>& targets, int scrape_interval_s,
             std::chrono::seconds ready_timeout, std::string* error) {
    dir_ = dir;
    std::filesystem::create_directories(dir);
    {
      std::ofstream yml(dir + "/prometheus.yml", std::ios::trunc);
      yml << "global:\n  scrape_interval: " << scrape_interval_s
          << "s\n  scrape_timeout: " << scrape_interval_s
          << "s\n  evaluation_interval: " << scrape_interval_s << "s\nscrape_configs:\n";
      for (const auto& t : targets) {
        yml << "  - job_name: " << t.job
            << "\n    static_configs:\n      - targets: [\"127.0.0.1:" << t.port << "\"]\n";
      }
      if (!yml) {
        *error = "cannot write " + dir + "/prometheus.yml";
        return false;
      }
    }
    const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
    // The free port can be taken between our probe and the server's bind: try a few.
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = free_loopback_port();
      const std::string log = dir + "/prometheus-" + std::to_string(attempt) + ".log";
      log_path_ = log;
      process_ = std::make_unique<runtime::ChildProcess>();
      if (!process_->start(
              {kPrometheusBinary, "--config.file=" + dir + "/prometheus.yml",
               "--storage.tsdb.path=" + dir + "/tsdb",
               "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=info"},
              log, error)) {
        return false;
      }
      while (std::chrono::steady_clock::now() < deadline && process_->running()) {
        const auto r = http_get_status(port_, "/-/ready", std::chrono::milliseconds(1000));
        if (r && r->status == 200) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (process_->running()) break;  // alive but never ready: no point in another port
    }
    *error = "prometheus did not become ready on 127.0.0.1:" + std::to_string(port_) + "; see " +
             log_path_;
    return false;
  }

  const std::string& log_path() const { return log_path_; }

  // SIGTERM (Prometheus flushes its head block and exits 0), SIGKILL after the timeout.
  int stop(std::chrono::milliseconds timeout) { return process_ ? process_->stop(timeout) : 0; }

 private:
  std::string dir_, log_path_;
  std::unique_ptr<runtime::ChildProcess> process_;
};

}  // namespace l1t::testing
