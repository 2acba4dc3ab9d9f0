#include "common/trigger/model_slot.h"

#include "common/transport/model_codec.h"

namespace l1t::trigger {

Offer ModelSlot::offer(const v1::ModelUpdate& update, std::string* why) {
  if (loaded() && update.version() <= version_) {
    *why = "version " + std::to_string(update.version()) + " is not newer than " +
           std::to_string(version_);
    return Offer::kStale;
  }
  nn::FixedModel candidate;
  if (!transport::decode_model(update, &candidate, why)) return Offer::kRejected;
  if (loaded() && !transport::same_footprint(model(), candidate, why)) return Offer::kRejected;
  // Build the new weights completely before the swap, so the swap itself cannot fail.
  deployed_ = std::make_unique<Deployed>(std::move(candidate));
  version_ = update.version();
  return Offer::kApplied;
}

int ModelSlot::output_frac_bits() const {
  return loaded() ? model().layers.back().activation_result.frac() : 0;
}

}  // namespace l1t::trigger
