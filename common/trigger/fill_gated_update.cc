#include "common/trigger/fill_gated_update.h"

#include <utility>

namespace l1t::trigger {

bool FillGatedUpdate::hold(CheckedModel update) {
  if (held_ && update.version <= held_->version) return false;
  held_ = std::move(update);
  return true;
}

bool FillGatedUpdate::on_event(uint32_t fill) {
  const bool opens_fill = !seen_event_ || fill != last_fill_;
  seen_event_ = true;
  last_fill_ = fill;
  return held_ && opens_fill && fill >= held_->activate_at_fill;
}

CheckedModel FillGatedUpdate::take() {
  CheckedModel u = std::move(*held_);
  held_.reset();
  return u;
}

}  // namespace l1t::trigger
