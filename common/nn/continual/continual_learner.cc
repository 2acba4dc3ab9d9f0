#include "common/nn/continual/continual_learner.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

namespace l1t::nn {
namespace {

std::unique_ptr<Algorithm> make_default_algorithm(const ContinualConfig& config) {
  AlgorithmConfig a;
  a.name = config.optimizer == OptimizerKind::kSgd ? "sgd" : "adam";
  a.learning_rate = config.learning_rate;
  a.sgd_momentum = config.sgd_momentum;
  return make_algorithm(a, nullptr);
}

}  // namespace

ContinualLearner::ContinualLearner(FloatMlp initial, const ContinualConfig& config)
    : config_(config),
      model_(std::move(initial)),
      algorithm_(make_default_algorithm(config)),
      replay_(config.replay_capacity, model_.n_inputs(), config.seed),
      rng_(config.seed ^ 0x9e3779b97f4a7c15ULL),
      width_(model_.n_inputs()),
      good_model_(model_) {
  assert(model_.n_outputs() == 1 && "replay stores one label per row");
  const size_t batch = std::max<size_t>(config_.batch_size, 1);
  const double fraction = std::clamp<double>(config_.replay_fraction, 0.0, 1.0);
  // At least one fresh row per step, or the stream would never be consumed.
  replay_per_step_ = std::min(batch - 1, static_cast<size_t>(std::lround(batch * fraction)));
  if (config_.replay_capacity == 0) replay_per_step_ = 0;
  fresh_per_step_ = batch - replay_per_step_;
  batch_x_.resize(batch * width_);
  batch_y_.resize(batch);
}

size_t ContinualLearner::add_samples(const float* x, const float* y, size_t n) {
  samples_seen_ += n;
  size_t steps = 0;
  while (n > 0) {
    const size_t take = std::min(n, fresh_per_step_ - pending_);
    std::copy_n(x, take * width_, &batch_x_[pending_ * width_]);
    std::copy_n(y, take, &batch_y_[pending_]);
    pending_ += take;
    x += take * width_;
    y += take;
    n -= take;
    if (pending_ == fresh_per_step_ && train_step()) ++steps;
  }
  return steps;
}

bool ContinualLearner::train_step() {
  const size_t fresh = pending_;
  if (config_.guard_steps) keep_good_state();
  // Replay draws come from rows seen before this batch, so a step never rehearses itself.
  const size_t replayed =
      replay_.sample(replay_per_step_, rng_, &batch_x_[fresh * width_], &batch_y_[fresh]);
  const size_t rows = fresh + replayed;
  double penalty = 0.0;
  const double loss = algorithm_->step(model_, batch_x_.data(), batch_y_.data(), rows, config_.loss,
                                       strategy_.get(), &penalty);
  if (config_.guard_steps) {
    if (const char* fault = step_fault(loss, penalty)) {
      // As if the batch had never come: the state before it, its fresh rows dropped, the
      // replay memory (only written below) untouched.
      put_back_good_state();
      ++steps_restored_;
      rows_dropped_ += fresh;
      last_restore_reason_ = fault;
      pending_ = 0;
      return false;
    }
  }
  last_loss_ = loss;
  last_penalty_ = penalty;
  loss_ema_ = has_loss_ema_ ? 0.99 * loss_ema_ + 0.01 * last_loss_ : last_loss_;
  has_loss_ema_ = true;
  replay_.add_batch(batch_x_.data(), batch_y_.data(), fresh);
  ++steps_;
  samples_trained_ += fresh;
  replayed_rows_ += replayed;
  since_publish_ += fresh;
  pending_ = 0;
  return true;
}

void ContinualLearner::keep_good_state() {
  good_model_ = model_;  // same shapes: the layers' storage is reused
  algorithm_->copy_state(&good_algorithm_);
  if (strategy_ != nullptr) strategy_->copy_state(&good_strategy_);
  good_rng_ = rng_;
}

void ContinualLearner::put_back_good_state() {
  model_ = good_model_;
  algorithm_->put_back_state(good_algorithm_);
  if (strategy_ != nullptr) strategy_->put_back_state(good_strategy_);
  rng_ = good_rng_;
}

bool ContinualLearner::parameters_ok(const FloatMlp& model) const {
  // Finite first (the vectorised test of state_copy.h), then the largest magnitude.
  const float bound = config_.parameter_bound;
  for (const DenseLayer& layer : model.layers()) {
    if (!block_finite(layer.w) || !block_finite(layer.b) ||
        layer.w.array().abs().maxCoeff() > bound || layer.b.array().abs().maxCoeff() > bound) {
      return false;
    }
  }
  return true;
}

const char* ContinualLearner::step_fault(double loss, double penalty) const {
  if (!std::isfinite(loss)) return "loss";
  if (!std::isfinite(penalty)) return "penalty";
  if (!parameters_ok(model_)) return "parameter";
  if (!algorithm_->step_finite()) return "algorithm state";
  if (strategy_ != nullptr && !strategy_->state_finite()) return "strategy state";
  return nullptr;
}

bool ContinualLearner::healthy(std::string* why) const {
  const char* fault = nullptr;
  if (!parameters_ok(model_)) {
    fault = "a model parameter is non-finite or beyond the bound";
  } else if (!algorithm_->state_finite()) {
    fault = "the algorithm's state is non-finite";
  } else if (strategy_ != nullptr && !strategy_->state_finite()) {
    fault = "the strategy's state is non-finite";
  } else if (!replay_.all_admissible()) {
    fault = "the replay memory holds a non-finite row or a label other than 0 or 1";
  } else {
    for (size_t i = 0; i < pending_ * width_ + pending_ && fault == nullptr; ++i) {
      const float v = i < pending_ * width_ ? batch_x_[i] : batch_y_[i - pending_ * width_];
      if (!std::isfinite(v)) fault = "a row waiting for the next step is non-finite";
    }
  }
  if (fault != nullptr && why != nullptr) *why = fault;
  return fault == nullptr;
}

void ContinualLearner::mark_published() {
  since_publish_ = 0;
  if (strategy_ != nullptr) strategy_->on_published(model_);
}

}  // namespace l1t::nn
