#include "common/trigger/model_slot.h"

namespace l1t::trigger {

Verdict ModelSlot::check(const v1::ModelUpdate& update, CheckedModel* out, std::string* why) const {
  return check_model_update(update, loaded() ? &model() : nullptr, version_, out, why);
}

bool ModelSlot::install(CheckedModel checked) {
  if (loaded() && checked.version <= version_) return false;
  // Build the new weights completely before the swap, so the swap itself cannot fail.
  deployed_ = std::make_unique<Deployed>(std::move(checked.model));
  version_ = checked.version;
  working_point_threshold_ = checked.working_point_threshold;
  return true;
}

Verdict ModelSlot::offer(const v1::ModelUpdate& update, std::string* why) {
  CheckedModel checked;
  const Verdict v = check(update, &checked, why);
  if (v == Verdict::kAccepted) install(std::move(checked));
  return v;
}

int ModelSlot::output_frac_bits() const {
  return loaded() ? model().layers.back().activation_result.frac() : 0;
}

}  // namespace l1t::trigger
