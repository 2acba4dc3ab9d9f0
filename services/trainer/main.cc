// l1t-trainer: starts from a model pre-trained on undegraded events (or loaded from a file),
// learns continually from the labeller's stream (Adam or SGD, replay by reservoir sampling),
// and publishes a new fixed-point weight version every N labelled samples.
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/fixed/spec.h"
#include "common/metrics/metrics.h"
#include "common/nn/continual_learner.h"
#include "common/nn/pretrain.h"
#include "common/nn/quantise.h"
#include "common/physics/features.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"
#include "common/transport/model_codec.h"
#include "common/transport/socket.h"
#include "common/trigger/training_data.h"

using namespace l1t;
using Clock = std::chrono::steady_clock;

namespace {

bool quantisation_config(const config::ModelSettings& m, nn::QuantisationConfig* q) {
  std::string error;
  fixed::Spec spec, accum;
  if (!fixed::parse_spec(m.precision, &spec, &error)) {
    spdlog::error("bad configuration: config key 'model.precision': {}", error);
    return false;
  }
  accum = spec;
  if (!m.accum_precision.empty() && !fixed::parse_spec(m.accum_precision, &accum, &error)) {
    spdlog::error("bad configuration: config key 'model.accum_precision': {}", error);
    return false;
  }
  q->input = spec;
  q->layer.weight = q->layer.bias = q->layer.result = q->layer.activation_result = spec;
  q->layer.accum = accum;
  return true;
}

std::vector<int> layer_sizes(const config::ModelSettings& m) {
  std::vector<int> sizes{physics::kNumFeatures};
  sizes.insert(sizes.end(), m.hidden.begin(), m.hidden.end());
  sizes.push_back(1);
  return sizes;
}

// The starting model: loaded from a file, or pre-trained on undegraded generated events.
bool initial_model(const config::Scenario& cfg, nn::FloatMlp* model) {
  if (!cfg.trainer.initial_model.empty()) {
    v1::ModelUpdate update;
    nn::FixedModel fixed_model;
    std::string error;
    if (!transport::read_model_file(cfg.trainer.initial_model, &update, &error) ||
        !transport::decode_model(update, &fixed_model, &error)) {
      spdlog::error("trainer: cannot load initial model: {}", error);
      return false;
    }
    *model = nn::dequantise(fixed_model);
    spdlog::info("trainer: starting from {}", cfg.trainer.initial_model);
    return true;
  }
  const auto t0 = Clock::now();
  physics::GeneratorConfig g;
  g.pileup_mean = cfg.emulator.pileup_mean;
  g.beam_sigma_z_cm = cfg.emulator.beam_sigma_z_cm;
  // A seed of its own: the model is trained on other collisions than the ones it will see.
  physics::EventGenerator generator(g, cfg.trainer.seed ^ 0x9e3779b97f4a7c15ULL);
  const auto data = trigger::make_training_set(generator, cfg.trainer.pretrain_events);
  *model = nn::FloatMlp(layer_sizes(cfg.model), cfg.trainer.seed);
  nn::PretrainConfig pc;
  pc.epochs = cfg.trainer.pretrain_epochs;
  pc.lr = 3e-3f;
  pc.seed = cfg.trainer.seed;
  const auto losses = nn::pretrain(*model, data.x.data(), data.y.data(), data.rows(), pc);
  spdlog::info(
      "trainer: pre-trained on {} tracks from {} undegraded events in {:.1f} s, loss {:.4f}",
      data.rows(), cfg.trainer.pretrain_events,
      std::chrono::duration<double>(Clock::now() - t0).count(),
      losses.empty() ? 0.0 : losses.back());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"l1t-trainer: continual learning from delayed labels, fixed-point weights out"};
  runtime::ProcessOptions options;
  runtime::add_process_options(app, &options);
  std::string save_initial;
  app.add_option("--save-initial", save_initial, "write the starting model to this file and exit");
  CLI11_PARSE(app, argc, argv);
  config::Scenario cfg;
  if (!runtime::load_process_config(options, &cfg)) return 2;
  runtime::install_stop_handlers();
  nn::QuantisationConfig qcfg;
  if (!quantisation_config(cfg.model, &qcfg)) return 2;

  metrics::Metrics metrics(cfg.metrics.bind_address, cfg.metrics.trainer);
  auto& labels_in = metrics.received("labels");
  auto& weights_out = metrics.sent("weights");
  auto& weights_dropped = metrics.dropped("weights");
  auto& samples_total = metrics.counter("l1t_training_samples_total", "Labelled tracks trained on");
  auto& steps_total = metrics.counter("l1t_training_steps_total", "Optimiser steps");
  auto& version_gauge = metrics.gauge("l1t_model_version", "Latest weight version published");
  auto& loss_gauge = metrics.gauge("l1t_training_loss", "Training loss (moving average)");

  nn::FloatMlp start;
  if (!initial_model(cfg, &start)) return 1;

  nn::ContinualConfig cc;
  cc.learning_rate = static_cast<float>(cfg.trainer.learning_rate);
  cc.batch_size = cfg.trainer.batch_size;
  cc.replay_capacity = cfg.trainer.strategy == "replay" ? cfg.trainer.replay_capacity : 0;
  cc.replay_fraction = cfg.trainer.strategy == "replay" ? cfg.trainer.replay_fraction : 0.0f;
  cc.publish_every = cfg.trainer.publish_every;
  cc.seed = cfg.trainer.seed;
  cc.optimizer =
      cfg.trainer.algorithm == "sgd" ? nn::OptimizerKind::kSgd : nn::OptimizerKind::kAdam;
  nn::ContinualLearner learner(start, cc);
  const bool learning = cfg.trainer.strategy != "none";

