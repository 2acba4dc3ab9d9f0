// The detector degradation of the seed study: every track parameter resampled around itself.
#pragma once

#include "common/physics/rng.h"
#include "common/physics/track.h"

namespace l1t::physics {

// Replaces each of q/R, phi0, tan(lambda), z0 and d0 by a draw from N(x, s*|x|). s = 0 leaves
// the track untouched and draws nothing, so an undegraded run does not consume the engine.
void apply_smear(double s, Track& t, Rng& rng);

}  // namespace l1t::physics
