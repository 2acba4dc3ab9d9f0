// Every PromQL query the project ships: each panel target and annotation of the provisioned
// Grafana dashboards and each alerting rule, with $__rate_interval as Grafana would fill it.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace l1t::testing {

struct ShippedQuery {
  std::string where;  // "l1t-drift panel 'Drift alarms'", "alert L1TChainStalled"
  std::string expr;
  bool panel = false;  // a dashboard panel's target (annotations and alerts may rightly be empty)
  bool drift = false;  // on the Drift dashboard
};

inline const std::vector<std::string> kDashboards{"l1t-chain", "l1t-drift"};

// Reads deploy/grafana/dashboards/*.json and deploy/prometheus/alerts.yml under source_dir;
// on a file that does not parse, returns what it has and says which in *error.
inline std::vector<ShippedQuery> shipped_queries(const std::string& source_dir,
                                                 const std::string& rate_interval,
                                                 std::string* error) {
  std::vector<ShippedQuery> queries;
  for (const std::string& name : kDashboards) {
    std::ifstream file(source_dir + "/deploy/grafana/dashboards/" + name + ".json");
    const auto dashboard = nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
    if (dashboard.is_discarded()) {
      *error = name + " is not valid JSON";
      return queries;
    }
    const bool drift = name == "l1t-drift";
    for (const auto& panel : dashboard["panels"]) {
      for (const auto& target : panel["targets"]) {
        queries.push_back({name + " panel '" + panel["title"].get<std::string>() + "'",
                           target["expr"].get<std::string>(), true, drift});
      }
    }
    for (const auto& a : dashboard["annotations"]["list"]) {
      queries.push_back({name + " annotation '" + a["name"].get<std::string>() + "'",
                         a["expr"].get<std::string>(), false, drift});
    }
  }
  const YAML::Node rules = YAML::LoadFile(source_dir + "/deploy/prometheus/alerts.yml");
  for (const auto& group : rules["groups"]) {
    for (const auto& rule : group["rules"]) {
      queries.push_back(
          {"alert " + rule["alert"].as<std::string>(), rule["expr"].as<std::string>(), false});
    }
  }
  for (ShippedQuery& q : queries) {
    q.expr = std::regex_replace(q.expr, std::regex("\\$__rate_interval"), rate_interval);
  }
  return queries;
}

}  // namespace l1t::testing
