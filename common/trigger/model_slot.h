// The weights in service on an inference node. A new weight set passes check_model_update and
// is swapped in whole: callers swap between events, so no event is ever scored by two weight
// sets.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/nn/inference/batch_scorer.h"
#include "common/nn/inference/fixed_model.h"
#include "common/trigger/checked_model.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::trigger {

class ModelSlot {
 public:
  // Checks update against what is in service (the first model fixes the footprint).
  Verdict check(const v1::ModelUpdate& update, CheckedModel* out, std::string* why) const;
  // Puts a checked model in service; false (nothing changes) when it is no longer newer, as
  // when a snapshot overtook a held update.
  bool install(CheckedModel checked);
  // check, then install.
  Verdict offer(const v1::ModelUpdate& update, std::string* why);

  bool loaded() const { return deployed_ != nullptr; }
  uint64_t version() const { return version_; }
  const nn::FixedModel& model() const { return deployed_->model; }
  const nn::BatchScorer& scorer() const { return deployed_->scorer; }
  // Fraction bits of the output: score = raw * 2^-output_frac_bits().
  int output_frac_bits() const;
  // The live model's working point as its update stated it; 0: none.
  double working_point_threshold() const { return working_point_threshold_; }

 private:
  // The scorer may keep references into its model, so both live and die together.
  struct Deployed {
    explicit Deployed(nn::FixedModel m) : model(std::move(m)), scorer(model) {}
    nn::FixedModel model;
    nn::BatchScorer scorer;
  };
  std::unique_ptr<Deployed> deployed_;
  uint64_t version_ = 0;
  double working_point_threshold_ = 0;
};

}  // namespace l1t::trigger
