// l1t-inference: the inference node (inference_node.h) on its sockets. Events come over PULL,
// weights over SUB (broadcasts) and the DEALER to the trainer (snapshots on request, which also
// carries this node's heartbeats and drift alarms); decisions go out on an XPUB.
#include <spdlog/spdlog.h>

#include "common/device/device.h"
#include "common/runtime/host_name.h"
#include "services/inference/inference_node.h"

using namespace l1t;
using Source = inference::InferenceNode::Source;

namespace {

int run(const runtime::ProcessOptions& options, const config::Scenario& cfg) {
  device::Device dev("inference", options, cfg.metrics.bind_address, cfg.metrics.inference,
                     cfg.limits, cfg.security);
  // Replicas share one configuration (compose --scale, a swarm service, a Deployment): a node
  // without a name takes its host's, which differs per container.
  config::InferenceSettings settings = cfg.inference;
  if (settings.node.empty()) settings.node = runtime::host_name();
  inference::InferenceNode node(settings, dev.metrics());
  // Joins a scrape target (an address under service discovery) to the node's name.
  dev.metrics()
      .gauge("l1t_inference_node_info", "This inference node's name", {{"node", settings.node}})
      .Set(1);
  node.set_limits(cfg.limits);
  // Offline labels are the trigger's own sample: they never calibrate its scores.
  node.set_drift_watch(cfg.drift, cfg.labeller.mode != "offline", cfg.labeller.mode);
  using device::Method;
  auto& control =
      dev.open("control", zmq::socket_type::dealer, Method::kConnect, cfg.endpoints.control);
  dev.open("weights", zmq::socket_type::sub, Method::kConnect, cfg.endpoints.weights);
  dev.open("events", zmq::socket_type::pull, Method::kConnect, cfg.endpoints.events);
  dev.open("label_copies", zmq::socket_type::sub, Method::kConnect, cfg.endpoints.label_copies);
  auto& decisions = dev.open_publisher("decisions", Method::kConnect, cfg.endpoints.decisions);
  // Offline labels follow the trigger: the labeller binds for the accepts.
  const bool send_accepts = cfg.labeller.mode == "offline";
  zmq::socket_t* accepts =
      send_accepts ? &dev.open_publisher("accepts", Method::kConnect, cfg.endpoints.accepts)
                   : nullptr;
  node.set_trainer_sender([&](std::string_view topic, const google::protobuf::MessageLite& m) {
    return transport::send(control, topic, m, false) == transport::SendResult::kSent;
  });

  // Weights before events: an update that arrived is applied before the next event.
  uint64_t answers = 0;  // snapshots decoded since the last pair of requests
  dev.on<v1::ModelUpdate>("weights", transport::kTopicWeights,
                          [&](v1::ModelUpdate& u) { node.on_model(u, Source::kBroadcast); });
  // The trainer answers each request with the update it stores, header as it was: a repeated
  // sequence here is the same weights again (the version check skips them), not a replay.
  dev.on<v1::ModelUpdate>(
      "control", transport::kTopicSnapshot,
      [&](v1::ModelUpdate& u) {
        ++answers;
        node.on_model(u, Source::kSnapshot);
      },
      device::Sequences::kCountOnly);

  // A node that starts late asks for the frozen (v1) and the current (0) weights at once, again
  // every second until it has both. The trainer answers in order, so any two answers include a
  // current one: ready only after two since the last pair, or a node could start on v1 with the
  // current weights a moment away.
  transport::HeaderStamper request_stamp(settings.node);
  auto request_snapshots = [&] {
    answers = 0;
    for (uint64_t version : {1, 0}) {
      v1::SnapshotRequest req;
      request_stamp.stamp(req.mutable_header());
      req.set_node(settings.node);
      req.set_version(version);
      transport::send(control, transport::kTopicSnapshot, req, false);
    }
  };
  bool started = false;
  request_snapshots();
  dev.every(std::chrono::seconds(1), [&] {
    if (!started) request_snapshots();
  });
  started = dev.run_until([&] { return node.ready() && answers >= 2; });
  if (started) {
    dev.ready({{"model_version", node.live_version()}});
    spdlog::info("inference {}: ready with weights v{}, metrics on :{}", settings.node,
                 node.live_version(), dev.metrics().port());
  }

  // A decision published before a monitor's subscription has arrived is lost (ZeroMQ's slow
  // joiner), so a node told to wait for monitors takes no event until they listen. After the
  // ready file: a bound SUB sends its subscription only once its owner touches the socket, and
  // l1t-chain does that only after this node is ready.
  int listening = 0, labeller = 0;
  dev.run_until(
      [&] {
        listening += transport::count_subscriptions(decisions, transport::kTopicDecision);
        if (accepts)
          labeller += transport::count_subscriptions(*accepts, transport::kTopicDecision);
        return listening >= cfg.inference.min_subscribers &&
               (!accepts || cfg.inference.min_subscribers == 0 || labeller > 0);
      },
      std::chrono::milliseconds(10));

  dev.on<v1::Event>("events", transport::kTopicEvent, [&](v1::Event& event) {
    if (const v1::Decision* d = node.on_event(event)) {
      node.decision_sent(transport::send(decisions, transport::kTopicDecision, *d, false) ==
                         transport::SendResult::kSent);
      if (accepts) {
        transport::send(*accepts, transport::kTopicDecision, node.accept_of_last(), false);
      }
    }
  });
  dev.set_budget("events", 64);
  dev.on<v1::LabelledBatch>("label_copies", transport::kTopicLabels,
                            [&](const v1::LabelledBatch& b) { node.on_labels(b); });
  dev.every(std::chrono::milliseconds(200), [&] { node.flush_metrics(); });
  dev.every(std::chrono::milliseconds(125), [&] { node.flush_drift(); });
  dev.every(std::chrono::milliseconds(static_cast<int64_t>(1000 * cfg.inference.heartbeat_s)),
            [&] { node.heartbeat(); });
  dev.run();
  dev.drain("events");  // decide what is already queued, then stop
  node.flush_metrics();
  node.flush_drift();

  const auto& c = node.counters();
  spdlog::info("inference: stopping after {} events, {} weight versions applied, {} refused",
               c.events, c.versions_applied, c.versions_refused);
  auto stats = node.stats();
  stats["messages_rejected"] = dev.rejected() + c.rejected;
  dev.finish(stats);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return device::run_main(
      argc, argv,
      "l1t-inference: bit-exact fixed-point scoring of L1 tracks with hot-swapped weights", {},
      run);
}
