// A weight update that must wait for a fill boundary (ModelUpdate.activate_at_fill > 0). The
// inference node holds the newest such update and asks, before deciding each event, whether to
// swap it in: only when that event opens a new fill (its fill differs from the previous event's;
// the first event opens one too) and the fill is at least activate_at_fill. So weights never change
// inside a fill, even when an update arrives late for the boundary it was meant for: it then
// waits for the next one.
#pragma once

#include <cstdint>
#include <optional>

#include "common/trigger/checked_model.h"

namespace l1t::trigger {

class FillGatedUpdate {
 public:
  // Holds a checked update, replacing an older held one; refuses (returns false) one that is
  // not newer than what is held.
  bool hold(CheckedModel update);
  bool holding() const { return held_.has_value(); }
  const CheckedModel& held() const { return *held_; }

  // Records the fill of the event about to be decided; true when the held update becomes
  // active before it (then take() it).
  bool on_event(uint32_t fill);
  CheckedModel take();
  void clear() { held_.reset(); }

  uint32_t last_fill() const { return last_fill_; }

 private:
  std::optional<CheckedModel> held_;
  bool seen_event_ = false;
  uint32_t last_fill_ = 0;
};

}  // namespace l1t::trigger