  transport::HeaderStamper stamp("trainer");
  auto make_update = [&](uint64_t version, uint64_t parent) {
    v1::ModelUpdate u;
    stamp.stamp(u.mutable_header());
    transport::encode_model(nn::quantise(learner.model(), qcfg), &u);
    u.set_version(version);
    u.set_parent_version(parent);
    u.set_samples_seen(learner.samples_seen());
    u.set_train_loss(learner.loss_ema());
    u.set_algorithm(cfg.trainer.algorithm);
    u.set_strategy(cfg.trainer.strategy);
    u.set_created_unix_ns(transport::unix_now_ns());
    return u;
  };
  const v1::ModelUpdate base = make_update(1, 0);
  v1::ModelUpdate current = base;
  // Tool mode: write the starting model and stop, so it can be inspected or exported.
  if (!save_initial.empty()) {
    std::string error;
    if (!transport::write_model_file(save_initial, base, &error)) {
      spdlog::error("trainer: {}", error);
      return 1;
    }
    spdlog::info("trainer: wrote the starting model to {}", save_initial);
    return 0;
  }

  zmq::context_t ctx(1);
  auto pull = transport::make_socket(ctx, zmq::socket_type::pull);
  auto pub = transport::make_publisher(ctx);
  auto router = transport::make_socket(ctx, zmq::socket_type::router);
  const std::string labels_ep = transport::bind(pull, cfg.endpoints.labels);
  const std::string weights_ep = transport::bind(pub, cfg.endpoints.weights);
  const std::string snapshot_ep = transport::bind(router, cfg.endpoints.snapshot);
  runtime::write_json_file(
      options.ready_file,
      {{"process", "trainer"},
       {"metrics_port", metrics.port()},
       {"endpoints", {{"labels", labels_ep}, {"weights", weights_ep}, {"snapshot", snapshot_ep}}}});
  spdlog::info("trainer: labels on {}, weights on {}, snapshots on {}, metrics on :{}", labels_ep,
               weights_ep, snapshot_ep, metrics.port());
  version_gauge.Set(1);

  uint64_t published = 1, rejected = 0, dropped = 0, batches = 0;
  v1::LabelledBatch batch;
  auto reject = [&](const std::string& reason, const std::string& detail) {
    ++rejected;
    metrics.rejected("labels", reason).Increment();
    spdlog::warn("trainer: rejected a labelled batch: {}{}", reason, detail);
  };

  while (!runtime::stop_requested()) {
    zmq::pollitem_t items[] = {{pull.handle(), 0, ZMQ_POLLIN, 0},
                               {router.handle(), 0, ZMQ_POLLIN, 0}};
    transport::poll(items, 2, std::chrono::milliseconds(100));
    while (auto msg = transport::receive(router, /*router=*/true)) {
      v1::SnapshotRequest req;
      const auto r = msg->well_framed ? transport::decode(msg->topic, transport::kTopicSnapshot,
                                                          msg->payload_view(), &req)
                                      : transport::Reject::kMalformed;
      if (r != transport::Reject::kOk) {
        ++rejected;
        metrics.rejected("snapshot", std::string(transport::reject_name(r))).Increment();
        spdlog::warn("trainer: rejected a snapshot request: {}", transport::reject_name(r));
        continue;
      }
      const v1::ModelUpdate& reply = req.version() == 1 ? base : current;
      router.send(*msg->routing_id, zmq::send_flags::sndmore);
      transport::send(router, transport::kTopicSnapshot, reply, false);
      spdlog::info("trainer: sent weights v{} to {}", reply.version(), req.node());
    }
    while (auto msg = transport::receive(pull)) {
      labels_in.Increment();
      if (!msg->well_framed) {
        reject("malformed", "");
        continue;
      }
      const auto r =
          transport::decode(msg->topic, transport::kTopicLabels, msg->payload_view(), &batch);
      if (r != transport::Reject::kOk) {
        reject(std::string(transport::reject_name(r)), "");
        continue;
      }
      if (batch.n_features() != physics::kNumFeatures ||
          static_cast<size_t>(batch.features_size()) !=
              static_cast<size_t>(batch.labels_size()) * physics::kNumFeatures) {
        reject("shape", ": " + std::to_string(batch.features_size()) + " features for " +
                            std::to_string(batch.labels_size()) + " labels");
        continue;
      }
      ++batches;
      if (!learning) continue;
      const uint64_t steps_before = learner.steps();
      learner.add_samples(batch.features().data(), batch.labels().data(), batch.labels_size());
      samples_total.Increment(batch.labels_size());
      steps_total.Increment(static_cast<double>(learner.steps() - steps_before));
      loss_gauge.Set(learner.loss_ema());
      if (learner.publish_due()) {
        current = make_update(current.version() + 1, current.version());
        learner.mark_published();
        if (transport::send(pub, transport::kTopicWeights, current, false) ==
            transport::SendResult::kSent) {
          weights_out.Increment();
        } else {
          weights_dropped.Increment();
          ++dropped;
        }
        ++published;
        version_gauge.Set(static_cast<double>(current.version()));
        spdlog::info("trainer: published weights v{} after {} samples, loss {:.4f}",
                     current.version(), learner.samples_seen(), learner.loss_ema());
      }
    }
  }
  spdlog::info("trainer: stopping; {} versions published, {} batches, {} rejected", published,
               batches, rejected);
  runtime::write_json_file(options.stats_file, {{"process", "trainer"},
                                                {"model_versions_published", published},
                                                {"batches_received", batches},
                                                {"samples_trained", learner.samples_trained()},
                                                {"messages_rejected", rejected},
                                                {"weights_dropped", dropped},
                                                {"model_version_final", current.version()}});
  return 0;
}
