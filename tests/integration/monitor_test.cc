// l1t-monitor as a service: real emulator, trainer and inference node on loopback feed it, and
// its /metrics and stats show the live and frozen model's accuracy per degradation level.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "tests/support/http_get.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

using namespace std::chrono_literals;

// The value of one exact series line, e.g. `l1t_monitor_events_joined_total`, or -1.
double series(const std::string& body, const std::string& name) {
  std::smatch m;
  const std::regex line("(^|\\n)" + std::regex_replace(name, std::regex(R"([{}\"])"), R"(\$&)") +
                        " ([^\\n]+)");
  return std::regex_search(body, m, line) ? std::stod(m[2]) : -1.0;
}

TEST(MonitorTest, ExportsLiveAndFrozenAccuracyPerLevel) {
  const std::string dir = testing::temp_dir("monitor");
  const int events_per_level = 150;
  testing::Service trainer("trainer"), emulator("emulator"), monitor("monitor"), node("inference");
  trainer.start({"endpoints.labels=tcp://127.0.0.1:*", "endpoints.weights=tcp://127.0.0.1:*",
                 "endpoints.control=tcp://127.0.0.1:*", "metrics.trainer=0",
                 "trainer.pretrain_events=200", "trainer.pretrain_epochs=2"},
                dir);
  if (HasFatalFailure()) return;
  emulator.start({"endpoints.events=tcp://127.0.0.1:*", "endpoints.truth=tcp://127.0.0.1:*",
                  "metrics.emulator=0", "emulator.rate_hz=0", "emulator.min_subscribers=1",
                  "degradation.smear_levels=[0.0, 0.1]",
                  "degradation.events_per_level=" + std::to_string(events_per_level)},
                 dir);
  if (HasFatalFailure()) return;
  monitor.start({"endpoints.decisions=tcp://127.0.0.1:*",
                 "endpoints.truth=" + emulator.endpoint("truth"), "metrics.monitor=0"},
                dir);
  if (HasFatalFailure()) return;
  node.start({"endpoints.events=" + emulator.endpoint("events"),
              "endpoints.weights=" + trainer.endpoint("weights"),
              "endpoints.control=" + trainer.endpoint("control"),
              "endpoints.decisions=" + monitor.endpoint("decisions"), "metrics.inference=0",
              "inference.min_subscribers=1"},
             dir);
  if (HasFatalFailure()) return;

  const double expected = 2.0 * events_per_level;
  std::string body;
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  while (std::chrono::steady_clock::now() < deadline) {
    body = testing::http_get(monitor.metrics_port(), "/metrics").value_or("");
    if (series(body, "l1t_monitor_events_joined_total") >= expected) break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(series(body, "l1t_monitor_events_joined_total"), expected) << body;
  for (const char* model : {"live", "frozen"}) {
    for (const char* level : {"0", "1"}) {
      const std::string acc = std::string("l1t_monitor_level_accuracy{level=\"") + level +
                              "\",model=\"" + model + "\"}";
      EXPECT_GT(series(body, acc), 0.5) << acc << "\n" << body;
      EXPECT_LE(series(body, acc), 1.0) << acc;
    }
  }
  EXPECT_EQ(series(body, "l1t_monitor_degradation_level"), 1.0);
  EXPECT_DOUBLE_EQ(series(body, "l1t_monitor_degradation_smear"), 0.1);

  EXPECT_EQ(node.child.stop(10s), 0);
  EXPECT_EQ(monitor.child.stop(10s), 0);
  emulator.child.stop(10s);
  trainer.child.stop(10s);
  const auto stats = monitor.stats();
  ASSERT_EQ(stats["levels"].size(), 2u) << stats.dump();
  EXPECT_EQ(stats["events_joined"].get<int>(), 2 * events_per_level);
  // The frozen model, trained on undegraded events, loses accuracy at 10 % smear.
  EXPECT_GT(stats["levels"][0]["accuracy_frozen"].get<double>(),
            stats["levels"][1]["accuracy_frozen"].get<double>())
      << stats.dump();
}

}  // namespace
}  // namespace l1t
