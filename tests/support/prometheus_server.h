// A real Prometheus server (the Debian package) for integration tests: it scrapes the given
// loopback targets and answers PromQL over its HTTP API. Every network call has a timeout, so
// a test that uses it fails rather than hangs.
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

struct HttpResponse {
  int status = 0;
  std::string body;
};

// HTTP/1.0 GET on 127.0.0.1 (the server closes the connection, so there is no chunking).
inline std::optional<HttpResponse> http_get_status(int port, const std::string& target,
                                                   std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::optional<HttpResponse> result;
  const std::string req = "GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
    std::string raw;
    char buf[8192];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) raw.append(buf, n);
    const auto body = raw.find("\r\n\r\n");
    const auto space = raw.find(' ');
    // n < 0: the receive timed out; a partial response is no response.
    if (n == 0 && body != std::string::npos && space != std::string::npos && space < body) {
      result = HttpResponse{std::atoi(raw.c_str() + space + 1), raw.substr(body + 4)};
    }
  }
  ::close(fd);
  return result;
}

inline std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// One series of an instant-query result.
struct Sample {
  std::map<std::string, std::string> labels;  // __name__ included when the query keeps it
  double value = 0;
};

class PrometheusServer {
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

  int port() const { return port_; }
  const std::string& log_path() const { return log_path_; }

  // An instant query. nullopt (and why) if the server or the query failed.
  std::optional<std::vector<Sample>> query(const std::string& promql, std::string* error) {
    const auto data = api("/api/v1/query?query=" + url_encode(promql), error);
    if (!data) return std::nullopt;
    std::vector<Sample> out;
    if (data->value("resultType", "") == "scalar") {
      out.push_back({{}, to_double((*data)["result"][1])});
      return out;
    }
    for (const auto& r : (*data)["result"]) {
      Sample s;
      for (const auto& [k, v] : r["metric"].items()) s.labels[k] = v.get<std::string>();
      s.value = to_double(r["value"][1]);
      out.push_back(std::move(s));
    }
    return out;
  }

  // Every value of a label over all series (e.g. "__name__": every metric name scraped).
  std::optional<std::vector<std::string>> label_values(const std::string& label,
                                                       std::string* error) {
    const auto data = api("/api/v1/label/" + label + "/values", error);
    if (!data) return std::nullopt;
    return data->get<std::vector<std::string>>();
  }

  // SIGTERM (Prometheus flushes its head block and exits 0), SIGKILL after the timeout.
  int stop(std::chrono::milliseconds timeout) { return process_ ? process_->stop(timeout) : 0; }

 private:
  static double to_double(const nlohmann::json& v) {
    return v.is_string() ? std::stod(v.get<std::string>()) : v.get<double>();
  }

  // GET an API path; returns its "data" member when status is "success".
  std::optional<nlohmann::json> api(const std::string& target, std::string* error) {
    const auto r = http_get_status(port_, target, std::chrono::milliseconds(5000));
    if (!r) {
      *error = "no HTTP response from prometheus for " + target;
      return std::nullopt;
    }
    const auto j = nlohmann::json::parse(r->body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object() || j.value("status", "") != "success") {
      *error = "HTTP " + std::to_string(r->status) + " for " + target + ": " + r->body;
      return std::nullopt;
    }
    return j["data"];
  }

  std::string dir_, log_path_;
  int port_ = 0;
  std::unique_ptr<runtime::ChildProcess> process_;
};

}  // namespace l1t::testing
