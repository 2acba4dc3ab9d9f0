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
      width_(model_.n_inputs()) {
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
    if (pending_ == fresh_per_step_) {
      train_step();
      ++steps;
    }
  }
  return steps;
}

void ContinualLearner::train_step() {
  const size_t fresh = pending_;
  // Replay draws come from rows seen before this batch, so a step never rehearses itself.
  const size_t replayed =
      replay_.sample(replay_per_step_, rng_, &batch_x_[fresh * width_], &batch_y_[fresh]);
  const size_t rows = fresh + replayed;
  last_loss_ = algorithm_->step(model_, batch_x_.data(), batch_y_.data(), rows, config_.loss,
                                strategy_.get(), &last_penalty_);
  loss_ema_ = has_loss_ema_ ? 0.99 * loss_ema_ + 0.01 * last_loss_ : last_loss_;
  has_loss_ema_ = true;
  replay_.add_batch(batch_x_.data(), batch_y_.data(), fresh);
  ++steps_;
  samples_trained_ += fresh;
  replayed_rows_ += replayed;
  since_publish_ += fresh;
  pending_ = 0;
}

void ContinualLearner::mark_published() {
  since_publish_ = 0;
  if (strategy_ != nullptr) strategy_->on_published(model_);
}

}  // namespace l1t::nn
