// deploy/swarm/stack.yml as a site deploys it: a single-node swarm, the stack deployed with
// `docker stack deploy`, three inference replicas, checked through
// Prometheus's HTTP API as the compose chain is (tests/support/deployed_chain.h); then the
// stack is removed and the swarm left, if this test made it.
#include <gtest/gtest.h>

#include "tests/support/deployed_chain.h"
#include "tests/support/docker_engine.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

using std::chrono::seconds;

const std::string kStack = "l1ttest";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string command_output(const std::string& command) {
  std::string out;
  testing::run_command(command, &out);
  return trimmed(out);
}

// A swarm for the test: the engine's own if it is in one (left as it is), else one made here
// and left again, with every stack of this test's name removed first.
class Swarm {
 public:
  bool join(const std::string& dir, std::string* error) {
    dir_ = dir;
    if (command_output("docker info -f '{{.Swarm.LocalNodeState}}'") != "active") {
      // The address of the default route's interface: swarm will not advertise loopback.
      const std::string address =
          command_output("ip -4 route get 1.1.1.1 | grep -o 'src [0-9.]*' | cut -d' ' -f2");
      if (!testing::run_logged("docker swarm init --advertise-addr " +
                                   (address.empty() ? std::string("127.0.0.1") : address),
                               dir + "/swarm-init.log", error)) {
        return false;
      }
      made_ = true;
    }
    remove_stack();
    return true;
  }

  ~Swarm() {
    remove_stack();
    if (made_) {
      std::string ignored;
      testing::run_logged("docker swarm leave --force", dir_ + "/swarm-leave.log", &ignored);
    }
  }

  // Removes the stack, waits until its containers and network are gone, then its volumes.
  void remove_stack() {
    std::string out;
    testing::run_command("docker stack rm " + kStack, &out);
    const auto deadline = std::chrono::steady_clock::now() + seconds(90);
    while (
        std::chrono::steady_clock::now() < deadline &&
        !(command_output("docker ps -a -q --filter label=com.docker.stack.namespace=" + kStack)
              .empty() &&
          command_output("docker network ls -q --filter label=com.docker.stack.namespace=" + kStack)
              .empty())) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    testing::run_command("docker volume ls -q --filter label=com.docker.stack.namespace=" + kStack +
                             " | xargs -r docker volume rm",
                         &out);
  }

 private:
  std::string dir_;
  bool made_ = false;
};

TEST(StackTest, DeploysTheChainWithThreeInferenceReplicasOnASwarm) {
  const std::string dir = testing::temp_dir("swarm");
  std::string error;
  testing::DockerEngine engine;
  ASSERT_TRUE(engine.start(dir, &error)) << error;
  ASSERT_TRUE(testing::DockerEngine::build_images(L1T_SOURCE_DIR, dir, &error)) << error;
  Swarm swarm;
  ASSERT_TRUE(swarm.join(dir, &error)) << error;

  const std::string source = L1T_SOURCE_DIR;
  ASSERT_TRUE(testing::run_logged("L1T_PROMETHEUS_IMAGE=" + std::string(testing::kPrometheusImage) +
                                      " docker stack deploy --resolve-image never -c " + source +
                                      "/deploy/swarm/stack.yml " + kStack,
                                  dir + "/stack-deploy.log", &error))
      << error;
  // No Grafana image can be had here (its dashboards' queries are checked against Prometheus).
  ASSERT_TRUE(testing::run_logged("docker service rm " + kStack + "_grafana",
                                  dir + "/grafana-rm.log", &error))
      << error;
  testing::PrometheusApi prometheus(9090);
  const auto ready_deadline = std::chrono::steady_clock::now() + seconds(120);
  for (;;) {
    const auto r = testing::http_get_status(9090, "/-/ready", std::chrono::milliseconds(1000));
    if (r && r->status == 200) break;
    ASSERT_LT(std::chrono::steady_clock::now(), ready_deadline)
        << "Prometheus never answered on port 9090; docker stack ps " << kStack << ":\n"
        << command_output("docker stack ps --no-trunc " + kStack);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }

  testing::DeployedView view;
  const auto failed = testing::check_deployed_chain(prometheus, 3, source, seconds(300), 1, &view);
  std::string failures;
  for (const auto& f : failed) failures += "\n  " + f;
  EXPECT_TRUE(failed.empty()) << "the stack with three inference replicas:" << failures
                              << "\ndocker stack ps:\n"
                              << command_output("docker stack ps " + kStack);
  // The replicas name themselves after their task's host name, inference-{{.Task.Slot}}.
  EXPECT_EQ(view.node_names, (std::set<std::string>{"inference-1", "inference-2", "inference-3"}));
  EXPECT_EQ(command_output("docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' " +
                           kStack + "_inference"),
            "3");
}

}  // namespace
}  // namespace l1t
