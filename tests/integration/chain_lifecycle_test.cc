// Process lifecycle across the chain: a node that starts late gets the current weights at once,
// and the launcher fails loudly (and leaves no process behind) when a process dies.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "common/physics/features.h"
#include "common/transport/envelope.h"
#include "common/transport/socket.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

using namespace std::chrono_literals;

TEST(ChainLifecycleTest, ANodeThatStartsLateGetsTheCurrentWeightsAtOnce) {
  const std::string dir = testing::temp_dir("late-node");
  testing::Service trainer("trainer");
  trainer.start({"endpoints.labels=tcp://127.0.0.1:*", "endpoints.weights=tcp://127.0.0.1:*",
                 "endpoints.control=tcp://127.0.0.1:*", "metrics.trainer=0",
                 "trainer.pretrain_events=50", "trainer.pretrain_epochs=1",
                 "trainer.publish_every=100", "trainer.batch_size=10", "trainer.gate_window=0"},
                dir);
  if (::testing::Test::HasFatalFailure()) return;

  // Labelled tracks make the trainer publish versions 2, 3, ... before the node exists.
  zmq::context_t ctx(1);
  auto push = transport::make_socket(ctx, zmq::socket_type::push);
  testing::secure_client(push, "labeller", "labels");
  push.connect(trainer.endpoint("labels"));
  v1::LabelledBatch batch;
  transport::HeaderStamper stamp("test");
  batch.set_n_features(physics::kNumFeatures);
  for (int i = 0; i < 100 * physics::kNumFeatures; ++i) batch.add_features(0.01f * (i % 97));
  for (int i = 0; i < 100; ++i) batch.add_labels(i % 3 == 0);
  for (int k = 0; k < 3; ++k) {
    stamp.stamp(batch.mutable_header());
    transport::send(push, transport::kTopicLabels, batch, true);
  }
  std::this_thread::sleep_for(1s);  // the trainer publishes v4 to nobody

  testing::Service node("inference");
  node.start({"endpoints.events=tcp://127.0.0.1:1", "endpoints.decisions=tcp://127.0.0.1:1",
              "endpoints.weights=" + trainer.endpoint("weights"),
              "endpoints.control=" + trainer.endpoint("control"), "metrics.inference=0"},
             dir);
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_EQ(node.ready["model_version"].get<int>(), 4) << node.ready.dump();
  EXPECT_EQ(node.child.stop(10s), 0);
  EXPECT_EQ(trainer.child.stop(10s), 0);
  EXPECT_EQ(trainer.stats()["model_versions_published"].get<int>(), 4);
}

TEST(ChainLifecycleTest, TheLauncherFailsWhenAProcessDiesAndLeavesNoneBehind) {
  const std::string dir = testing::temp_dir("chain-kill");
  runtime::ChildProcess chain;
  std::string error;
  ASSERT_TRUE(
      chain.start({testing::binary("l1t-chain"), "--config", testing::default_config(),
                   "--ephemeral-ports", "--work-dir", dir, "--set", "emulator.rate_hz=200", "--set",
                   "degradation.events_per_level=2000", "--set", "ceiling.enabled=false"},
                  dir + "/chain.log", &error))
      << error;
  nlohmann::json ready;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  // The inference node is the last the launcher starts (after the labeller, whose accepts
  // endpoint it needs).
  while (!runtime::read_json_file(dir + "/inference.ready.json", &ready) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(runtime::read_json_file(dir + "/inference.ready.json", &ready)) << dir;
  ASSERT_TRUE(runtime::read_json_file(dir + "/labeller.ready.json", &ready)) << dir;
  std::this_thread::sleep_for(1s);
  // Find the inference node through its stats-free pid: the launcher logged it.
  std::ifstream log(dir + "/chain.log");
  const std::string text((std::istreambuf_iterator<char>(log)), {});
  const auto at = text.find("inference ready (pid ");
  ASSERT_NE(at, std::string::npos) << text;
  const pid_t pid = std::stoi(text.substr(at + 21));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);

  const auto code = chain.wait_for(60s);
  ASSERT_TRUE(code.has_value()) << "l1t-chain did not notice; log in " << dir;
  EXPECT_NE(*code, 0);
  std::ifstream log2(dir + "/chain.log");
  const std::string after((std::istreambuf_iterator<char>(log2)), {});
  EXPECT_NE(after.find("inference died"), std::string::npos) << after;
  for (const char* name : {"trainer", "emulator", "labeller"}) {
    nlohmann::json stats;
    EXPECT_TRUE(runtime::read_json_file(dir + "/" + name + ".stats.json", &stats))
        << name << " did not stop cleanly";
  }
}

}  // namespace
}  // namespace l1t
