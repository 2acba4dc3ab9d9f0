#include "common/physics/tracker_layers.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "common/physics/track.h"

namespace l1t::physics {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr int kUniformBits = 21;  // three per engine draw: 2^-21 granularity is plenty here
constexpr double kUniformScale = 1 << kUniformBits;

inline double wrap_phi(double phi) {
  while (phi >= kPi) phi -= 2 * kPi;
  while (phi < -kPi) phi += 2 * kPi;
  return phi;
}

// sin(alpha) = r / 2R: the crossing angle of the track to the sensor normal in r-phi.
inline double sin_crossing(double r_cm, double pt) {
  return std::min(0.99, r_cm * kPtFromInvR / (2 * std::max(pt, 1e-3)));
}

}  // namespace

double z0_resolution_factor(int n_ps_z) {
  if (n_ps_z >= kPsLayers) return 1.0;
  if (n_ps_z == kPsLayers - 1) return 1.5;
  return 3.0;
}

double r_phi_resolution_factor(int n_stubs) {
  static constexpr std::array<double, kTrackerLayers + 1> kFactor = {1.0,
                                                                     2.449489742783178,
                                                                     1.7320508075688772,
                                                                     1.4142135623730951,
                                                                     1.224744871391589,
                                                                     1.0954451150103321,
                                                                     1.0};  // sqrt(6 / n)
  return kFactor[std::clamp(n_stubs, 0, kTrackerLayers)];
}

TrackerLayers::TrackerLayers(uint64_t map_seed, double stub_efficiency, BiasRailBand band)
    : map_seed_(splitmix64(map_seed ^ 0x6d61705f73656564ULL)),
      stub_efficiency_(stub_efficiency),
      // u = k / 2^21 < efficiency  <=>  k < ceil(efficiency * 2^21) (exact: a power of two)
      efficiency_threshold_(
          static_cast<uint64_t>(std::ceil(std::clamp(stub_efficiency, 0.0, 1.0) * kUniformScale))),
      band_(band) {
  if (band.rail_um > 0 && band.implant_um > 0 && std::isfinite(band.rail_um + band.implant_um)) {
    implant_cm_ = band.implant_um * 1e-4;
    band_pitch_cm_ = (band.implant_um + band.rail_um) * 1e-4;
    // A different phase per layer (golden-ratio steps): real modules of different layers do
    // not start at the same z, so one track's three PS hits are not all in or all out.
    for (int layer = 0; layer < kPsLayers; ++layer) {
      const double f = 0.6180339887498949 * (layer + 1);
      band_phase_cm_[layer] = (f - std::floor(f)) * band_pitch_cm_;
    }
  }
}

bool TrackerLayers::in_bias_rail(int layer, double z_cm) const {
  if (band_pitch_cm_ <= 0 || layer < 0 || layer >= kPsLayers) return false;
  const double x = z_cm + band_phase_cm_[layer];
  const double in_period = x - band_pitch_cm_ * std::floor(x / band_pitch_cm_);
  return in_period >= implant_cm_;  // the rail is the last rail_um of each period
}

bool TrackerLayers::has_bias_rails(const ModuleId& m, double fraction) const {
  if (fraction >= 1) return true;
  if (fraction <= 0) return false;
  // As pixel_dead, on a map of its own (another salt): fixed per seed, nested in the fraction.
  uint64_t h = splitmix64((map_seed_ ^ 0x626961737261696cULL) + static_cast<uint64_t>(m.layer));
  h = splitmix64(h ^ static_cast<uint64_t>(static_cast<int64_t>(m.ieta)) * 0x9e3779b97f4a7c15ULL);
  h = splitmix64(h ^ static_cast<uint64_t>(m.iphi));
  return static_cast<double>(h >> 11) * 0x1.0p-53 < fraction;
}

void TrackerLayers::crossing(int layer, double pt, double eta, double phi, double z0, double charge,
                             double* eta_det, double* phi_det) {
  const double r = kTrackerLayout[layer].r_cm;
  // A positive track bends clockwise in CMS's field (B along +z): phi falls with r.
  *phi_det = wrap_phi(phi - charge * std::asin(sin_crossing(r, pt)));
  // Straight in r-z; the arc length exceeds r by < 2 % at 2 GeV, neglected.
  *eta_det = std::asinh((z0 + r * std::sinh(eta)) / r);
}

