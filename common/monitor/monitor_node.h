// The monitor without its sockets: joins decisions with truth (trigger::DecisionMonitor), times
// each decision, and exports the drift as Prometheus series. l1t-monitor and l1t-chain (which
// plays the local chain's monitor) both feed it from a device::Device.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

#include "common/config/scenario.h"
#include "common/metrics/metrics.h"
#include "common/monitor/drift_gauges.h"
#include "common/trigger/decision_monitor.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::monitor {

class MonitorNode {
 public:
  // threshold: the score above which a track counts as primary; pu_acceptance: the working
  // point's (see DecisionMonitor); history: see DecisionMonitor.
  MonitorNode(metrics::Metrics& metrics, double threshold, double pu_acceptance,
              size_t history = 1000000, trigger::TriggerSettings trigger = {});
  // As the scenario's inference: section sets it (l1t-monitor, l1t-chain).
  MonitorNode(metrics::Metrics& metrics, const config::InferenceSettings& settings,
              size_t history = 1000000);

  void on_decision(const v1::Decision& decision);
  void on_truth(const v1::Truth& truth);
  // Brings the Prometheus series up to date (about once a second, and at exit).
  void flush();
  // At the end of a run: fixes the working point if no degraded event did, so that a run of
  // undegraded events only still scores its trigger.
  void finish();

  const trigger::DecisionMonitor& monitor() const { return monitor_; }
  // What the stats file reports: join counts, versions, latency quantiles and the level table.
  nlohmann::json stats() const;

 private:
  trigger::DecisionMonitor monitor_;
  metrics::BufferedHistogram latency_;
  DriftGauges gauges_;
};

}  // namespace l1t::monitor
