// The weights in service on an inference node. A new weight set is checked (decodes, checksum,
// same architecture and precision as deployed, newer version) and swapped in whole: callers
// swap between events, so no event is ever scored by two weight sets.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/nn/batch_scorer.h"
#include "common/nn/fixed_model.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::trigger {

enum class Offer { kApplied, kStale, kRejected };

class ModelSlot {
 public:
  // The first model offered fixes the footprint: every later one must match it.
  Offer offer(const v1::ModelUpdate& update, std::string* why);

  bool loaded() const { return deployed_ != nullptr; }
  uint64_t version() const { return version_; }
  const nn::FixedModel& model() const { return deployed_->model; }
  const nn::BatchScorer& scorer() const { return deployed_->scorer; }
  // Fraction bits of the output: score = raw * 2^-output_frac_bits().
  int output_frac_bits() const;

 private:
  // The scorer may keep references into its model, so both live and die together.
  struct Deployed {
    explicit Deployed(nn::FixedModel m) : model(std::move(m)), scorer(model) {}
    nn::FixedModel model;
    nn::BatchScorer scorer;
  };
  std::unique_ptr<Deployed> deployed_;
  uint64_t version_ = 0;
};

}  // namespace l1t::trigger
