#include "common/trigger/checked_model.h"

#include "common/fixed/spec.h"
#include "common/transport/model_codec.h"

namespace l1t::trigger {

Verdict check_model_weights(const v1::ModelUpdate& update, const nn::FixedModel* deployed,
                            CheckedModel* out, std::string* why) {
  CheckedModel checked;
  if (!transport::decode_model(update, &checked.model, why)) return Verdict::kRejected;
  if (deployed != nullptr && !transport::same_footprint(*deployed, checked.model, why)) {
    return Verdict::kRejected;
  }
  const double wp = update.working_point_threshold();
  if (!(wp >= 0 && wp <= 1)) {  // NaN too: a threshold that lies is refused with its weights
    *why = "working_point_threshold " + std::to_string(wp) + " is not a score in [0, 1]";
    return Verdict::kRejected;
  }
  checked.version = update.version();
  checked.activate_at_fill = update.activate_at_fill();
  checked.working_point_threshold = wp;
  *out = std::move(checked);
  return Verdict::kAccepted;
}

Verdict check_model_update(const v1::ModelUpdate& update, const nn::FixedModel* deployed,
                           uint64_t deployed_version, CheckedModel* out, std::string* why) {
  if (deployed != nullptr && update.version() <= deployed_version) {
    *why = "version " + std::to_string(update.version()) + " is not newer than " +
           std::to_string(deployed_version);
    return Verdict::kStale;
  }
  return check_model_weights(update, deployed, out, why);
}

std::string_view refusal_reason(const v1::ModelUpdate& update) {
  if (!(update.working_point_threshold() >= 0 && update.working_point_threshold() <= 1)) {
    return "threshold";
  }
  for (const auto& layer : update.layers()) {
    fixed::Spec weight, bias;
    std::string unused;
    if (!fixed::parse_spec(layer.weight_precision(), &weight, &unused) ||
        !fixed::parse_spec(layer.bias_precision(), &bias, &unused)) {
      return "precision";
    }
    for (const auto& [raw, spec] :
         {std::pair{&layer.weights(), weight}, std::pair{&layer.biases(), bias}}) {
      for (int64_t v : *raw) {
        if (v < spec.min_raw() || v > spec.max_raw()) return "weight_range";
      }
    }
  }
  return "model";
}

}  // namespace l1t::trigger
