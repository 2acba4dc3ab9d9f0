// deploy/k8s as a cluster would get it: `kubectl kustomize` renders it, and the objects hold
// together: a Deployment per process, a Service for each that binds with the ports it binds,
// every connector of the configuration naming a Service and a port it has, the configuration a
// ConfigMap that is configs/docker.yaml, the keys a Secret, inference scalable with each
// replica naming itself, and Prometheus finding the pods by discovery.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/run_command.h"

namespace l1t {
namespace {

const std::string kDir = std::string(L1T_SOURCE_DIR) + "/deploy/k8s";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class KustomizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string which;
    ASSERT_EQ(testing::run_command("command -v kubectl", &which), 0)
        << "kubectl is missing: install the Debian package 'kubernetes-client' (./test.sh does: "
        << "scripts/install-deps.sh --test)";
    std::string out;
    ASSERT_EQ(testing::run_command("kubectl kustomize " + kDir, &out), 0) << out;
    for (const YAML::Node& doc : YAML::LoadAll(out)) {
      if (!doc || !doc["kind"]) continue;
      objects_[doc["kind"].as<std::string>() + "/" + doc["metadata"]["name"].as<std::string>()] =
          doc;
    }
  }
  bool has(const std::string& kind, const std::string& name) const {
    return objects_.count(kind + "/" + name) > 0;
  }
  YAML::Node get(const std::string& kind, const std::string& name) {
    return objects_.at(kind + "/" + name);
  }
  // The generated ConfigMap whose name starts with prefix (kustomize appends a hash).
  YAML::Node config_map(const std::string& prefix) {
    for (const auto& [key, doc] : objects_) {
      if (key.rfind("ConfigMap/" + prefix + "-", 0) == 0) return doc;
    }
    return YAML::Node();
  }
  std::map<std::string, YAML::Node> objects_;
};

const std::vector<std::string> kProcesses{"emulator", "trainer", "monitor", "labeller",
                                          "inference"};

TEST_F(KustomizeTest, EveryProcessIsADeploymentReadingTheConfigMapAndTheKeysSecret) {
  const YAML::Node config = config_map("l1t-config");
  ASSERT_TRUE(config) << "no l1t-config ConfigMap";
  EXPECT_EQ(config["data"]["l1t.yaml"].as<std::string>(),
            read(std::string(L1T_SOURCE_DIR) + "/configs/docker.yaml"))
      << "deploy/k8s/l1t.yaml must be configs/docker.yaml (copy it again)";
  const YAML::Node config_all = YAML::Load(config["data"]["l1t.yaml"].as<std::string>());
  for (const std::string& name : kProcesses) {
    ASSERT_TRUE(has("Deployment", name)) << name;
    const YAML::Node d = get("Deployment", name);
    EXPECT_EQ(d["metadata"]["namespace"].as<std::string>(), "l1t");
    const YAML::Node pod = d["spec"]["template"]["spec"];
    const YAML::Node c = pod["containers"][0];
    EXPECT_EQ(c["command"][0].as<std::string>(), "l1t-" + name);
    EXPECT_EQ(c["command"][1].as<std::string>(), "--config=/etc/l1t/l1t.yaml");
    std::map<std::string, std::string> mounts;
    for (const auto& m : c["volumeMounts"]) {
      mounts[m["name"].as<std::string>()] = m["mountPath"].as<std::string>();
    }
    EXPECT_EQ(mounts["config"], "/etc/l1t");
    EXPECT_EQ(mounts["keys"], config_all["security"]["keys_dir"].as<std::string>());
    std::map<std::string, YAML::Node> volumes;
    for (const YAML::Node& v : pod["volumes"]) volumes[v["name"].as<std::string>()] = v;
    EXPECT_EQ(volumes["config"]["configMap"]["name"].as<std::string>(),
              config["metadata"]["name"].as<std::string>())
        << "the generated (hashed) name is referenced";
    EXPECT_EQ(volumes["keys"]["secret"]["secretName"].as<std::string>(), "l1t-keys");
    // Prometheus scrapes the pod at the process's configured metrics port.
    const YAML::Node ann = d["spec"]["template"]["metadata"]["annotations"];
    EXPECT_EQ(ann["prometheus.io/scrape"].as<std::string>(), "true");
    EXPECT_EQ(ann["prometheus.io/port"].as<int>(), config_all["metrics"][name].as<int>()) << name;
  }
}

