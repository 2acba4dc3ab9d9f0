// A rejected parameter: which key, spelled as in the YAML and relative to the caller's section,
// and why. The physics library validates its own inputs (so a bad state never reaches the
// generator) and the config layer prefixes the section's path to name the key in full.
#pragma once

#include <string>

namespace l1t::physics {

struct ParamError {
  std::string key;  // e.g. "events_per_lumisection" or "degradations[2].schedule.knots"
  std::string why;  // e.g. "must be > 0"
};

}  // namespace l1t::physics
