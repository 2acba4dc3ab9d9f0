#include "common/physics/smear.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace l1t::physics {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kMinSmearedPt = 1e-6;  // [GeV]; see apply_additive_smear

// Into [-pi, pi) however far the draw went (a large configured width can wrap several times).
double wrap_phi(double phi) {
  if (phi >= -kPi && phi < kPi) return phi;
  const double w = phi - 2 * kPi * std::floor((phi + kPi) / (2 * kPi));
  return w >= kPi ? w - 2 * kPi : w;  // rounding can land on pi itself
}

}  // namespace

std::string_view to_string(SmearMode mode) {
  return mode == SmearMode::kRelative ? "relative" : "additive";
}

bool parse_smear_mode(std::string_view name, SmearMode* out) {
  for (SmearMode m : {SmearMode::kAdditive, SmearMode::kRelative}) {
    if (name == to_string(m)) {
      *out = m;
      return true;
    }
  }
  return false;
}

std::string smear_mode_list() { return "additive, relative"; }

void apply_relative_smear(double s, Track& t, Rng& rng) {
  if (s == 0) return;
  t.inv_r += s * std::abs(t.inv_r) * gauss(rng);
  t.phi0 += s * std::abs(t.phi0) * gauss(rng);
  t.tan_lambda += s * std::abs(t.tan_lambda) * gauss(rng);
  t.z0 += s * std::abs(t.z0) * gauss(rng);
  t.d0 += s * std::abs(t.d0) * gauss(rng);
}

void apply_additive_smear(double s, const SmearWidths& w, Track& t, Rng& rng) {
  if (s == 0) return;
  const double k = s / kSmearStep;
  const double pt = t.pt() + k * w.pt * gauss(rng);
  const double eta = t.eta() + k * w.eta * gauss(rng);
  t.phi0 = wrap_phi(t.phi0 + k * w.phi * gauss(rng));
  t.z0 += k * w.z0 * gauss(rng);
  t.d0 += k * w.d0 * gauss(rng);
  t.inv_r = std::copysign(kPtFromInvR / std::max(pt, kMinSmearedPt), t.inv_r);
  t.tan_lambda = std::sinh(eta);
}

}  // namespace l1t::physics
