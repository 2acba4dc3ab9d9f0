#include "services/trainer/trainer_node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "common/nn/training/adam.h"
#include "common/nn/training/quantise.h"
#include "common/physics/features.h"
#include "common/transport/model_codec.h"
#include "common/trigger/checked_model.h"
#include "services/trainer/starting_model.h"
#include "services/trainer/trainer_checkpoint.h"

namespace l1t::trainer {
namespace {

using Clock = std::chrono::steady_clock;

const char* kCandidatesHelp = "Candidate weight sets judged by the safe-update gate";
const char* kGateHelp =
    "Accuracy (fixed point) of the last candidate judged and of the model in "
    "service, on the held-out window and on the reference set";

int64_t adam_steps(nn::ContinualLearner& learner) {
  auto* backprop = dynamic_cast<nn::BackpropAlgorithm*>(&learner.algorithm());
  auto* adam = backprop ? dynamic_cast<nn::Adam*>(&backprop->optimizer()) : nullptr;
  return adam ? adam->steps() : 0;
}

// The step count an algorithm keeps in its state (Adam's and AM-Adam's t; 0 for SGD).
int64_t algorithm_steps(const nn::StateBlob& state) {
  const std::vector<int64_t>* t = state.find_ints("t");
  return t != nullptr && t->size() == 1 ? t->front() : 0;
}
int64_t algorithm_steps(nn::ContinualLearner& learner) {
  nn::StateBlob state;
  learner.algorithm().save_state(&state);
  return algorithm_steps(state);
}

}  // namespace

TrainerNode::TrainerNode(const config::Scenario& cfg, const LearnerSetup& setup,
                         metrics::Metrics& m)
    : cfg_(cfg),
      metrics_(m),
      setup_(setup),
      gate_(setup.gate, physics::kNumFeatures),
      policy_(setup.policy, static_cast<uint64_t>(cfg.trainer.publish_every)),
      history_(static_cast<size_t>(cfg.trainer.keep_versions)),
      weights_out_(m.sent("weights")),
      weights_dropped_total_(m.dropped("weights")),
      samples_total_(m.counter("l1t_training_samples_total", "Labelled tracks trained on")),
      steps_total_(m.counter("l1t_training_steps_total", "Optimiser steps")),
      version_gauge_(m.gauge("l1t_model_version", "Latest weight version published")),
      loss_gauge_(m.gauge("l1t_training_loss", "Training loss (moving average)")),
      candidates_published_total_(
          m.counter("l1t_model_candidates_total", kCandidatesHelp, {{"result", "published"}})),
      candidates_rejected_total_(
          m.counter("l1t_model_candidates_total", kCandidatesHelp, {{"result", "rejected"}})),
      rollbacks_total_(
          m.counter("l1t_model_rollbacks_total", "Rollbacks to a kept weight version")),
      alarms_total_(m.counter("l1t_drift_alarms_total", "Drift alarms from inference nodes")),
      checkpoints_total_(m.counter("l1t_checkpoints_total", "Trainer checkpoints written",
                                   {{"result", "written"}})),
      checkpoint_failures_total_(m.counter("l1t_checkpoints_total", "Trainer checkpoints written",
                                           {{"result", "failed"}})),
      checkpoint_refusals_total_(m.counter("l1t_checkpoints_total", "Trainer checkpoints written",
                                           {{"result", "refused"}})),
      steps_restored_total_(
          m.counter("l1t_training_steps_restored_total",
                    "Training steps undone because they left a non-finite or absurd state (the "
                    "batch was skipped)")),
      replay_refused_total_(
          m.counter("l1t_replay_rows_refused_total",
                    "Rows the replay memory refused (non-finite, or a label other than 0 or 1)")),
      gate_window_candidate_(m.gauge("l1t_model_gate_accuracy", kGateHelp,
                                     {{"set", "window"}, {"model", "candidate"}})),
      gate_window_service_(
          m.gauge("l1t_model_gate_accuracy", kGateHelp, {{"set", "window"}, {"model", "service"}})),
      gate_reference_candidate_(m.gauge("l1t_model_gate_accuracy", kGateHelp,
                                        {{"set", "reference"}, {"model", "candidate"}})),
      gate_reference_service_(m.gauge("l1t_model_gate_accuracy", kGateHelp,
                                      {{"set", "reference"}, {"model", "service"}})) {
  if (!cfg.trainer.checkpoint_dir.empty()) {
    checkpoint_path_ = cfg.trainer.checkpoint_dir + "/trainer.ckpt";
  }
}

bool TrainerNode::init(const std::function<bool(nn::FloatMlp*)>& make_start, std::string* error) {
  if (!checkpoint_path_.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(cfg_.trainer.checkpoint_dir, ec);
    if (ec) {
      *error = "config key 'trainer.checkpoint_dir': cannot create '" +
               cfg_.trainer.checkpoint_dir + "': " + ec.message();
      return false;
    }
    if (std::filesystem::exists(checkpoint_path_, ec)) {
      TrainerCheckpoint c;
      std::string why;
      if (!read_checkpoint(checkpoint_path_, &c, &why) || !resume(c, &why)) {
        *error = "refusing the checkpoint " + checkpoint_path_ + ": " + why +
                 " (move it away to start afresh; version numbers would then start at 1)";
        return false;
      }
    }
  }
  if (!resumed_) {
    nn::FloatMlp start;
    if (!make_start(&start)) {
      *error = "no starting model";
      return false;
    }
    learner_ = make_learner(cfg_, setup_, start);
    service_ = nn::quantise(start, setup_.quantisation);
    frozen_ = make_update(service_, 1, 0, 0, 0);
    current_ = frozen_;
    version_ = 1;
    history_.set_frozen(make_record(frozen_));
  }
  const auto ref = reference_rows(cfg_, static_cast<size_t>(cfg_.trainer.gate_reference_rows));
  gate_.set_reference(ref.x.data(), ref.y.data(), ref.rows());
  version_gauge_.Set(static_cast<double>(version_));
  last_checkpoint_ = Clock::now();
  if (!resumed_) checkpoint("start");
  return true;
}

bool TrainerNode::resume(const TrainerCheckpoint& c, std::string* error) {
  // The learner is built at the configured shape and filled from the checkpoint, which refuses
  // any mismatch (architecture, replay capacity, optimiser state).
  learner_ = make_learner(cfg_, setup_, nn::FloatMlp(setup_.sizes, cfg_.trainer.seed));
  if (!restore_learner(c, learner_.get(), error)) return false;
  // Checkpoints are never written from such a state; one that holds it was not written by us.
  if (std::string why; !learner_->healthy(&why)) {
    *error = "its learner state is not healthy: " + why;
    return false;
  }
  if (!frozen_.ParseFromString(c.frozen.model_update) ||
      (!c.versions.empty() && !current_.ParseFromString(c.versions.back().model_update))) {
    *error = "a stored model update does not parse";
    return false;
  }
  if (c.versions.empty()) current_ = frozen_;
  const nn::FixedModel configured = nn::quantise(learner_->model(), setup_.quantisation);
  trigger::CheckedModel in_service;
  if (trigger::check_model_weights(current_, &configured, &in_service, error) !=
      trigger::Verdict::kAccepted) {
    *error = "the model in service does not match model.*: " + *error;
    return false;
  }
  service_ = std::move(in_service.model);
  history_.set_frozen(c.frozen);
  for (const auto& r : c.versions) history_.add(r);
  // Numbering continues above the newest version ever published, whatever is in service.
  version_ = std::max(c.version, current_.version());
  seen_before_ = c.samples_seen;
  trained_before_ = c.samples_trained;
  steps_before_ = c.steps;
  candidates_passed_ = c.candidates_published;
  candidates_rejected_ = c.candidates_rejected;
  resumed_ = true;
  resumed_version_ = version_;
  resumed_replay_rows_ = learner_->replay().size();
  resumed_adam_steps_ = static_cast<uint64_t>(adam_steps(*learner_));
  if (c.format >= 2) {
    // The algorithm, strategy and learner state were restored exactly: nothing to rebuild.
    resumed_algorithm_state_ = c.algorithm_state.name;
    resumed_strategy_state_ = c.strategy_state.name;
    resumed_algorithm_steps_ = algorithm_steps(c.algorithm_state);
    spdlog::info("trainer: restored the algorithm state {}, the strategy state {}",
                 c.algorithm_state.describe(), c.strategy_state.describe());
  } else {
    // A format-1 checkpoint kept only Adam's state. The strategy's reference becomes the model
    // in service (LwF's teacher, EWC's anchor); everything else starts afresh.
    if (learner_->strategy() != nullptr) {
      learner_->strategy()->on_published(nn::dequantise(service_));
    }
    resumed_algorithm_steps_ = static_cast<int64_t>(resumed_adam_steps_);
    spdlog::warn(
        "trainer: format-1 checkpoint: only Adam's state restored; the strategy and any other "
        "optimiser state start afresh");
  }
  spdlog::info(
      "trainer: resumed from {} (format {}): v{} in service, newest v{}, {} samples seen, {} "
      "replay rows, {} {} steps, versions kept: {}",
      checkpoint_path_, c.format, current_.version(), version_, seen_before_, resumed_replay_rows_,
      resumed_algorithm_steps_, cfg_.trainer.algorithm, history_.list());
  return true;
}

v1::ModelUpdate TrainerNode::make_update(const nn::FixedModel& model, uint64_t version,
                                         uint64_t parent, uint64_t samples_seen, double loss) {
  v1::ModelUpdate u;
  stamp_.stamp(u.mutable_header());
  transport::encode_model(model, &u);
  u.set_version(version);
  u.set_parent_version(parent);
  u.set_samples_seen(samples_seen);
  u.set_train_loss(loss);
  u.set_algorithm(cfg_.trainer.algorithm);
  u.set_strategy(cfg_.trainer.strategy);
  u.set_created_unix_ns(transport::unix_now_ns());
  u.set_working_point_threshold(gate_.calibrate(model));
  return u;
}

std::optional<v1::ModelUpdate> TrainerNode::on_labels(const v1::LabelledBatch& batch) {
  if (batch.n_features() != physics::kNumFeatures ||
      static_cast<size_t>(batch.features_size()) !=
          static_cast<size_t>(batch.labels_size()) * physics::kNumFeatures) {
    ++batches_refused_;
    metrics_.rejected("labels", "shape").Increment();
    spdlog::warn("trainer: rejected a message on labels: shape: {} features for {} labels",
                 batch.features_size(), batch.labels_size());
    return std::nullopt;
  }
  // A batch that parses but lies is never trained on: one NaN feature or one label outside
  // {0, 1} would make every later step non-finite or pull the model the wrong way.
  const char* lie = nullptr;
  for (float f : batch.features()) {
    if (!std::isfinite(f)) lie = "non_finite";
  }
  for (float y : batch.labels()) {
    if (y != 0.0f && y != 1.0f) lie = "label";
  }
  if (lie != nullptr) {
    ++batches_refused_;
    metrics_.rejected("labels", lie).Increment();
    spdlog::warn("trainer: rejected a message on labels: {} ({} rows)", lie, batch.labels_size());
    return std::nullopt;
  }
  ++batches_;
  if (!setup_.learning) return std::nullopt;
  const float* x = batch.features().data();
  const float* y = batch.labels().data();
  const size_t n = static_cast<size_t>(batch.labels_size());
  // Rows arriving while a candidate waits are its held-out window: it never trained on them.
  // The learner trains on them all the same.
  if (candidate_) gate_.offer(x, y, n);
  const uint64_t steps = learner_->steps();
  const uint64_t restored = learner_->steps_restored();
  const uint64_t refused = learner_->replay_refused();
  learner_->add_samples(x, y, n);
  policy_.on_samples(n);
  samples_total_.Increment(static_cast<double>(n));
  steps_total_.Increment(static_cast<double>(learner_->steps() - steps));
  if (learner_->steps_restored() != restored) {
    steps_restored_total_.Increment(static_cast<double>(learner_->steps_restored() - restored));
    spdlog::warn(
        "trainer: {} training step(s) undone ({}: non-finite or beyond {:g}), their batch "
        "skipped; {} undone so far, {} rows dropped",
        learner_->steps_restored() - restored, learner_->last_restore_reason(),
        learner_->config().parameter_bound, learner_->steps_restored(), learner_->rows_dropped());
  }
  if (learner_->replay_refused() != refused) {
    replay_refused_total_.Increment(static_cast<double>(learner_->replay_refused() - refused));
  }
  loss_gauge_.Set(learner_->loss_ema());
  dirty_ = true;

  if (candidate_ && gate_.window_full()) return judge();
  if (!candidate_ && policy_.candidate_due()) {
    take_candidate();
    if (!gate_.enabled()) return judge();
  }
  return std::nullopt;
}

void TrainerNode::take_candidate() {
  candidate_ = Candidate{nn::quantise(learner_->model(), setup_.quantisation), learner_->model(),
                         samples_seen(), learner_->loss_ema()};
  policy_.candidate_taken();
  gate_.open_window();
}

std::optional<v1::ModelUpdate> TrainerNode::judge() {
  const nn::GateDecision d = gate_.judge(service_, candidate_->fixed);
  if (d.window_checked) {
    gate_window_candidate_.Set(d.window_candidate.accuracy);
    gate_window_service_.Set(d.window_service.accuracy);
  }
  if (d.reference_checked) {
    gate_reference_candidate_.Set(d.reference_candidate.accuracy);
    gate_reference_service_.Set(d.reference_service.accuracy);
  }
  std::optional<v1::ModelUpdate> out;
  if (!d.publish) {
    ++candidates_rejected_;
    candidates_rejected_total_.Increment();
    spdlog::warn("trainer: candidate after {} samples not published (v{} stays): {}",
                 candidate_->samples_seen, current_.version(), d.summary());
  } else {
    ++candidates_passed_;
    candidates_published_total_.Increment();
    out = publish(candidate_->fixed, candidate_->samples_seen, candidate_->loss, 0, &d);
    // The published candidate is now the model in service: LwF's teacher, EWC's anchor.
    if (learner_->strategy() != nullptr) learner_->strategy()->on_published(candidate_->model);
    policy_.published();
    spdlog::info("trainer: published weights v{} after {} samples, loss {:.4f}{}; gate: {}",
                 version_, candidate_->samples_seen, candidate_->loss,
                 out->activate_at_fill()
                     ? fmt::format(", active from fill {}", out->activate_at_fill())
                     : std::string(),
                 d.summary());
  }
  candidate_.reset();
  return out;
}

v1::ModelUpdate TrainerNode::publish(const nn::FixedModel& model, uint64_t samples_seen,
                                     double loss, uint64_t rollback_of,
                                     const nn::GateDecision* gate) {
  current_ = make_update(model, version_ + 1, version_, samples_seen, loss);
  current_.set_activate_at_fill(policy_.activate_at_fill());
  current_.set_rollback_of(rollback_of);
  version_ = current_.version();
  service_ = model;
  history_.add(gate ? make_record(current_, gate->window_candidate.accuracy,
                                  gate->window_service.accuracy, gate->reference_candidate.accuracy,
                                  gate->reference_service.accuracy)
                    : make_record(current_));
  version_gauge_.Set(static_cast<double>(version_));
  // Before the send: a trainer killed after it can never hand out this number again.
  checkpoint("publication");
  return current_;
}

void TrainerNode::on_alarm(const v1::DriftAlarm& a) {
  ++alarms_;
  alarms_total_.Increment();
  policy_.on_fill(a.fill());
  policy_.on_alarm();
  spdlog::info(
      "trainer: drift alarm from {} (fill {}, model v{}): {} {} from {:.4f} +- {:.4f} to {:.4f} "
      "over {} events (CUSUM {:.1f} > {:.1f}){}",
      a.node(), a.fill(), a.model_version(), a.statistic(), a.direction() > 0 ? "rose" : "fell",
      a.reference_mean(), a.reference_sigma(), a.recent_mean(), a.events(), a.cusum(),
      a.threshold(),
      policy_.kind() == trigger::UpdatePolicyKind::kOnDrift ? "; the next candidate is due" : "");
}

void TrainerNode::on_heartbeat(const v1::Heartbeat& heartbeat) {
  policy_.on_fill(heartbeat.fill());
}

v1::RollbackReply TrainerNode::on_rollback(const v1::RollbackRequest& request,
                                           std::optional<v1::ModelUpdate>* publish_out) {
  v1::RollbackReply reply;
  auto finish = [&](bool ok, const std::string& message) {
    reply.set_ok(ok);
    reply.set_message(message);
    reply.set_version_in_service(current_.version());
    history_.describe(&reply);
    return reply;
  };
  if (request.list_only()) return finish(true, "versions kept: " + history_.list());
  const uint64_t to = request.version();
  const VersionRecord* record = history_.find(to);
  if (record == nullptr) {
    spdlog::warn("trainer: rollback to v{} refused: not kept (kept: {})", to, history_.list());
    return finish(false,
                  "version " + std::to_string(to) + " is not kept (kept: " + history_.list() + ")");
  }
  v1::ModelUpdate old;
  trigger::CheckedModel kept;
  std::string error = "it does not parse";
  if (!old.ParseFromString(record->model_update) ||
      trigger::check_model_weights(old, &service_, &kept, &error) != trigger::Verdict::kAccepted) {
    spdlog::error("trainer: rollback to v{} refused: {}", to, error);
    return finish(false, "kept version " + std::to_string(to) + " is unusable: " + error);
  }
  // Learning goes on from the rolled-back weights (their fixed-point values: float masters are
  // not kept per version) with fresh optimiser moments; a candidate taken before is dropped.
  const nn::FixedModel& model = kept.model;
  learner_->mutable_model() = nn::dequantise(model);
  learner_->algorithm().reset();
  if (learner_->strategy() != nullptr) learner_->strategy()->on_published(learner_->model());
  candidate_.reset();
  policy_.candidate_taken();
  ++rollbacks_;
  rollbacks_total_.Increment();
  *publish_out = publish(model, samples_seen(), learner_->loss_ema(), to, nullptr);
  const std::string message =
      "published v" + std::to_string(version_) + " with the weights of v" + std::to_string(to);
  spdlog::warn("trainer: rollback requested by {}: {}", request.requester(), message);
  reply.set_published_version(version_);
  return finish(true, message);
}

void TrainerNode::tick() {
  if (checkpoint_path_.empty() || !dirty_ || cfg_.trainer.checkpoint_interval_s <= 0) return;
  if (Clock::now() - last_checkpoint_ <
      std::chrono::duration<double>(cfg_.trainer.checkpoint_interval_s)) {
    return;
  }
  checkpoint("interval");
}

bool TrainerNode::checkpoint(const char* why) {
  if (checkpoint_path_.empty()) return false;
  last_checkpoint_ = Clock::now();
  // A checkpoint of a poisoned state would bring the poison back at every restart.
  if (std::string fault; !learner_->healthy(&fault)) {
    ++checkpoints_refused_;
    checkpoint_refusals_total_.Increment();
    spdlog::error("trainer: checkpoint ({}) refused: {}; the last one ({}) stays", why, fault,
                  checkpoint_path_);
    return false;
  }
  TrainerCheckpoint c;
  capture_learner(*learner_, &c);
  c.samples_seen = samples_seen();
  c.samples_trained = trained_before_ + learner_->samples_trained();
  c.steps = steps_before_ + learner_->steps();
  c.version = version_;
  c.candidates_published = candidates_passed_;
  c.candidates_rejected = candidates_rejected_;
  c.frozen = history_.frozen();
  c.versions.assign(history_.kept().begin(), history_.kept().end());
  std::string error;
  if (!write_checkpoint(checkpoint_path_, c, &error)) {
    ++checkpoints_failed_;
    checkpoint_failures_total_.Increment();
    spdlog::error("trainer: checkpoint ({}) failed: {}", why, error);
    return false;
  }
  ++checkpoints_written_;
  checkpoints_total_.Increment();
  dirty_ = false;
  spdlog::debug("trainer: checkpoint ({}) written: v{}", why, version_);
  return true;
}

nlohmann::json TrainerNode::ready_info() const {
  return {{"model_version", version_},
          {"model_version_in_service", current_.version()},
          {"algorithm", cfg_.trainer.algorithm},
          {"strategy", cfg_.trainer.strategy},
          {"update_policy", trigger::update_policy_name(policy_.kind())},
          {"resumed", resumed_},
          {"resumed_version", resumed_version_},
          {"resumed_replay_rows", resumed_replay_rows_},
          {"resumed_adam_steps", resumed_adam_steps_},
          {"resumed_algorithm_steps", resumed_algorithm_steps_},
          {"resumed_algorithm_state", resumed_algorithm_state_},
          {"resumed_strategy_state", resumed_strategy_state_}};
}

const v1::ModelUpdate& TrainerNode::on_snapshot_request(const v1::SnapshotRequest& request) const {
  const v1::ModelUpdate& m = request.version() == 1 ? frozen_ : current_;
  spdlog::info("trainer: sent weights v{} to {}", m.version(), request.node());
  return m;
}

void TrainerNode::weights_sent(bool queued) {
  ++published_;
  if (queued) {
    weights_out_.Increment();
  } else {
    weights_dropped_total_.Increment();
    ++weights_dropped_;
  }
}

nlohmann::json TrainerNode::stats() const {
  auto& learner = *learner_;
  return {{"model_version_final", version_},
          {"model_versions_published", published_},
          {"batches_received", batches_},
          {"messages_rejected", batches_refused_},
          {"weights_dropped", weights_dropped_},
          {"model_version_in_service", current_.version()},
          {"model_candidates_published", candidates_passed_},
          {"model_candidates_rejected", candidates_rejected_},
          {"model_rollbacks", rollbacks_},
          {"drift_alarms", alarms_},
          {"samples_seen", seen_before_ + learner.samples_seen()},
          {"samples_trained", trained_before_ + learner.samples_trained()},
          {"optimizer_steps", steps_before_ + learner.steps()},
          {"adam_steps", adam_steps(learner)},
          {"algorithm_steps", algorithm_steps(learner)},
          {"replay_rows", learner.replay().size()},
          {"checkpoints_written", checkpoints_written_},
          {"checkpoints_failed", checkpoints_failed_},
          {"checkpoints_refused", checkpoints_refused_},
          {"training_steps_restored", learner.steps_restored()},
          {"training_rows_dropped", learner.rows_dropped()},
          {"replay_rows_refused", learner.replay_refused()},
          {"algorithm", cfg_.trainer.algorithm},
          {"strategy", cfg_.trainer.strategy},
          {"strategy_in_learner", learner.strategy() ? learner.strategy()->name() : "none"},
          {"algorithm_in_learner", std::string(learner.algorithm().name())},
          {"update_policy", trigger::update_policy_name(policy_.kind())}};
}

}  // namespace l1t::trainer
