// l1t-trainer: starts from a model pre-trained on undegraded events (or loaded from a file, or
// from its own checkpoint), learns continually from the labeller's stream, and publishes the
// candidates that pass the safe-update gate as new fixed-point weight versions, when the update
// policy says so. The same program, with --rollback-to N or --list-versions, is the command that
// asks a running trainer to serve a kept version again.
#include <spdlog/spdlog.h>

#include "common/metrics/metrics.h"
#include "common/physics/features.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"
#include "common/transport/model_codec.h"
#include "common/transport/socket.h"
#include "services/trainer/learner_setup.h"
#include "services/trainer/rollback_command.h"
#include "services/trainer/starting_model.h"
#include "services/trainer/trainer_node.h"

using namespace l1t;

int main(int argc, char** argv) {
  CLI::App app{"l1t-trainer: continual learning from delayed labels, fixed-point weights out"};
  runtime::ProcessOptions options;
  runtime::add_process_options(app, &options);
  std::string save_initial;
  app.add_option("--save-initial", save_initial, "write the starting model to this file and exit");
  uint64_t rollback_to = 0;
  bool list_versions = false;
  double command_timeout_s = 10;
  app.add_option("--rollback-to", rollback_to,
                 "ask the trainer on endpoints.snapshot to republish kept version N as a new "
                 "version, print its answer and exit");
  app.add_flag("--list-versions", list_versions,
               "ask the trainer on endpoints.snapshot for the versions it keeps and exit");
  app.add_option("--command-timeout", command_timeout_s,
                 "seconds --rollback-to / --list-versions wait for the trainer's answer");
  CLI11_PARSE(app, argc, argv);
  config::Scenario cfg;
  if (!runtime::load_process_config(options, &cfg)) return 2;
  if (rollback_to > 0 || list_versions) {
    return trainer::run_rollback_command(cfg, rollback_to, list_versions, command_timeout_s);
  }
  runtime::install_stop_handlers();
  trainer::LearnerSetup setup;
  std::string error;
  if (!trainer::make_learner_setup(cfg, &setup, &error)) {
    spdlog::error("bad configuration: {}", error);
    return 2;
  }

  // Tool mode: write the starting model and stop, so it can be inspected or exported.
  if (!save_initial.empty()) {
    nn::FloatMlp start;
    if (!trainer::starting_model(cfg, setup.sizes, &start)) return 1;
    v1::ModelUpdate u;
    transport::HeaderStamper stamp("trainer");
    stamp.stamp(u.mutable_header());
    transport::encode_model(nn::quantise(start, setup.quantisation), &u);
    u.set_version(1);
    u.set_algorithm(cfg.trainer.algorithm);
    u.set_strategy(cfg.trainer.strategy);
    u.set_created_unix_ns(transport::unix_now_ns());
    if (!transport::write_model_file(save_initial, u, &error)) {
      spdlog::error("trainer: {}", error);
      return 1;
    }
    spdlog::info("trainer: wrote the starting model to {}", save_initial);
    return 0;
  }

  metrics::Metrics metrics(cfg.metrics.bind_address, cfg.metrics.trainer);
  auto& labels_in = metrics.received("labels");
  auto& weights_out = metrics.sent("weights");
  auto& weights_dropped = metrics.dropped("weights");
  auto& control_in = metrics.received("snapshot");
  trainer::TrainerNode node(cfg, setup, metrics);
  if (!node.init([&](nn::FloatMlp* m) { return trainer::starting_model(cfg, setup.sizes, m); },
                 &error)) {
    spdlog::error("trainer: {}", error);
    return 1;
  }

  zmq::context_t ctx(1);
  auto pull = transport::make_socket(ctx, zmq::socket_type::pull);
  auto pub = transport::make_publisher(ctx);
  auto router = transport::make_socket(ctx, zmq::socket_type::router);
  const std::string labels_ep = transport::bind(pull, cfg.endpoints.labels);
  const std::string weights_ep = transport::bind(pub, cfg.endpoints.weights);
  const std::string snapshot_ep = transport::bind(router, cfg.endpoints.snapshot);
  nlohmann::json ready = node.ready_info();
  ready["process"] = "trainer";
  ready["metrics_port"] = metrics.port();
  ready["endpoints"] = {{"labels", labels_ep}, {"weights", weights_ep}, {"snapshot", snapshot_ep}};
  runtime::write_json_file(options.ready_file, ready);
  spdlog::info("trainer: labels on {}, weights on {}, snapshots on {}, metrics on :{}", labels_ep,
               weights_ep, snapshot_ep, metrics.port());

  transport::HeaderStamper reply_stamp("trainer");
  uint64_t rejected = 0, dropped = 0, batches = 0;
  uint64_t published = 1;  // versions this run put on the wire, the base included
  v1::LabelledBatch batch;
  auto reject = [&](const std::string& channel, const std::string& reason,
                    const std::string& detail) {
    ++rejected;
    metrics.rejected(channel, reason).Increment();
    spdlog::warn("trainer: rejected a message on {}: {}{}", channel, reason, detail);
  };
  auto publish = [&](const v1::ModelUpdate& u) {
    ++published;
    if (transport::send(pub, transport::kTopicWeights, u, false) == transport::SendResult::kSent) {
      weights_out.Increment();
    } else {
      weights_dropped.Increment();
      ++dropped;
    }
  };
  // The ROUTER carries snapshot requests, drift alarms, heartbeats and rollback requests.
  auto on_control = [&](transport::Received& msg) {
    control_in.Increment();
    if (!msg.well_framed) return reject("snapshot", "malformed", "");
    auto reply = [&](std::string_view topic, const google::protobuf::MessageLite& m) {
      router.send(*msg.routing_id, zmq::send_flags::sndmore);
      transport::send(router, topic, m, false);
    };
    transport::Reject r = transport::Reject::kWrongTopic;
    if (msg.topic == transport::kTopicSnapshot) {
      v1::SnapshotRequest req;
      r = transport::decode(msg.topic, transport::kTopicSnapshot, msg.payload_view(), &req);
      if (r == transport::Reject::kOk) {
        const v1::ModelUpdate& m = req.version() == 1 ? node.base() : node.current();
        reply(transport::kTopicSnapshot, m);
        spdlog::info("trainer: sent weights v{} to {}", m.version(), req.node());
      }
    } else if (msg.topic == transport::kTopicAlarm) {
      v1::DriftAlarm alarm;
      r = transport::decode(msg.topic, transport::kTopicAlarm, msg.payload_view(), &alarm);
      if (r == transport::Reject::kOk) node.on_alarm(alarm);
    } else if (msg.topic == transport::kTopicHeartbeat) {
      v1::Heartbeat hb;
      r = transport::decode(msg.topic, transport::kTopicHeartbeat, msg.payload_view(), &hb);
      if (r == transport::Reject::kOk) node.on_heartbeat(hb);
    } else if (msg.topic == transport::kTopicRollback) {
      v1::RollbackRequest req;
      r = transport::decode(msg.topic, transport::kTopicRollback, msg.payload_view(), &req);
      if (r == transport::Reject::kOk) {
        std::optional<v1::ModelUpdate> update;
        v1::RollbackReply answer = node.on_rollback(req, &update);
        if (update) publish(*update);
        reply_stamp.stamp(answer.mutable_header());
        reply(transport::kTopicRollback, answer);
      }
    }
    if (r != transport::Reject::kOk) reject("snapshot", std::string(transport::reject_name(r)), "");
  };

  while (!runtime::stop_requested()) {
    zmq::pollitem_t items[] = {{pull.handle(), 0, ZMQ_POLLIN, 0},
                               {router.handle(), 0, ZMQ_POLLIN, 0}};
    transport::poll(items, 2, std::chrono::milliseconds(100));
    while (auto msg = transport::receive(router, /*router=*/true)) on_control(*msg);
    while (auto msg = transport::receive(pull)) {
      labels_in.Increment();
      if (!msg->well_framed) {
        reject("labels", "malformed", "");
        continue;
      }
      const auto r =
          transport::decode(msg->topic, transport::kTopicLabels, msg->payload_view(), &batch);
      if (r != transport::Reject::kOk) {
        reject("labels", std::string(transport::reject_name(r)), "");
        continue;
      }
      if (batch.n_features() != physics::kNumFeatures ||
          static_cast<size_t>(batch.features_size()) !=
              static_cast<size_t>(batch.labels_size()) * physics::kNumFeatures) {
        reject("labels", "shape",
               ": " + std::to_string(batch.features_size()) + " features for " +
                   std::to_string(batch.labels_size()) + " labels");
        continue;
      }
      ++batches;
      if (auto update = node.on_labels(batch)) publish(*update);
    }
    node.tick();
  }
  node.checkpoint("shutdown");
  nlohmann::json stats = node.stats();
  spdlog::info(
      "trainer: stopping; newest version v{}, {} candidates published, {} rejected, "
      "{} batches, {} messages rejected",
      node.version(), stats["model_candidates_published"].get<uint64_t>(),
      stats["model_candidates_rejected"].get<uint64_t>(), batches, rejected);
  stats["process"] = "trainer";
  stats["model_versions_published"] = published;
  stats["batches_received"] = batches;
  stats["messages_rejected"] = rejected;
  stats["weights_dropped"] = dropped;
  runtime::write_json_file(options.stats_file, stats);
  return 0;
}