// sinh of the module-row edges k * kModuleEtaWidth, k = -kRows ... kRows: module rows found by
// comparisons instead of an asinh per crossing.
namespace {
constexpr int kRows = 40;  // |eta| up to 4: beyond every crossing of |eta| < 2.5, |z| < 15 cm
const std::array<double, 2 * kRows + 1>& row_edges_sinh() {
  static const std::array<double, 2 * kRows + 1> edges = [] {
    std::array<double, 2 * kRows + 1> e{};
    for (int k = -kRows; k <= kRows; ++k) e[k + kRows] = std::sinh(k * kModuleEtaWidth);
    return e;
  }();
  return edges;
}
}  // namespace

ModuleId TrackerLayers::module_from_sinh(int layer, double sinh_eta_det, double phi_det) {
  const auto& edges = row_edges_sinh();
  if (!(sinh_eta_det >= edges.front() && sinh_eta_det < edges.back())) {
    return module_at(layer, std::asinh(sinh_eta_det), phi_det);  // far forward: exact path
  }
  ModuleId m = module_at(layer, 0.0, phi_det);
  const auto it = std::upper_bound(edges.begin(), edges.end(), sinh_eta_det);
  m.ieta = static_cast<int>(it - edges.begin()) - 1 - kRows;
  return m;
}

ModuleId TrackerLayers::module_at(int layer, double eta_det, double phi_det) {
  const int n_phi = kTrackerLayout[layer].phi_modules;
  ModuleId m;
  m.layer = layer;
  m.ieta = static_cast<int>(std::floor(eta_det / kModuleEtaWidth));
  m.iphi = std::clamp(static_cast<int>((phi_det + kPi) / (2 * kPi) * n_phi), 0, n_phi - 1);
  return m;
}

double TrackerLayers::cluster_strips(int layer, double pt) {
  const TrackerLayer& l = kTrackerLayout[layer];
  const double s = sin_crossing(l.r_cm, pt);
  return 1 + l.thickness_um * s / std::sqrt(1 - s * s) / l.pitch_um;
}

double TrackerLayers::stub_probability(int layer, double pt, double bad_strip_fraction) const {
  if (bad_strip_fraction <= 0) return stub_efficiency_;
  const int sensors = kTrackerLayout[layer].ps ? 1 : 2;  // strip sensors in the module
  return stub_efficiency_ *
         std::pow(1 - std::min(bad_strip_fraction, 1.0), sensors * cluster_strips(layer, pt));
}

bool TrackerLayers::pixel_dead(const ModuleId& m, double fraction) const {
  if (fraction <= 0) return false;
  // One uniform per module, a pure function of (seed, module): the map is fixed for a seed
  // and nested in the fraction.
  uint64_t h = splitmix64(map_seed_ + static_cast<uint64_t>(m.layer));
  h = splitmix64(h ^ static_cast<uint64_t>(static_cast<int64_t>(m.ieta)) * 0x9e3779b97f4a7c15ULL);
  h = splitmix64(h ^ static_cast<uint64_t>(m.iphi));
  return static_cast<double>(h >> 11) * 0x1.0p-53 < fraction;
}

StubConditions::StubConditions(const TrackerDegradation& d, double min_pt_gev)
    : degradation(d), min_pt(min_pt_gev) {
  if (d.bad_strip_fraction > 0) {
    log_strip_alive = std::log1p(-std::min(d.bad_strip_fraction, 1.0));
    for (int layer = 0; layer < kTrackerLayers; ++layer) {
      const int sensors = kTrackerLayout[layer].ps ? 1 : 2;
      // Below the exact value by a margin, so that rounding never flips a decision.
      prob_low[layer] =
          kStubEfficiency *
              std::exp(sensors * TrackerLayers::cluster_strips(layer, min_pt) * log_strip_alive) -
          1e-9;
      prob_high[layer] = std::exp(sensors * log_strip_alive) + 1e-9;
    }
  }
  if (!d.dead_region.empty()) {
    dead_sinh_eta_min = std::sinh(d.dead_region.eta_min);
    dead_sinh_eta_max = std::sinh(d.dead_region.eta_max);
  }
}

