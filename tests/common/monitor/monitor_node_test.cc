#include "common/monitor/monitor_node.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace l1t::monitor {
namespace {

// Three tracks: primary, pile-up, primary.
v1::Truth truth(uint64_t id, uint32_t level) {
  v1::Truth t;
  t.set_event_id(id);
  t.mutable_origin()->assign({1, 0, 1});
  t.mutable_degradation()->set_level(level);
  return t;
}

// Live is right on every track; frozen gets the last primary wrong. Decided 3 ms after creation.
v1::Decision decision(uint64_t id, uint32_t level) {
  v1::Decision d;
  d.set_event_id(id);
  d.set_model_version(1);
  d.mutable_degradation()->set_level(level);
  d.mutable_degradation()->set_smear(0.01 * level);
  d.set_score_frac_bits(10);
  for (int32_t s : {1000, 10, 900}) d.add_score_live(s);
  for (int32_t s : {1000, 10, 100}) d.add_score_frozen(s);
  d.set_event_timestamp_ns(1'000'000);
  d.set_decided_unix_ns(4'000'000);
  return d;
}

TEST(MonitorNodeTest, JoinsADecisionAndItsTruthInEitherOrder) {
  metrics::Metrics metrics("127.0.0.1", 0);
  MonitorNode node(metrics, 0.5, 0.10);
  node.on_truth(truth(1, 0));
  node.on_decision(decision(1, 0));
  EXPECT_EQ(node.monitor().joined(), 1u);
  EXPECT_EQ(node.stats()["events_joined"], 1);
  node.on_decision(decision(2, 0));
  EXPECT_EQ(node.monitor().joined(), 1u);  // waits for its truth
  node.on_truth(truth(2, 0));
  EXPECT_EQ(node.monitor().joined(), 2u);
  EXPECT_EQ(node.monitor().unmatched(), 0u);
}

TEST(MonitorNodeTest, ScoresLiveAndFrozenPerLevel) {
  metrics::Metrics metrics("127.0.0.1", 0);
  MonitorNode node(metrics, 0.5, 0.10);
  node.on_decision(decision(1, 0));
  node.on_truth(truth(1, 0));
  node.on_truth(truth(2, 3));
  node.on_decision(decision(2, 3));
  node.on_truth(truth(3, 3));
  node.on_decision(decision(3, 3));
  const auto levels = node.stats()["levels"];
  ASSERT_EQ(levels.size(), 2u) << levels.dump();
  EXPECT_EQ(levels[0]["level"], 0);
  EXPECT_EQ(levels[0]["events"], 1);
  EXPECT_EQ(levels[1]["level"], 3);
  EXPECT_EQ(levels[1]["events"], 2);
  EXPECT_DOUBLE_EQ(levels[1]["smear"].get<double>(), 0.03);
  EXPECT_DOUBLE_EQ(levels[1]["accuracy_live"].get<double>(), 1.0);
  EXPECT_NEAR(levels[1]["accuracy_frozen"].get<double>(), 2.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(levels[1]["auc_live"].get<double>(), 1.0);
  EXPECT_TRUE(levels[1].contains("auc_frozen"));
}

TEST(MonitorNodeTest, StatsHaveTheMonitorKeys) {
  metrics::Metrics metrics("127.0.0.1", 0);
  MonitorNode node(metrics, 0.5, 0.10);
  node.on_decision(decision(1, 0));
  node.on_truth(truth(1, 0));
  const auto stats = node.stats();
  for (const char* key :
       {"events_joined", "events_unmatched", "events_mismatched", "model_versions_seen",
        "decision_latency_p50_s", "decision_latency_p99_s", "levels"}) {
    EXPECT_TRUE(stats.contains(key)) << key << " in " << stats.dump();
  }
  // The device adds these itself.
  EXPECT_FALSE(stats.contains("process"));
  EXPECT_FALSE(stats.contains("messages_rejected"));
  EXPECT_EQ(stats["model_versions_seen"], std::vector<uint64_t>{1});
  EXPECT_NEAR(stats["decision_latency_p50_s"].get<double>(), 3e-3, 1e-12);
}

TEST(MonitorNodeTest, ObservesLatencyAndExportsItOnFlush) {
  metrics::Metrics metrics("127.0.0.1", 0);
  MonitorNode node(metrics, 0.5, 0.10);
  // The same series the node writes (Metrics hands back the one histogram of that name).
  auto& hist = metrics.histogram("l1t_monitor_decision_latency_seconds",
                                 "Event creation to decision, as seen in decisions",
                                 metrics::latency_buckets());
  node.on_decision(decision(1, 0));
  node.on_decision(decision(2, 0));
  EXPECT_EQ(hist.Collect().histogram.sample_count, 0u);  // buffered until the flush
  node.flush();
  const auto h = hist.Collect().histogram;
  EXPECT_EQ(h.sample_count, 2u);
  EXPECT_NEAR(h.sample_sum, 6e-3, 1e-12);
  EXPECT_NEAR(node.monitor().latency_quantile(0.99), 3e-3, 1e-12);
}

TEST(MonitorNodeTest, ExportsEachNodesDecisionsVersionAndAlarms) {
  metrics::Metrics metrics("127.0.0.1", 0);
  MonitorNode node(metrics, 0.5, 0.10);
  for (uint64_t id = 1; id <= 5; ++id) {
    v1::Decision d = decision(id, 0);
    d.set_node(id % 2 ? "inference-a" : "inference-b");
    d.set_model_version(id);
    d.set_drift_alarms(id % 2 ? 0 : 3);
    node.on_decision(d);
  }
  node.flush();
  node.flush();                                               // a second flush adds nothing
  std::map<std::string, std::map<std::string, double>> seen;  // metric -> node -> value
  for (const auto& family : metrics.registry().Collect()) {
    if (family.name.rfind("l1t_monitor_node_", 0) != 0) continue;
    for (const auto& m : family.metric) {
      ASSERT_EQ(m.label.size(), 1u);
      EXPECT_EQ(m.label[0].name, "node");
      seen[family.name][m.label[0].value] =
          family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
    }
  }
  using Values = std::map<std::string, double>;
  EXPECT_EQ(seen["l1t_monitor_node_decisions_total"],
            (Values{{"inference-a", 3}, {"inference-b", 2}}));
  EXPECT_EQ(seen["l1t_monitor_node_model_version"],
            (Values{{"inference-a", 5}, {"inference-b", 4}}));
  EXPECT_EQ(seen["l1t_monitor_node_drift_alarms"],
            (Values{{"inference-a", 0}, {"inference-b", 3}}));
}

}  // namespace
}  // namespace l1t::monitor
