// What a deployed chain (docker compose, a swarm stack) must show through its Prometheus, with
// `nodes` inference replicas: every target up, every replica deciding its share of the events,
// every replica's weights moving on, the monitor scoring decisions from each replica by name,
// and every dashboard panel with data. Polled until all hold or the time is up.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/dashboard_queries.h"
#include "tests/support/prometheus_api.h"

namespace l1t::testing {

using SeriesCheck = std::function<bool(const std::vector<Sample>&)>;

struct DeployedCheck {
  std::string what, promql;
  SeriesCheck ok;
  std::string last = "(not queried)";
  bool passed = false;
};

inline std::string describe_series(const std::vector<Sample>& samples) {
  std::ostringstream s;
  for (const auto& x : samples) {
    s << "{";
    for (const auto& [k, v] : x.labels) s << k << "=" << v << ",";
    s << "} " << x.value << "; ";
  }
  return samples.empty() ? "(no series)" : s.str();
}

inline std::string label_of(const Sample& s, const std::string& name) {
  auto it = s.labels.find(name);
  return it == s.labels.end() ? "" : it->second;
}

// What the checks saw, for the test's own further assertions.
struct DeployedView {
  std::map<std::string, double> first_version;  // inference instance -> first live version
  std::set<std::string> node_names;             // l1t_inference_node_info's
};

// Empty when everything held within `timeout`; else one line per check that did not.
// version_floor: the live version every replica must have from its first scrape (a replica
// started late serves the current weights at once, not the frozen v1).
inline std::vector<std::string> check_deployed_chain(PrometheusApi& prometheus, size_t nodes,
                                                     const std::string& source_dir,
                                                     std::chrono::seconds timeout,
                                                     double version_floor, DeployedView* view) {
  std::vector<DeployedCheck> checks;
  checks.push_back({"every target up, " + std::to_string(nodes) + " of them inference", "up",
                    [nodes](const std::vector<Sample>& s) {
                      std::map<std::string, size_t> up;
                      for (const auto& x : s) up[label_of(x, "job")] += x.value == 1.0;
                      return s.size() == nodes + 4 && up["inference"] == nodes &&
                             up["emulator"] == 1 && up["labeller"] == 1 && up["trainer"] == 1 &&
                             up["monitor"] == 1;
                    }});
  checks.push_back({"every replica decides its share of the events",
                    "increase(l1t_events_total{job=\"inference\"}[30s])",
                    [nodes](const std::vector<Sample>& s) {
                      double total = 0;
                      for (const auto& x : s) total += x.value;
                      if (s.size() != nodes || total <= 0) return false;
                      for (const auto& x : s) {
                        if (x.value < total / (3.0 * nodes)) return false;
                      }
                      return true;
                    }});
  checks.push_back({"every replica's live weights move on from the first it served",
                    "l1t_model_version{job=\"inference\",model=\"live\"}",
                    [nodes, version_floor, view](const std::vector<Sample>& s) {
                      if (s.size() != nodes) return false;
                      bool all = true;
                      for (const auto& x : s) {
                        const std::string instance = label_of(x, "instance");
                        auto [it, first] = view->first_version.emplace(instance, x.value);
                        all = all && it->second >= version_floor && x.value > it->second;
                      }
                      return all;
                    }});
  checks.push_back({"every replica has a distinct name", "l1t_inference_node_info",
                    [nodes, view](const std::vector<Sample>& s) {
                      view->node_names.clear();
                      for (const auto& x : s) view->node_names.insert(label_of(x, "node"));
                      return s.size() == nodes && view->node_names.size() == nodes &&
                             view->node_names.count("") == 0;
                    }});
  checks.push_back({"the monitor joins decisions from every replica, by its name",
                    "increase(l1t_monitor_node_decisions_total{job=\"monitor\"}[30s])",
                    [nodes, view](const std::vector<Sample>& s) {
                      std::set<std::string> seen;
                      for (const auto& x : s) {
                        if (x.value > 0) seen.insert(label_of(x, "node"));
                      }
                      return seen.size() == nodes && seen == view->node_names;
                    }});
  checks.push_back({"drift alarms are joined to their node's name",
                    "l1t_drift_alarms_total * on(job, instance) group_left(node) "
                    "l1t_inference_node_info",
                    [view](const std::vector<Sample>& s) {
                      std::set<std::string> named;
                      for (const auto& x : s) named.insert(label_of(x, "node"));
                      return !s.empty() && named == view->node_names;
                    }});
  for (const char* model : {"live", "frozen"}) {
    checks.push_back({std::string("the monitor scores the ") + model + " model",
                      std::string("l1t_monitor_accuracy{job=\"monitor\",model=\"") + model + "\"}",
                      [](const std::vector<Sample>& s) {
                        return s.size() == 1 && s[0].value > 0.5 && s[0].value <= 1.0;
                      }});
  }
  std::string error;
  for (const auto& q : shipped_queries(source_dir, "30s", &error)) {
    if (q.panel) {
      checks.push_back(
          {q.where + " has data", q.expr, [](const std::vector<Sample>& s) { return !s.empty(); }});
    } else {  // annotations and alerts: valid PromQL, data or not
      checks.push_back(
          {q.where + " is valid PromQL", q.expr, [](const std::vector<Sample>&) { return true; }});
    }
  }
  if (!error.empty()) return {error};

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool all = false;
  while (!all && std::chrono::steady_clock::now() < deadline) {
    all = true;
    for (auto& c : checks) {
      if (c.passed) continue;
      const auto r = prometheus.query(c.promql, &error);
      c.last = r ? describe_series(*r) : error;
      c.passed = r && c.ok(*r);
      all = all && c.passed;
    }
    if (!all) std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  std::vector<std::string> failed;
  for (const auto& c : checks) {
    if (!c.passed) failed.push_back(c.what + ": " + c.promql + " -> " + c.last);
  }
  return failed;
}

}  // namespace l1t::testing
