// An event as bytes (track words, origins, vertex z), for tests that compare events exactly.
#pragma once

#include <string>

#include "common/physics/event_generator.h"
#include "common/physics/track_word.h"

namespace l1t::testing {

inline std::string event_bytes(const physics::GeneratedEvent& ev) {
  std::string s = physics::pack_tracks(ev.tracks);
  for (physics::Origin o : ev.origin) s.push_back(static_cast<char>(o));
  s.append(reinterpret_cast<const char*>(&ev.pv_z0), sizeof ev.pv_z0);
  return s;
}

}  // namespace l1t::testing
