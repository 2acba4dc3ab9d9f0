// Learns continually from a stream of labelled rows: each step trains on a batch of fresh rows
// mixed with rows replayed from a reservoir of everything seen, then remembers the fresh rows.
// Not thread-safe: one thread feeds it and reads the model.
//
// Step guard (ContinualConfig::guard_steps, on by default). One batch that makes a step
// non-finite (a NaN feature, a feature of 1e30 that overflows in the forward pass or in Adam's
// v = g^2, a diverging learning rate) would otherwise leave NaN in the weights or the moments for
// good: every later loss NaN, learning dead until a restart, and every checkpoint poisoned. So
// before each step the learner copies its state (the model's parameters; the algorithm's, i.e.
// SGD's velocity or Adam's / AM-Adam's moments and step count; the strategy's, i.e. EWC's Fisher,
// window and anchor or LwF's teacher; the random state of the replay draws), and after it checks
// the batch's loss and penalty, every parameter (finite and |p| <= parameter_bound), the
// algorithm's state and last gradients and the strategy's state. If any check fails the copy is
// put back, the batch's fresh rows are dropped (never offered to replay) and the step is counted
// in steps_restored(): the learner is then exactly as if the batch had never come (the replay
// memory and the reservoir's random state are only touched after a step passes). The copy is a
// few thousand floats per step and allocates nothing once warm (bench/continual_bench.cc
// measures its cost).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/nn/continual/replay_buffer.h"
#include "common/nn/state/state_blob.h"
#include "common/nn/training/algorithm.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/strategy.h"

namespace l1t::nn {

enum class OptimizerKind { kAdam, kSgd };

struct ContinualConfig {
  float learning_rate = 1e-3f;
  size_t batch_size = 64;  // rows per step, fresh plus replayed
  size_t replay_capacity = 20000;
  float replay_fraction = 0.5f;  // of each batch drawn from replay; 0 is naive top-up
  size_t publish_every = 2000;   // fresh rows consumed between publications
  uint64_t seed = 1;             // replay reservoir and replay draws
  LossOptions loss;
  OptimizerKind optimizer = OptimizerKind::kAdam;
  float sgd_momentum = 0.9f;  // only for kSgd
  bool guard_steps = true;    // the step guard above; off only to show what it prevents
  // The largest |parameter| a step may leave. A trained 5-25-30-1 trigger model has weights of
  // order 1 and the deployed ap_fixed<16,6> saturates at 32; a weight past 1e6 is far outside
  // anything quantisation could deploy and means the step diverged (SGD on a feature of 1e30
  // moves a weight by ~1e29 and stays finite), while float still resolves steps of 1e-3 on it.
  float parameter_bound = 1e6f;
};

class ContinualLearner {
 public:
  // Starts from `initial` (normally the pretrained model). The model must have one output.
  ContinualLearner(FloatMlp initial, const ContinualConfig& config);

  // Buffers n labelled rows (x row-major n x n_inputs, y n labels in [0, 1]). Every time
  // fresh_per_step() rows are buffered, trains one step on them plus replay_per_step() rows
  // drawn from replay (fewer while replay is empty), then offers them to replay. Returns the
  // number of steps taken (a step the guard undid is not one). Allocates nothing after the
  // first steps.
  size_t add_samples(const float* x, const float* y, size_t n);

  // True once publish_every fresh rows have been trained on since the last mark_published().
  bool publish_due() const { return since_publish_ >= config_.publish_every; }
  // Also tells the strategy (if any) that model() is now the model in service.
  void mark_published();

  // Swaps the training algorithm (e.g. for AM-Adam); the model is kept.
  void set_algorithm(std::unique_ptr<Algorithm> algorithm) { algorithm_ = std::move(algorithm); }
  Algorithm& algorithm() { return *algorithm_; }

  // Adds a strategy's penalty (EWC, LwF) to every step; null (the default) trains on the data
  // loss alone.
  void set_strategy(std::unique_ptr<Strategy> strategy) { strategy_ = std::move(strategy); }
  Strategy* strategy() { return strategy_.get(); }

