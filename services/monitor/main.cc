// l1t-monitor: joins the inference node's decisions with the emulator's truth and exports the
// drift as Prometheus series (live vs frozen accuracy and AUC, per degradation level), so that
// Grafana shows what continual learning buys. l1t-chain does the same in-process; this is the
// service form for docker compose and long runs (its memory is bounded).
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/metrics/metrics.h"
#include "common/monitor/drift_gauges.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"
#include "common/transport/socket.h"
#include "common/trigger/decision_monitor.h"

using namespace l1t;
using Clock = std::chrono::steady_clock;

namespace {

nlohmann::json level_table(const trigger::DecisionMonitor& m) {
  nlohmann::json levels = nlohmann::json::array();
  for (const auto& [level, s] : m.levels()) {
    levels.push_back({{"level", level},
                      {"smear", s.smear},
                      {"events", s.events},
                      {"accuracy_live", s.live.counts.accuracy()},
                      {"accuracy_frozen", s.frozen.counts.accuracy()},
                      {"auc_live", s.live.auc.auc()},
                      {"auc_frozen", s.frozen.auc.auc()}});
  }
  return levels;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"l1t-monitor: live vs frozen model accuracy from decisions and truth"};
  runtime::ProcessOptions options;
  runtime::add_process_options(app, &options);
  size_t history = 1000000;
  app.add_option("--history", history, "events kept for latency quantiles and late joins");
  CLI11_PARSE(app, argc, argv);
  config::Scenario cfg;
  if (!runtime::load_process_config(options, &cfg)) return 2;
  runtime::install_stop_handlers();

  metrics::Metrics metrics(cfg.metrics.bind_address, cfg.metrics.monitor);
  auto& decisions_in = metrics.received("decisions");
  auto& truth_in = metrics.received("truth");
  auto& latency_hist = metrics.histogram("l1t_monitor_decision_latency_seconds",
                                         "Event creation to decision, as seen in decisions",
                                         metrics::latency_buckets());
  metrics::BufferedHistogram latency(latency_hist, metrics::latency_buckets());
  monitor::DriftGauges gauges(metrics);

  zmq::context_t ctx(1);
  auto decisions = transport::make_socket(ctx, zmq::socket_type::sub);
  decisions.set(zmq::sockopt::subscribe, transport::kTopicDecision);
  const std::string decisions_ep = transport::bind(decisions, cfg.endpoints.decisions);
  auto truth = transport::make_socket(ctx, zmq::socket_type::sub);
  truth.set(zmq::sockopt::subscribe, transport::kTopicTruth);
  truth.connect(cfg.endpoints.truth);
  runtime::write_json_file(options.ready_file, {{"process", "monitor"},
                                                {"metrics_port", metrics.port()},
                                                {"endpoints", {{"decisions", decisions_ep}}}});
  spdlog::info("monitor: decisions on {}, truth from {}, metrics on :{}", decisions_ep,
               cfg.endpoints.truth, metrics.port());

  trigger::DecisionMonitor monitor(cfg.inference.score_threshold, history);
  uint64_t rejected = 0;
  auto reject = [&](const char* channel, transport::Reject r) {
    ++rejected;
    metrics.rejected(channel, std::string(transport::reject_name(r))).Increment();
    spdlog::warn("monitor: rejected a {} message: {}", channel, transport::reject_name(r));
  };
  v1::Decision decision;
  v1::Truth truth_msg;
  auto last_update = Clock::now();
  while (!runtime::stop_requested()) {
    zmq::pollitem_t items[] = {{decisions.handle(), 0, ZMQ_POLLIN, 0},
                               {truth.handle(), 0, ZMQ_POLLIN, 0}};
    transport::poll(items, 2, std::chrono::milliseconds(100));
    while (auto msg = transport::receive(decisions)) {
      decisions_in.Increment();
      const auto r = msg->well_framed ? transport::decode(msg->topic, transport::kTopicDecision,
                                                          msg->payload_view(), &decision)
                                      : transport::Reject::kMalformed;
      if (r != transport::Reject::kOk) {
        reject("decisions", r);
        continue;
      }
      latency.observe(
          1e-9 * static_cast<double>(decision.decided_unix_ns() - decision.event_timestamp_ns()));
      monitor.on_decision(decision);
    }
    while (auto msg = transport::receive(truth)) {
      truth_in.Increment();
      const auto r = msg->well_framed ? transport::decode(msg->topic, transport::kTopicTruth,
                                                          msg->payload_view(), &truth_msg)
                                      : transport::Reject::kMalformed;
      if (r != transport::Reject::kOk) {
        reject("truth", r);
        continue;
      }
      monitor.on_truth(truth_msg);
    }
    if (Clock::now() - last_update > std::chrono::seconds(1)) {
      gauges.update(monitor);
      latency.flush();
      last_update = Clock::now();
    }
  }
  gauges.update(monitor);
  latency.flush();
  spdlog::info("monitor: stopping; {} events joined, {} unmatched, {} rejected", monitor.joined(),
               monitor.unmatched(), rejected);
  runtime::write_json_file(options.stats_file,
                           {{"process", "monitor"},
                            {"events_joined", monitor.joined()},
                            {"events_unmatched", monitor.unmatched()},
                            {"events_mismatched", monitor.mismatched()},
                            {"messages_rejected", rejected},
                            {"model_versions_seen", monitor.versions_seen()},
                            {"decision_latency_p50_s", monitor.latency_quantile(0.5)},
                            {"decision_latency_p99_s", monitor.latency_quantile(0.99)},
                            {"levels", level_table(monitor)}});
  return 0;
}
