// Prometheus's HTTP API on a loopback port, for tests: instant queries and label values. Every
// call has a timeout, so a test that uses it fails rather than hangs.
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
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace l1t::testing {

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

class PrometheusApi {
 public:
  explicit PrometheusApi(int port = 0) : port_(port) {}
  int port() const { return port_; }

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

 protected:
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

  int port_ = 0;
};

}  // namespace l1t::testing