  const FloatMlp& model() const { return model_; }
  // For strategies that reset or replace weights (e.g. rolling back to the model in service).
  FloatMlp& mutable_model() { return model_; }
  const ReplayBuffer& replay() const { return replay_; }
  const ContinualConfig& config() const { return config_; }

  size_t fresh_per_step() const { return fresh_per_step_; }
  size_t replay_per_step() const { return replay_per_step_; }
  uint64_t samples_seen() const { return samples_seen_; }        // rows given to add_samples
  uint64_t samples_trained() const { return samples_trained_; }  // fresh rows trained on
  uint64_t steps() const { return steps_; }
  uint64_t replayed_rows() const { return replayed_rows_; }  // replay rows used in all steps
  size_t pending() const { return pending_; }                // buffered, not yet trained
  double last_loss() const { return last_loss_; }            // data loss of the last step's batch
  double last_penalty() const { return last_penalty_; }      // strategy penalty of the last step
  double loss_ema() const { return loss_ema_; }              // exponential average over ~100 steps
  // Steps the guard undid (their batch was skipped) and the fresh rows dropped with them.
  uint64_t steps_restored() const { return steps_restored_; }
  uint64_t rows_dropped() const { return rows_dropped_; }
  // Why the last undone step was undone ("loss", "penalty", "parameter", "algorithm state",
  // "strategy state"), empty if none was.
  const char* last_restore_reason() const { return last_restore_reason_; }
  // Rows the replay memory refused (non-finite, or a label other than 0 or 1).
  uint64_t replay_refused() const { return replay_.refused(); }

  // Whether the whole state is fit to be kept: every parameter finite and within
  // parameter_bound, the algorithm's and strategy's state finite, every replay row admissible,
  // the rows waiting for a step finite. Reads the whole replay memory (~20 us for 20,000 rows):
  // for checkpoints, not for every step. *why, when non-null, says what failed.
  bool healthy(std::string* why = nullptr) const;

  // For checkpoints (continual_learner_state.cc): the learner's own state besides the model,
  // algorithm, strategy and replay rows: the random states of the replay draws and of the
  // reservoir, the rows waiting for a step, the loss average and the rows since the last
  // publication. Counters (samples, steps) are the caller's. load_state refuses a blob that
  // does not fit this learner (row width, batch size), changing nothing.
  void save_state(StateBlob* out) const;
  bool load_state(const StateBlob& in, std::string* error);

 private:
  bool train_step();  // false: the step guard undid it
  // The step guard: the copy before a step, the checks after it, the copy put back.
  void keep_good_state();
  const char* step_fault(double loss, double penalty) const;  // null if the step is fine
  void put_back_good_state();
  bool parameters_ok(const FloatMlp& model) const;

  ContinualConfig config_;
  FloatMlp model_;
  std::unique_ptr<Algorithm> algorithm_;
  std::unique_ptr<Strategy> strategy_;
  ReplayBuffer replay_;
  std::mt19937_64 rng_;
  size_t fresh_per_step_;
  size_t replay_per_step_;
  int width_;
  // The step's batch: fresh rows first (filled as they arrive), replayed rows after them.
  std::vector<float> batch_x_;
  std::vector<float> batch_y_;
  size_t pending_ = 0;
  uint64_t samples_seen_ = 0;
  uint64_t samples_trained_ = 0;
  uint64_t steps_ = 0;
  uint64_t replayed_rows_ = 0;
  uint64_t since_publish_ = 0;
  double last_loss_ = 0.0;
  double last_penalty_ = 0.0;
  double loss_ema_ = 0.0;
  bool has_loss_ema_ = false;  // a restored average goes on rather than restarting
  // The step guard's copy of the state before the current step.
  FloatMlp good_model_;
  StateCopy good_algorithm_;
  StateCopy good_strategy_;
  std::mt19937_64 good_rng_;
  uint64_t steps_restored_ = 0;
  uint64_t rows_dropped_ = 0;
  const char* last_restore_reason_ = "";
};

}  // namespace l1t::nn
