// The trainer's state and decisions, without sockets: it learns from labelled batches, takes
// candidates as the update policy says, has the safe-update gate judge them against the model
// in service on the labels that arrive next, publishes the ones that pass as new versions,
// keeps the last K versions for rollbacks, and checkpoints itself so that a restart continues
// where it was and never reuses a version number.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/config/scenario.h"
#include "common/metrics/metrics.h"
#include "common/nn/continual/continual_learner.h"
#include "common/nn/continual/update_gate.h"
#include "common/nn/inference/fixed_model.h"
#include "common/transport/envelope.h"
#include "common/trigger/update_policy.h"
#include "l1t/v1/messages.pb.h"
#include "services/trainer/learner_setup.h"
#include "services/trainer/version_history.h"

namespace l1t::trainer {

class TrainerNode {
 public:
  TrainerNode(const config::Scenario& cfg, const LearnerSetup& setup, metrics::Metrics& m);

  // Resumes from the checkpoint in trainer.checkpoint_dir if there is one, else starts from the
  // model make_start gives (and writes a first checkpoint). False with *error when a checkpoint
  // exists but cannot be used: starting afresh would send version numbers back.
  bool init(const std::function<bool(nn::FloatMlp*)>& make_start, std::string* error);

  const v1::ModelUpdate& frozen() const { return frozen_; }  // v1, never retrained
  const v1::ModelUpdate& current() const { return current_; }
  uint64_t version() const { return version_; }  // the newest ever published

  // One labelled batch: refuses (counts, logs) one whose shape is not n_features x labels, or
  // with a non-finite feature or a label other than 0 or 1, else trains on it, feeds the gate's
  // window and the policy, and returns the update to publish when a candidate passed the gate.
  std::optional<v1::ModelUpdate> on_labels(const v1::LabelledBatch& batch);
  // What a (re)starting inference node asked for: the frozen v1, or the version in service.
  const v1::ModelUpdate& on_snapshot_request(const v1::SnapshotRequest& request) const;
  // Whether a published update was queued by the publisher (a drop is counted).
  void weights_sent(bool queued);
  void on_alarm(const v1::DriftAlarm& alarm);
  void on_heartbeat(const v1::Heartbeat& heartbeat);
  // Answers a rollback (or list) request; *publish gets the republished version, if any.
  v1::RollbackReply on_rollback(const v1::RollbackRequest& request,
                                std::optional<v1::ModelUpdate>* publish);

  // Writes a checkpoint when the interval has passed and something changed.
  void tick();
  // Writes a checkpoint, unless the learner's state is not healthy (a non-finite or absurd
  // parameter, moment or strategy tensor, a bad replay row): then it refuses, logs what failed,
  // counts it in l1t_checkpoints_total{result="refused"} and leaves the last good file in place.
  // Returns whether a checkpoint was written.
  bool checkpoint(const char* why);

  nlohmann::json ready_info() const;  // for the ready file
  nlohmann::json stats() const;       // for the stats file

 private:
  struct Candidate {
    nn::FixedModel fixed;  // what would be deployed
    nn::FloatMlp model;    // its float masters, for the strategy when it goes into service
    uint64_t samples_seen = 0;
    double loss = 0;
  };

  bool resume(const TrainerCheckpoint& c, std::string* error);
  void take_candidate();
  std::optional<v1::ModelUpdate> judge();
  v1::ModelUpdate publish(const nn::FixedModel& model, uint64_t samples_seen, double loss,
                          uint64_t rollback_of, const nn::GateDecision* gate);
  v1::ModelUpdate make_update(const nn::FixedModel& model, uint64_t version, uint64_t parent,
                              uint64_t samples_seen, double loss);
  uint64_t samples_seen() const { return seen_before_ + learner_->samples_seen(); }

  const config::Scenario& cfg_;
  metrics::Metrics& metrics_;
  LearnerSetup setup_;
  std::unique_ptr<nn::ContinualLearner> learner_;
  nn::UpdateGate gate_;
  trigger::UpdatePolicy policy_;
  VersionHistory history_;
  std::optional<Candidate> candidate_;
  v1::ModelUpdate frozen_, current_;
  nn::FixedModel service_;  // current_'s weights: what the gate compares candidates with
  uint64_t version_ = 0;
  transport::HeaderStamper stamp_{"trainer"};

  // Counters; *_before_ carry the learner's from before a restart.
  uint64_t seen_before_ = 0, trained_before_ = 0, steps_before_ = 0;
  uint64_t candidates_passed_ = 0, candidates_rejected_ = 0, rollbacks_ = 0, alarms_ = 0;
  uint64_t batches_ = 0, batches_refused_ = 0;
  uint64_t published_ = 1, weights_dropped_ = 0;  // versions this run put on the wire, v1 too
  bool resumed_ = false;
  uint64_t resumed_version_ = 0, resumed_replay_rows_ = 0, resumed_adam_steps_ = 0;
  int64_t resumed_algorithm_steps_ = 0;
  // Names of the state blobs a format-2 checkpoint restored (empty: none, e.g. format 1).
  std::string resumed_algorithm_state_, resumed_strategy_state_;

  std::string checkpoint_path_;  // empty: no checkpoints
  std::chrono::steady_clock::time_point last_checkpoint_;
  bool dirty_ = false;
  uint64_t checkpoints_written_ = 0, checkpoints_failed_ = 0, checkpoints_refused_ = 0;

  prometheus::Counter &weights_out_, &weights_dropped_total_;
  prometheus::Counter &samples_total_, &steps_total_;
  prometheus::Gauge &version_gauge_, &loss_gauge_;
  prometheus::Counter &candidates_published_total_, &candidates_rejected_total_;
  prometheus::Counter &rollbacks_total_, &alarms_total_;
  prometheus::Counter &checkpoints_total_, &checkpoint_failures_total_, &checkpoint_refusals_total_;
  // The learner's step guard: steps undone (batch skipped), rows the replay memory refused.
  prometheus::Counter &steps_restored_total_, &replay_refused_total_;
  prometheus::Gauge &gate_window_candidate_, &gate_window_service_;
  prometheus::Gauge &gate_reference_candidate_, &gate_reference_service_;
};

}  // namespace l1t::trainer
