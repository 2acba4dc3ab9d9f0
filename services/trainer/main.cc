// l1t-trainer: starts from a model pre-trained on undegraded events (or loaded from a file, or
// from its own checkpoint), learns continually from the labeller's stream, and publishes the
// candidates that pass the safe-update gate as new fixed-point weight versions, when the update
// policy says so (trainer_node.h). The same program, with --rollback-to N or --list-versions,
// is the command that asks a running trainer to serve a kept version again.
#include <spdlog/spdlog.h>

#include "common/device/device.h"
#include "common/transport/model_codec.h"
#include "services/trainer/learner_setup.h"
#include "services/trainer/rollback_command.h"
#include "services/trainer/starting_model.h"
#include "services/trainer/trainer_node.h"

using namespace l1t;

namespace {

struct ToolOptions {
  std::string save_initial;
  uint64_t rollback_to = 0;
  bool list_versions = false;
  double command_timeout_s = 10;
};

void add_tool_options(CLI::App& app, ToolOptions* o) {
  app.add_option("--save-initial", o->save_initial,
                 "write the starting model to this file and exit");
  app.add_option("--rollback-to", o->rollback_to,
                 "ask the trainer on endpoints.control to republish kept version N as a new "
                 "version, print its answer and exit");
  app.add_flag("--list-versions", o->list_versions,
               "ask the trainer on endpoints.control for the versions it keeps and exit");
  app.add_option("--command-timeout", o->command_timeout_s,
                 "seconds --rollback-to / --list-versions wait for the trainer's answer");
}

// Tool mode: write the starting model and stop, so it can be inspected or exported.
int save_initial(const config::Scenario& cfg, const trainer::LearnerSetup& setup,
                 const std::string& path) {
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
  std::string error;
  if (!transport::write_model_file(path, u, &error)) {
    spdlog::error("trainer: {}", error);
    return 1;
  }
  spdlog::info("trainer: wrote the starting model to {}", path);
  return 0;
}

int serve(const runtime::ProcessOptions& options, const config::Scenario& cfg,
          const trainer::LearnerSetup& setup) {
  device::Device dev("trainer", options, cfg.metrics.bind_address, cfg.metrics.trainer, cfg.limits,
                     cfg.security);
  trainer::TrainerNode node(cfg, setup, dev.metrics());
  std::string error;
  if (!node.init([&](nn::FloatMlp* m) { return trainer::starting_model(cfg, setup.sizes, m); },
                 &error)) {
    spdlog::error("trainer: {}", error);
    return 1;
  }
  using device::Method;
  dev.open("labels", zmq::socket_type::pull, Method::kBind, cfg.endpoints.labels);
  auto& weights = dev.open_publisher("weights", Method::kBind, cfg.endpoints.weights);
  auto& control =
      dev.open("control", zmq::socket_type::router, Method::kBind, cfg.endpoints.control);

  auto publish = [&](const v1::ModelUpdate& u) {
    node.weights_sent(transport::send(weights, transport::kTopicWeights, u, false) ==
                      transport::SendResult::kSent);
  };
  auto reply = [&](const transport::Received& to, std::string_view topic,
                   const google::protobuf::MessageLite& m) {
    control.send(zmq::buffer(to.routing_id->data(), to.routing_id->size()),
                 zmq::send_flags::sndmore);
    transport::send(control, topic, m, false);
  };
  // The ROUTER carries snapshot requests, drift alarms, heartbeats and rollback requests.
  dev.on<v1::SnapshotRequest>("control", transport::kTopicSnapshot,
                              [&](v1::SnapshotRequest& req, const transport::Received& in) {
                                reply(in, transport::kTopicSnapshot, node.on_snapshot_request(req));
                              });
  dev.on<v1::DriftAlarm>("control", transport::kTopicAlarm,
                         [&](v1::DriftAlarm& alarm) { node.on_alarm(alarm); });
  dev.on<v1::Heartbeat>("control", transport::kTopicHeartbeat,
                        [&](v1::Heartbeat& hb) { node.on_heartbeat(hb); });
  transport::HeaderStamper reply_stamp("trainer");
  dev.on<v1::RollbackRequest>("control", transport::kTopicRollback,
                              [&](v1::RollbackRequest& req, const transport::Received& in) {
                                std::optional<v1::ModelUpdate> update;
                                v1::RollbackReply answer = node.on_rollback(req, &update);
                                if (update) publish(*update);
                                reply_stamp.stamp(answer.mutable_header());
                                reply(in, transport::kTopicRollback, answer);
                              });
  dev.on<v1::LabelledBatch>("labels", transport::kTopicLabels, [&](v1::LabelledBatch& batch) {
    if (auto update = node.on_labels(batch)) publish(*update);
  });
  dev.every(std::chrono::milliseconds(0), [&] { node.tick(); });

  dev.ready(node.ready_info());
  dev.run();
  node.checkpoint("shutdown");

  nlohmann::json stats = node.stats();
  stats["messages_rejected"] = stats["messages_rejected"].get<uint64_t>() + dev.rejected();
  spdlog::info(
      "trainer: stopping; newest version v{}, {} candidates published, {} rejected, "
      "{} batches, {} messages rejected",
      node.version(), stats["model_candidates_published"].get<uint64_t>(),
      stats["model_candidates_rejected"].get<uint64_t>(), stats["batches_received"].get<uint64_t>(),
      stats["messages_rejected"].get<uint64_t>());
  dev.finish(stats);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ToolOptions tools;
  return device::run_main(
      argc, argv, "l1t-trainer: continual learning from delayed labels, fixed-point weights out",
      [&](CLI::App& app) { add_tool_options(app, &tools); },
      [&](const runtime::ProcessOptions& options, const config::Scenario& cfg) {
        if (tools.rollback_to > 0 || tools.list_versions) {
          return trainer::run_rollback_command(cfg, tools.rollback_to, tools.list_versions,
                                               tools.command_timeout_s);
        }
        trainer::LearnerSetup setup;
        std::string error;
        if (!trainer::make_learner_setup(cfg, &setup, &error)) {
          spdlog::error("bad configuration: {}", error);
          return 2;
        }
        if (!tools.save_initial.empty()) return save_initial(cfg, setup, tools.save_initial);
        return serve(options, cfg, setup);
      });
}
