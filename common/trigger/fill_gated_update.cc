#include "common/trigger/fill_gated_update.h"

#include <utility>

namespace l1t::trigger {

bool FillGatedUpdate::hold(const v1::ModelUpdate& update) {
  if (held_ && update.version() <= held_->version()) return false;
  held_ = update;
  return true;
}

bool FillGatedUpdate::on_event(uint32_t fill) {
  const bool opens_fill = !seen_event_ || fill != last_fill_;
  seen_event_ = true;
  last_fill_ = fill;
  return held_ && opens_fill && fill >= held_->activate_at_fill();
}

v1::ModelUpdate FillGatedUpdate::take() {
  v1::ModelUpdate u = std::move(*held_);
  held_.reset();
  return u;
}

}  // namespace l1t::trigger