// Same as crossing(), stub_probability() and module_at() per layer, arranged so that the
// undegraded tracker costs no transcendental function and a degraded one only those it needs:
// a dead region's eta test is done on sinh(eta) = z/r, asin only for crossings that need phi,
// asinh only for the PS module map.
StubPattern TrackerLayers::stubs(double pt, double eta, double phi, double z0, double charge,
                                 const StubConditions& c, Rng& rng) const {
  const TrackerDegradation& d = c.degradation;
  const uint64_t draws[2] = {rng(), rng()};
  const bool bias = d.ps_z_loss_fraction > 0;
  const bool rail = d.bias_rail_fraction > 0 && band_pitch_cm_ > 0;
  const bool dead = !d.dead_region.empty();
  const bool strips = d.bad_strip_fraction > 0;
  if (!bias && !rail && !dead && !strips) {
    // Undegraded: six integer comparisons, the same decisions as u >= stub_efficiency below.
    StubPattern p;
    for (int layer = 0; layer < kTrackerLayers; ++layer) {
      const uint64_t bits = draws[layer / 3] >> (kUniformBits * (layer % 3));
      if ((bits & ((1u << kUniformBits) - 1)) < efficiency_threshold_) {
        p.stubs |= uint8_t{1} << layer;
      }
    }
    p.ps_z = p.stubs & ((1u << kPsLayers) - 1);
    return p;
  }
  const double sinh_eta = bias || rail || dead ? std::sinh(eta) : 0;
  StubPattern p;
  for (int layer = 0; layer < kTrackerLayers; ++layer) {
    const TrackerLayer& l = kTrackerLayout[layer];
    const uint64_t bits = draws[layer / 3] >> (kUniformBits * (layer % 3));
    const double u = static_cast<double>(bits & ((1u << kUniformBits) - 1)) / kUniformScale;
    if (rail && l.ps) {
      // The pixel hit in a bias-rail band: no pixel cluster, so no stub. Tested before the
      // other losses so that rail_lost counts every crossing in a band (its share is the
      // band's area share); the draws above are made anyway.
      const double sinh_det = z0 / l.r_cm + sinh_eta;
      if (in_bias_rail(layer, l.r_cm * sinh_det)) {
        bool lost = true;
        if (d.bias_rail_fraction < 1) {
          const double phi_det = wrap_phi(phi - charge * std::asin(sin_crossing(l.r_cm, pt)));
          lost = has_bias_rails(module_from_sinh(layer, sinh_det, phi_det), d.bias_rail_fraction);
        }
        if (lost) {
          p.rail_lost |= uint8_t{1} << layer;
          continue;
        }
      }
    }
    if (strips) {
      // Only draws between the layer's bounds need the cluster width (bounds made with the
      // default efficiency; another one takes the exact path).
      const bool exact = pt < c.min_pt || stub_efficiency_ != kStubEfficiency ||
                         (u >= c.prob_low[layer] && u < c.prob_high[layer]);
      if (exact) {
        const int sensors = l.ps ? 1 : 2;
        if (u >=
            stub_efficiency_ * std::exp(sensors * cluster_strips(layer, pt) * c.log_strip_alive)) {
          continue;
        }
      } else if (u >= c.prob_low[layer]) {
        continue;
      }
    } else if (u >= stub_efficiency_) {
      continue;
    }
    bool pixel_alive = true;
    const bool ps_map = bias && l.ps;
    if (dead || ps_map) {
      const double sinh_det = z0 / l.r_cm + sinh_eta;  // straight in r-z, as crossing()
      const bool in_dead_eta =
          dead && sinh_det >= c.dead_sinh_eta_min && sinh_det < c.dead_sinh_eta_max;
      if (in_dead_eta || ps_map) {
        const double phi_det = wrap_phi(phi - charge * std::asin(sin_crossing(l.r_cm, pt)));
        if (in_dead_eta && phi_det >= d.dead_region.phi_min && phi_det < d.dead_region.phi_max) {
          continue;
        }
        if (ps_map) {
          pixel_alive =
              !pixel_dead(module_from_sinh(layer, sinh_det, phi_det), d.ps_z_loss_fraction);
        }
      }
    }
    p.stubs |= uint8_t{1} << layer;
    if (l.ps && pixel_alive) p.ps_z |= uint8_t{1} << layer;
  }
  return p;
}

}  // namespace l1t::physics
