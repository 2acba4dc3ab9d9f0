// ContinualLearner's own checkpoint state, kept apart from the training code.
#include <algorithm>

#include "common/nn/continual/continual_learner.h"
#include "common/nn/state/rng_state.h"

namespace l1t::nn {

void ContinualLearner::save_state(StateBlob* out) const {
  out->name = "learner";
  out->put("pending_x", std::vector<float>(batch_x_.begin(), batch_x_.begin() + pending_ * width_));
  out->put("pending_y", std::vector<float>(batch_y_.begin(), batch_y_.begin() + pending_));
  out->put_ints("replay_draw_rng", rng_words(rng_));
  out->put_ints("reservoir_rng", rng_words(replay_.rng()));
  out->put_int("since_publish", static_cast<int64_t>(since_publish_));
  out->put_int("has_loss_ema", has_loss_ema_ ? 1 : 0);
  out->put_double("loss_ema", loss_ema_);
  out->put_double("last_loss", last_loss_);
  out->put_double("last_penalty", last_penalty_);
}

bool ContinualLearner::load_state(const StateBlob& in, std::string* error) {
  const std::vector<float>* y = in.require("pending_y", std::string::npos, error);
  if (y == nullptr) return false;
  if (y->size() >= fresh_per_step_) {
    *error = "learner state holds " + std::to_string(y->size()) +
             " rows waiting for a step, this learner trains every " +
             std::to_string(fresh_per_step_) + " (batch size or replay fraction changed)";
    return false;
  }
  const std::vector<float>* x = in.require("pending_x", y->size() * width_, error);
  if (x == nullptr) return false;
  std::mt19937_64 draw, reservoir;
  const std::vector<int64_t>* draw_words = in.find_ints("replay_draw_rng");
  const std::vector<int64_t>* reservoir_words = in.find_ints("reservoir_rng");
  if (draw_words == nullptr || !rng_from_words(*draw_words, &draw) || reservoir_words == nullptr ||
      !rng_from_words(*reservoir_words, &reservoir)) {
    *error = "learner state: a random state is missing or not one of std::mt19937_64";
    return false;
  }
  int64_t since = 0, has_ema = 0;
  double ema = 0, loss = 0, penalty = 0;
  if (!in.get_int("since_publish", &since, error) || !in.get_int("has_loss_ema", &has_ema, error) ||
      !in.get_double("loss_ema", &ema, error) || !in.get_double("last_loss", &loss, error) ||
      !in.get_double("last_penalty", &penalty, error)) {
    return false;
  }
  if (since < 0) {
    *error = "learner state 'since_publish' is negative";
    return false;
  }
  std::copy(x->begin(), x->end(), batch_x_.begin());
  std::copy(y->begin(), y->end(), batch_y_.begin());
  pending_ = y->size();
  rng_ = draw;
  replay_.set_rng(reservoir);
  since_publish_ = static_cast<uint64_t>(since);
  has_loss_ema_ = has_ema != 0;
  loss_ema_ = ema;
  last_loss_ = loss;
  last_penalty_ = penalty;
  return true;
}

}  // namespace l1t::nn
