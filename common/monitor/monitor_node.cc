#include "common/monitor/monitor_node.h"

#include "common/monitor/level_report.h"

namespace l1t::monitor {
namespace {

prometheus::Histogram& latency_histogram(metrics::Metrics& m) {
  return m.histogram("l1t_monitor_decision_latency_seconds",
                     "Event creation to decision, as seen in decisions",
                     metrics::latency_buckets());
}

trigger::TriggerSettings trigger_settings(const config::InferenceSettings& s) {
  trigger::TriggerSettings t;
  t.minbias_accept = s.trigger_minbias_accept;
  t.crossing_rate_hz = s.bunch_crossing_rate_hz;
  t.filled_bunch_fraction = s.filled_bunch_fraction;
  return t;
}

}  // namespace

MonitorNode::MonitorNode(metrics::Metrics& metrics, const config::InferenceSettings& settings,
                         size_t history)
    : MonitorNode(metrics, settings.score_threshold, settings.working_point_pu_acceptance, history,
                  trigger_settings(settings)) {
  monitor_.set_live_calibrated(settings.live_working_point == "calibrated");
}

MonitorNode::MonitorNode(metrics::Metrics& metrics, double threshold, double pu_acceptance,
                         size_t history, trigger::TriggerSettings trigger)
    : monitor_(threshold, history, pu_acceptance, 0.5, trigger),
      latency_(latency_histogram(metrics), metrics::latency_buckets()),
      gauges_(metrics) {}

void MonitorNode::on_decision(const v1::Decision& decision) {
  latency_.observe(1e-9 *
                   static_cast<double>(decision.decided_unix_ns() - decision.event_timestamp_ns()));
  monitor_.on_decision(decision);
}

void MonitorNode::on_truth(const v1::Truth& truth) { monitor_.on_truth(truth); }

void MonitorNode::finish() {
  monitor_.fix_working_point();
  flush();
}

void MonitorNode::flush() {
  gauges_.update(monitor_);
  latency_.flush();
}

nlohmann::json MonitorNode::stats() const {
  return {{"events_joined", monitor_.joined()},
          {"events_unmatched", monitor_.unmatched()},
          {"events_mismatched", monitor_.mismatched()},
          {"model_versions_seen", monitor_.versions_seen()},
          {"decision_latency_p50_s", monitor_.latency_quantile(0.5)},
          {"decision_latency_p99_s", monitor_.latency_quantile(0.99)},
          {"working_point", working_point_json(monitor_)},
          {"trigger", trigger_json(monitor_)},
          {"levels", levels_json(monitor_)}};
}

}  // namespace l1t::monitor
