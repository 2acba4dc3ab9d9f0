// A weight update that must wait for a fill boundary (ModelUpdate.activate_at_fill > 0). The
// inference node holds the newest such update and asks, before deciding each event, whether to
// swap it in: only when that event opens a new fill (its fill differs from the previous event's;
// the first event opens one too) and the fill is at least activate_at_fill. So weights never change
// inside a fill, even when an update arrives late for the boundary it was meant for: it then
// waits for the next one.
#pragma once

#include <cstdint>
#include <optional>

#include "l1t/v1/messages.pb.h"

namespace l1t::trigger {

class FillGatedUpdate {
 public:
  // Holds update, replacing an older held one; refuses (returns false) one that is not newer
  // than what is held.
  bool hold(const v1::ModelUpdate& update);
  bool holding() const { return held_.has_value(); }
  const v1::ModelUpdate& held() const { return *held_; }

  // Records the fill of the event about to be decided; true when the held update becomes
  // active before it (then take() it).
  bool on_event(uint32_t fill);
  v1::ModelUpdate take();
  void clear() { held_.reset(); }

  uint32_t last_fill() const { return last_fill_; }

 private:
  std::optional<v1::ModelUpdate> held_;
  bool seen_event_ = false;
  uint32_t last_fill_ = 0;
};

}  // namespace l1t::trigger
