// configs/docker.yaml, docker-compose.yml and deploy/prometheus/prometheus.yml describe one
// deployment: these tests check, without a Docker engine, that the three agree and that every
// container's command line loads with the strict scenario loader (ComposeTest runs them).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <regex>
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

// A compose service's command: the config path (in the image) and its --set overrides, with
// ${VAR:-default} as compose fills it when VAR is unset.
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
    static const std::regex variable(R"(\$\{[A-Z0-9_]+:-([^}]*)\})");
    const std::string a = std::regex_replace(argv[i].as<std::string>(), variable, "$1");
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
      // Only binders' endpoints differ, and the emulator's rate (L1T_EMULATOR_RATE_HZ), whose
      // default is the file's.
      if (o.rfind("emulator.rate_hz=", 0) == 0) {
        EXPECT_EQ(s.emulator.rate_hz, base.emulator.rate_hz);
        continue;
      }
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
    const std::string name = job["job_name"].as<std::string>();
    if (job["dns_sd_configs"]) {  // every replica of a scaled service, by its name
      const YAML::Node sd = job["dns_sd_configs"][0];
      EXPECT_EQ(sd["type"].as<std::string>(), "A") << name;
      ASSERT_EQ(sd["names"].size(), 1u) << name;
      targets[name] = sd["names"][0].as<std::string>() + ":" + sd["port"].as<std::string>();
    } else {
      targets[name] = job["static_configs"][0]["targets"][0].as<std::string>();
    }
  }
  EXPECT_TRUE(prom["scrape_configs"][1]["dns_sd_configs"] &&
              prom["scrape_configs"][1]["job_name"].as<std::string>() == "inference")
      << "inference scales out: Prometheus must find its replicas by DNS, not one static target";
  for (const auto& [service, port] : ports) {
    EXPECT_EQ(targets[service], service + ":" + std::to_string(port));
  }
  EXPECT_EQ(targets.size(), ports.size());
}

TEST(DockerConfigTest, InferenceScalesOutWithoutHostPortsOrAFixedName) {
  const YAML::Node compose = YAML::LoadFile(kSource + "/docker-compose.yml");
  // Replicas would all claim one host port (docker compose up --scale inference=3).
  EXPECT_FALSE(compose["services"]["inference"]["ports"]) << "inference publishes a host port";
  EXPECT_FALSE(compose["services"]["inference"]["container_name"]);
  // Each replica names itself after its host.
  EXPECT_EQ(load_docker().inference.node, "");
}

// A key of a map, or of the map it merges (yaml-cpp keeps `<<: *anchor` as a key of its own).
YAML::Node merged(const YAML::Node& n, const std::string& key) {
  if (!n.IsMap()) return YAML::Node();
  if (n[key]) return n[key];
  return n["<<"] ? merged(n["<<"], key) : YAML::Node();
}

// deploy/swarm/stack.yml repeats the compose services in the stack format (swarm's loader
// refuses the compose file's depends_on conditions): the same images and commands.
TEST(DockerConfigTest, TheSwarmStackRunsWhatTheComposeFileRuns) {
  const YAML::Node compose = YAML::LoadFile(kSource + "/docker-compose.yml")["services"];
  const YAML::Node stack = YAML::LoadFile(kSource + "/deploy/swarm/stack.yml")["services"];
  std::vector<std::string> services{"keys", "prometheus", "grafana"};
  services.insert(services.end(), kServices.begin(), kServices.end());
  for (const auto& service : services) {
    SCOPED_TRACE(service);
    ASSERT_TRUE(stack[service]) << "not in the stack";
    EXPECT_EQ(merged(stack[service], "image").as<std::string>(),
              merged(compose[service], "image").as<std::string>());
    // Virtual IPs and the routing mesh need IPVS: every name resolves to its tasks.
    EXPECT_EQ(merged(merged(stack[service], "deploy"), "endpoint_mode").as<std::string>(), "dnsrr");
    const YAML::Node a = compose[service]["command"], b = stack[service]["command"];
    ASSERT_EQ(bool(a), bool(b)) << "a command in one file only";
    if (!a) continue;  // grafana: the image's own
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].as<std::string>(), b[i].as<std::string>());
  }
  EXPECT_EQ(stack.size(), services.size()) << "a service the compose file does not have";
  EXPECT_EQ(merged(stack["inference"], "deploy")["replicas"].as<int>(), 3);
}

}  // namespace
}  // namespace l1t::config
