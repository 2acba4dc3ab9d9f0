// configs/docker.yaml, docker-compose.yml and deploy/prometheus/prometheus.yml describe one
// deployment; there is no Docker engine in CI, so these tests check that the three agree and
// that every container's command line loads with the strict scenario loader.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "common/config/scenario.h"

namespace l1t::config {
namespace {

const std::string kSource = L1T_SOURCE_DIR;
const std::vector<std::string> kServices{"emulator", "inference", "labeller", "trainer", "monitor"};

Scenario load_docker(const std::vector<std::string>& overrides = {}) {
  Scenario s;
  std::string error;
  EXPECT_TRUE(load_scenario(kSource + "/configs/docker.yaml", overrides, &s, &error)) << error;
  return s;
}

// "tcp://host:5550" -> "5550".
std::string port_of(const std::string& endpoint) {
  return endpoint.substr(endpoint.rfind(':') + 1);
}

// A compose service's command: the config path (in the image) and its --set overrides.
struct Command {
  std::string program, config;
  std::vector<std::string> overrides;
};

Command compose_command(const std::string& service) {
  const YAML::Node compose = YAML::LoadFile(kSource + "/docker-compose.yml");
  Command c;
  const YAML::Node argv = compose["services"][service]["command"];
  EXPECT_TRUE(argv && argv.IsSequence()) << service << " has no command list";
  if (!argv || !argv.IsSequence()) return c;
  c.program = argv[0].as<std::string>();
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string a = argv[i].as<std::string>();
    if (a.rfind("--config=", 0) == 0) {
      c.config = a.substr(9);
    } else if (a.rfind("--set=", 0) == 0) {
      c.overrides.push_back(a.substr(6));
    } else {
      ADD_FAILURE() << service << ": unexpected argument '" << a << "' (use --opt=value)";
    }
  }
  return c;
}

TEST(DockerConfigTest, LoadsAndListensOnEveryInterface) {
  const Scenario s = load_docker();
  EXPECT_EQ(s.name, "docker");
  EXPECT_EQ(s.metrics.bind_address, "0.0.0.0");
  EXPECT_EQ(s.metrics.emulator, 9101);
  EXPECT_EQ(s.metrics.inference, 9102);
  EXPECT_EQ(s.metrics.labeller, 9103);
  EXPECT_EQ(s.metrics.trainer, 9104);
  EXPECT_EQ(s.metrics.monitor, 9105);
  // The labeller and the monitor subscribe to truth: the emulator waits for both.
  EXPECT_EQ(s.emulator.min_subscribers, 2);
  // ... and the inference node for the monitor, so no early decision goes unseen.
  EXPECT_EQ(s.inference.min_subscribers, 1);
  EXPECT_GT(s.emulator.rate_hz, 0);
  // A fill long enough for dashboards: at least ten minutes at the configured rate.
  EXPECT_GE(s.degradation.smear_levels.size() * s.degradation.events_per_level / s.emulator.rate_hz,
            600);
}

TEST(DockerConfigTest, ConnectorsNameTheComposeServiceThatBinds) {
  const Scenario s = load_docker();
  EXPECT_EQ(s.endpoints.events.rfind("tcp://emulator:", 0), 0u) << s.endpoints.events;
  EXPECT_EQ(s.endpoints.truth.rfind("tcp://emulator:", 0), 0u) << s.endpoints.truth;
  EXPECT_EQ(s.endpoints.labels.rfind("tcp://trainer:", 0), 0u) << s.endpoints.labels;
  EXPECT_EQ(s.endpoints.weights.rfind("tcp://trainer:", 0), 0u) << s.endpoints.weights;
  EXPECT_EQ(s.endpoints.control.rfind("tcp://trainer:", 0), 0u) << s.endpoints.control;
  EXPECT_EQ(s.endpoints.decisions.rfind("tcp://monitor:", 0), 0u) << s.endpoints.decisions;
}

TEST(DockerConfigTest, EveryComposeCommandLoadsAndBindersListenOnTheConnectorsPort) {
  const Scenario base = load_docker();
  for (const auto& service : kServices) {
    SCOPED_TRACE(service);
    const Command c = compose_command(service);
    EXPECT_EQ(c.program, "l1t-" + service);
    ASSERT_EQ(c.config, "/app/configs/docker.yaml");
    Scenario s;
    std::string error;
    ASSERT_TRUE(load_scenario(kSource + "/configs/docker.yaml", c.overrides, &s, &error)) << error;
    for (const auto& o : c.overrides) {
      ASSERT_EQ(o.rfind("endpoints.", 0), 0u) << "only binders' endpoints differ: " << o;
    }
    const std::map<std::string, std::pair<std::string, std::string>> bound = {
        {"events", {base.endpoints.events, s.endpoints.events}},
        {"truth", {base.endpoints.truth, s.endpoints.truth}},
        {"labels", {base.endpoints.labels, s.endpoints.labels}},
        {"weights", {base.endpoints.weights, s.endpoints.weights}},
        {"control", {base.endpoints.control, s.endpoints.control}},
        {"decisions", {base.endpoints.decisions, s.endpoints.decisions}}};
    for (const auto& [key, eps] : bound) {
      const auto& [connect, mine] = eps;
      // The host part of a connector is the service that binds it.
      const bool binds = connect.rfind("tcp://" + service + ":", 0) == 0;
      if (binds) {
        EXPECT_EQ(mine, "tcp://*:" + port_of(connect)) << key;
      } else {
        EXPECT_EQ(mine, connect) << key;
      }
    }
  }
}

TEST(DockerConfigTest, PrometheusScrapesEachServiceOnItsMetricsPort) {
  const Scenario s = load_docker();
  const std::map<std::string, int> ports{{"emulator", s.metrics.emulator},
                                         {"inference", s.metrics.inference},
                                         {"labeller", s.metrics.labeller},
                                         {"trainer", s.metrics.trainer},
                                         {"monitor", s.metrics.monitor}};
  const YAML::Node prom = YAML::LoadFile(kSource + "/deploy/prometheus/prometheus.yml");
  std::map<std::string, std::string> targets;
  for (const auto& job : prom["scrape_configs"]) {
    targets[job["job_name"].as<std::string>()] =
        job["static_configs"][0]["targets"][0].as<std::string>();
  }
  for (const auto& [service, port] : ports) {
    EXPECT_EQ(targets[service], service + ":" + std::to_string(port));
  }
  EXPECT_EQ(targets.size(), ports.size());
}

}  // namespace
}  // namespace l1t::config
