#include "common/physics/smear.h"

#include <cmath>

namespace l1t::physics {

void apply_smear(double s, Track& t, Rng& rng) {
  if (s == 0) return;
  t.inv_r += s * std::abs(t.inv_r) * gauss(rng);
  t.phi0 += s * std::abs(t.phi0) * gauss(rng);
  t.tan_lambda += s * std::abs(t.tan_lambda) * gauss(rng);
  t.z0 += s * std::abs(t.z0) * gauss(rng);
  t.d0 += s * std::abs(t.d0) * gauss(rng);
}

}  // namespace l1t::physics