TEST_F(KustomizeTest, WhatABinderBindsItsServiceServesAndEveryConnectorFindsAService) {
  const YAML::Node config =
      YAML::Load(config_map("l1t-config")["data"]["l1t.yaml"].as<std::string>());
  const std::regex bind("--set=endpoints\\.([a-z_]+)=tcp://\\*:([0-9]+)");
  size_t binds = 0;
  for (const std::string& name : kProcesses) {
    const YAML::Node c = get("Deployment", name)["spec"]["template"]["spec"]["containers"][0];
    std::set<int> service_ports;
    if (has("Service", name)) {
      const YAML::Node svc = get("Service", name);
      EXPECT_EQ(svc["spec"]["selector"]["app"].as<std::string>(), name);
      for (const auto& p : svc["spec"]["ports"]) service_ports.insert(p["port"].as<int>());
    }
    for (const auto& arg : c["command"]) {
      const std::string a = arg.as<std::string>();
      std::smatch m;
      if (!std::regex_match(a, m, bind)) continue;
      ++binds;
      const int port = std::stoi(m[2]);
      EXPECT_TRUE(service_ports.count(port))
          << name << " binds " << port << ", its Service lacks it";
      // The configured connector for that endpoint names this Service and port.
      EXPECT_EQ(config["endpoints"][m[1].str()].as<std::string>(),
                "tcp://" + name + ":" + std::to_string(port));
    }
  }
  EXPECT_EQ(binds, config["endpoints"].size())
      << "every endpoint of the configuration is bound by one process";
  EXPECT_FALSE(has("Service", "inference")) << "inference pods connect: no Service to route to one";
}

TEST_F(KustomizeTest, InferenceScalesAndEachReplicaNamesItself) {
  ASSERT_TRUE(has("Deployment", "inference"));
  const YAML::Node d = get("Deployment", "inference");
  EXPECT_GE(d["spec"]["replicas"].as<int>(), 1);
  const YAML::Node c = d["spec"]["template"]["spec"]["containers"][0];
  bool named = false;
  for (const auto& arg : c["command"])
    named |= arg.as<std::string>() == "--set=inference.node=$(POD_NAME)";
  EXPECT_TRUE(named);
  ASSERT_TRUE(c["env"]);
  EXPECT_EQ(c["env"][0]["name"].as<std::string>(), "POD_NAME");
  EXPECT_EQ(c["env"][0]["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>(), "metadata.name");
}

TEST_F(KustomizeTest, PrometheusFindsThePodsByDiscoveryAndLoadsTheAlertRules) {
  const YAML::Node cm = config_map("prometheus-config");
  ASSERT_TRUE(cm);
  EXPECT_EQ(cm["data"]["alerts.yml"].as<std::string>(),
            read(std::string(L1T_SOURCE_DIR) + "/deploy/prometheus/alerts.yml"))
      << "deploy/k8s/alerts.yml must be deploy/prometheus/alerts.yml (copy it again)";
  const YAML::Node prom = YAML::Load(cm["data"]["prometheus.yml"].as<std::string>());
  EXPECT_EQ(prom["rule_files"][0].as<std::string>(), "alerts.yml");
  const YAML::Node sd = prom["scrape_configs"][0]["kubernetes_sd_configs"][0];
  EXPECT_EQ(sd["role"].as<std::string>(), "pod");
  bool job_from_app = false;
  for (const auto& r : prom["scrape_configs"][0]["relabel_configs"]) {
    job_from_app |= r["target_label"] && r["target_label"].as<std::string>() == "job" &&
                    r["source_labels"][0].as<std::string>() == "__meta_kubernetes_pod_label_app";
  }
  EXPECT_TRUE(job_from_app) << "job = the process, as the dashboards query it";
  ASSERT_TRUE(has("Deployment", "prometheus"));
  const YAML::Node d = get("Deployment", "prometheus");
  EXPECT_EQ(d["spec"]["template"]["spec"]["serviceAccountName"].as<std::string>(), "prometheus");
  ASSERT_TRUE(has("Role", "prometheus-pods"));
  const YAML::Node role = get("Role", "prometheus-pods");
  EXPECT_EQ(role["rules"][0]["resources"][0].as<std::string>(), "pods");
  EXPECT_TRUE(has("RoleBinding", "prometheus-pods"));
  // (Debian's promtool cannot check this file: its Prometheus is built without Kubernetes
  // discovery; the official image the Deployment runs has it.)
}

}  // namespace
}  // namespace l1t
