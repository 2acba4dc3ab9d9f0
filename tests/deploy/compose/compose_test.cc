// docker-compose.yml as a user runs it, on a real Docker engine: the images built from
// deploy/Dockerfile (and a Prometheus from Debian's package, as L1T_PROMETHEUS_IMAGE), the
// chain up with one inference node, then scaled out to three, each checked through Prometheus's
// HTTP API; then stopped, every l1t container having exited 0, and taken down. Grafana is not
// started: no Grafana image can be had here (its dashboards' queries are run against Prometheus).
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include "tests/support/deployed_chain.h"
#include "tests/support/docker_engine.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

using std::chrono::seconds;

const std::string kProject = "l1ttest";  // not the default project: a user's chain is left be

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "\n  " + l;
  return out;
}

// The compose project under test; taken down with its volumes whatever happens.
class Compose {
 public:
  explicit Compose(std::string dir) : dir_(std::move(dir)) {}
  ~Compose() { run("down -v --remove-orphans -t 20", nullptr); }

  // `<compose> -p l1ttest -f docker-compose.yml ARGS`, its output in the test's directory.
  bool run(const std::string& args, std::string* error) {
    std::string ignored;
    const std::string command = "L1T_PROMETHEUS_IMAGE=" + std::string(testing::kPrometheusImage) +
                                " " + testing::compose_command() + " -p " + kProject + " -f " +
                                L1T_SOURCE_DIR + "/docker-compose.yml " + args;
    return testing::run_logged(command, dir_ + "/compose-" + std::to_string(step_++) + ".log",
                               error ? error : &ignored);
  }

  // The project's containers (ids) of one service, or of all when service is empty, oldest first.
  std::vector<std::string> containers(const std::string& service) {
    std::string out;
    std::string filter = "--filter label=com.docker.compose.project=" + kProject;
    if (!service.empty()) filter += " --filter label=com.docker.compose.service=" + service;
    testing::run_command("docker ps -a -q " + filter +
                             " | xargs -r docker inspect -f "
                             "'{{.Created}} {{.Id}}' | sort | cut -d' ' -f2",
                         &out);
    return lines_of(out);
  }

 private:
  std::string dir_;
  int step_ = 0;
};

std::string inspect(const std::string& container, const std::string& format) {
  std::string out;
  testing::run_command("docker inspect -f '" + format + "' " + container, &out);
  return lines_of(out).empty() ? "" : lines_of(out).front();
}

// The weight version an inference container started deciding with (its "ready" log line).
int ready_version(const std::string& container) {
  std::string out;
  testing::run_command("docker logs " + container, &out);
  std::smatch m;
  static const std::regex ready("ready with weights v([0-9]+)");
  return std::regex_search(out, m, ready) ? std::stoi(m[1]) : -1;
}

TEST(ComposeTest, RunsTheChainWithOneThenThreeInferenceNodesAndStopsCleanly) {
  const std::string dir = testing::temp_dir("compose");
  std::string error;
  testing::DockerEngine engine;
  ASSERT_TRUE(engine.start(dir, &error)) << error;
  ASSERT_TRUE(testing::DockerEngine::build_images(L1T_SOURCE_DIR, dir, &error)) << error;

  Compose compose(dir);
  compose.run("down -v --remove-orphans -t 5", nullptr);  // a run killed before its teardown
  ASSERT_TRUE(
      compose.run("up -d keys trainer emulator inference labeller monitor prometheus", &error))
      << error;
  testing::PrometheusApi prometheus(9090);
  const auto ready_deadline = std::chrono::steady_clock::now() + seconds(60);
  for (;;) {
    const auto r = testing::http_get_status(9090, "/-/ready", std::chrono::milliseconds(1000));
    if (r && r->status == 200) break;
    ASSERT_LT(std::chrono::steady_clock::now(), ready_deadline)
        << "Prometheus never answered on 127.0.0.1:9090; logs in " << dir;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }

  // One node.
  testing::DeployedView one;
  auto failed = testing::check_deployed_chain(prometheus, 1, L1T_SOURCE_DIR, seconds(240), 1, &one);
  EXPECT_TRUE(failed.empty()) << "with one inference node:" << joined(failed);

  // Three: two late nodes join a running chain.
  double current = 0;
  if (const auto r =
          prometheus.query("max(l1t_model_version{job=\"inference\",model=\"live\"})", &error);
      r && !r->empty()) {
    current = r->front().value;
  }
  EXPECT_GT(current, 1) << "the weights never moved on from v1 with one node";
  ASSERT_TRUE(compose.run("up -d --no-recreate --scale inference=3 inference", &error)) << error;
  testing::DeployedView three;
  failed =
      testing::check_deployed_chain(prometheus, 3, L1T_SOURCE_DIR, seconds(240), current, &three);
  EXPECT_TRUE(failed.empty()) << "with three inference nodes:" << joined(failed);
  const auto inference = compose.containers("inference");
  ASSERT_EQ(inference.size(), 3u);
  for (size_t i = 1; i < inference.size(); ++i) {
    // The late nodes ask the trainer for its current weights and decide nothing before.
    EXPECT_GE(ready_version(inference[i]), current)
        << "late node " << inference[i] << " started on older weights than the chain's";
  }
  for (const auto& name : three.node_names) {
    EXPECT_TRUE(std::any_of(inference.begin(), inference.end(),
                            [&](const std::string& id) { return id.rfind(name, 0) == 0; }))
        << name << " is not one of the inference containers (it names itself by host name)";
  }

  // docker compose stop: every process drains and exits 0; nothing is left running.
  ASSERT_TRUE(compose.run("stop -t 20", &error)) << error;
  const auto all = compose.containers("");
  EXPECT_EQ(all.size(), 9u) << "keys, trainer, emulator, 3 x inference, labeller, monitor, "
                               "prometheus";
  for (const auto& id : all) {
    const std::string name = inspect(id, "{{.Name}}");
    EXPECT_EQ(inspect(id, "{{.State.Running}}"), "false") << name;
    if (name.find("prometheus") == std::string::npos) {
      EXPECT_EQ(inspect(id, "{{.State.ExitCode}}"), "0")
          << name << " (logs: docker logs " << id << ")";
    }
  }
  ASSERT_TRUE(compose.run("down -v -t 20", &error)) << error;
  EXPECT_TRUE(compose.containers("").empty()) << "containers left after docker compose down";
}

}  // namespace
}  // namespace l1t
