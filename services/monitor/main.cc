// l1t-monitor: joins the inference node's decisions with the emulator's truth and exports the
// drift as Prometheus series (live vs frozen accuracy and AUC, per degradation level), so that
// Grafana shows what continual learning buys. l1t-chain does the same in-process; this is the
// service form for docker compose and long runs (its memory is bounded).
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/device/device.h"
#include "common/monitor/monitor_node.h"

using namespace l1t;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  size_t history = 1000000;
  return device::run_main(
      argc, argv, "l1t-monitor: live vs frozen model accuracy from decisions and truth",
      [&](CLI::App& app) {
        app.add_option("--history", history, "events kept for latency quantiles and late joins");
      },
      [&](const runtime::ProcessOptions& options, const config::Scenario& cfg) {
        device::Device dev("monitor", options, cfg.metrics.bind_address, cfg.metrics.monitor,
                           cfg.limits, cfg.security);
        monitor::MonitorNode node(dev.metrics(), cfg.inference, history);
        // The channel names are the metric labels and the ready file's endpoint keys.
        dev.open("decisions", zmq::socket_type::sub, device::Method::kBind,
                 cfg.endpoints.decisions);
        dev.open("truth", zmq::socket_type::sub, device::Method::kConnect, cfg.endpoints.truth);
        dev.on<v1::Decision>("decisions", transport::kTopicDecision,
                             [&](const v1::Decision& d) { node.on_decision(d); });
        dev.on<v1::Truth>("truth", transport::kTopicTruth,
                          [&](const v1::Truth& t) { node.on_truth(t); });
        dev.every(1s, [&] { node.flush(); });
        dev.ready();

        dev.run();
        node.finish();
        spdlog::info("monitor: stopping; {} events joined, {} unmatched, {} rejected",
                     node.monitor().joined(), node.monitor().unmatched(), dev.rejected());
        dev.finish(node.stats());
        return 0;
      });
}
