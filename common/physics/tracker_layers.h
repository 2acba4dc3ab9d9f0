// The outer tracker as the L1 track finder sees it: six barrel-like layers of pT modules, each
// particle crossing all six, each crossing giving a stub or not.
//
// Geometry (CMS Phase-2 outer tracker, TDR CERN-LHCC-2017-009, rounded): three layers of PS
// modules (a macro-pixel sensor and a strip sensor, 100 um pitch, ~200 um active thickness) at
// r = 23, 36, 51 cm and three of 2S modules (two strip sensors, 90 um pitch, ~290 um) at
// r = 68, 88, 108 cm. Layers are "barrel-like": a particle of any eta crosses all six (the
// endcap disks are folded into them), and each layer is cut into modules of 0.1 in detector
// eta (asinh(z/r) of the crossing point) times 2pi/n in phi. The phi counts make 5,600 PS and
// 7,700 2S modules over |eta| < 2.5, the real outer tracker's 5,616 and 7,680.
//
// Per layer, a stub exists with probability
//     stub_efficiency * (1 - bad_strip_fraction)^(strip sensors x strips in the cluster)
// and none inside a dead region. stub_efficiency = 0.995: test beams of PS and 2S prototypes
// measured stub efficiencies above 99 % on the plateau (TDR, ch. 3), and the CMS L1 tracking
// studies use ~99.5 %; at that value, losing 3 of 6 layers (no track) is a 2.5e-6 effect, so
// the undegraded tracker stays as efficient as the purely parametric one was.
//
// Bad strips hurt low pT most: a track of transverse radius R crosses layer r at an angle alpha
// to the sensor normal with sin(alpha) = r / 2R, so its cluster spans 1 + t tan(alpha) / pitch
// strips (t: sensor thickness); a stub needs clean clusters in its strip sensor(s), and one dead
// strip under either cluster kills it. At 2 GeV and r = 108 cm a 2S cluster spans ~2 strips, at
// 20 GeV ~1.1. Strips die at random places and a hit lands anywhere, so a per-crossing
// Bernoulli draw with that probability is the average over dead-strip maps.
//
// Bias rails (the `bri` scenario): CMS's digitiser (CMSSW SimTracker/SiPhase2Digitizer,
// PSPDigitizerAlgorithm::isInBiasRailRegion, switched on by AddBiasRailInefficiency) drops every
// PS macro-pixel hit that falls in the bias-rail gap between implants: implants 0.1467 cm long
// along the sensor's long (z in the barrel) direction, separated by a 0.0037 cm rail, i.e.
// 2.5 % of the sensor. Without its pixel cluster the PS stub (a pixel and a strip cluster)
// is not formed. Here a hit's position along the sensor is the crossing's z at the layer
// radius (straight in r-z, as crossing()), and the band is periodic in it with a phase per
// layer: the loss is geometric, a pure function of the track, and draws nothing. The hit is
// taken at the sensor's mid-plane; CMSSW tests the entry and the exit point, which for
// inclined tracks (200 um x sinh(eta) > the rail) loses up to twice as many (4.9 %).
//
// z0: only PS stubs measure z (the macro-pixels are 1.5 mm long; 2S strips are 5 cm long).
// A PS stub carries z if its macro-pixel half is alive: under the ps_z_loss degradation a
// fixed set of PS modules (the detector map, drawn once from the map seed) has it dead. The
// parametric z0 resolution (GeneratorConfig::z0_res_cm) is that of a track with all three PS
// z measurements; with two the r-z fit loses a point and, half the time, lever arm: x1.5; with
// one or none only the coarse 2S strips (5 cm / sqrt(12) ~ 1.4 cm each) help it: x3. These
// factors are this model's rough choice, not a fit.
//
// r-phi (q/R, phi0, d0): every stub measures r-phi, so a fit with n of 6 stubs has its
// variance scaled by 6/n (x1.10 with five stubs, x1.22 with four).
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include "common/physics/rng.h"
#include "common/physics/tracker_degradation.h"

namespace l1t::physics {

struct TrackerLayer {
  double r_cm;
  bool ps;          // PS (macro-pixel + strips) or 2S (two strip sensors)
  int phi_modules;  // modules around phi
  double pitch_um;  // strip pitch
  double thickness_um;
};

inline constexpr int kTrackerLayers = 6;
inline constexpr int kPsLayers = 3;  // layers 0-2 are PS
inline constexpr int kMinStubs = 4;  // the track finder needs stubs in 4 of 6 layers
inline constexpr double kStubEfficiency = 0.995;
inline constexpr double kModuleEtaWidth = 0.1;
inline constexpr std::array<TrackerLayer, kTrackerLayers> kTrackerLayout = {{
    {23, true, 24, 100, 200},
    {36, true, 36, 100, 200},
    {51, true, 52, 100, 200},
    {68, false, 42, 90, 290},
    {88, false, 52, 90, 290},
    {108, false, 60, 90, 290},
}};

// The bias-rail band of a PS macro-pixel sensor (degradation.bias_rail_band in the config):
// CMSSW PSPDigitizerAlgorithm::isInBiasRailRegion's implant = 0.1467 cm and gRail = 0.0037 cm.
struct BiasRailBand {
  double rail_um = 37;       // rail (inefficient gap) width along the sensor's long direction
  double implant_um = 1467;  // implant length between two rails
  double lost_share() const { return rail_um / (rail_um + implant_um); }  // 2.46 %
  bool operator==(const BiasRailBand&) const = default;
};

// Which layers gave a stub, and which PS stubs carry z. Bit i is layer i.
struct StubPattern {
  uint8_t stubs = 0;
  uint8_t ps_z = 0;
  // PS layers whose pixel hit fell in a bias-rail band (lost, and the stub with it).
  uint8_t rail_lost = 0;

  int n_stubs() const { return std::popcount(stubs); }
  int n_ps_z() const { return std::popcount(ps_z); }
  bool found() const { return n_stubs() >= kMinStubs; }
};

// z0 resolution relative to a track with three PS z measurements: 1, 1.5 (two), 3 (<= one).
double z0_resolution_factor(int n_ps_z);
// r-phi resolution relative to a track with all six stubs: sqrt(6 / n_stubs) (1 for none).
double r_phi_resolution_factor(int n_stubs);

// A degradation prepared once for many particles (an event): what every stubs() call would
// otherwise recompute.
struct StubConditions {
  StubConditions() = default;
  // min_pt: the lowest pT stubs() will be asked about (the generator's 0.9 pt_min); below it
  // stubs() is still exact, only slower.
  explicit StubConditions(const TrackerDegradation& d, double min_pt = 1.0);
  TrackerDegradation degradation;
  double min_pt = 1.0;
  double log_strip_alive = 0;  // log(1 - bad_strip_fraction)
  // Per layer, the stub probability with bad strips is between these (the widest cluster, at
  // min_pt, and a one-strip cluster): a draw outside needs no exp.
  std::array<double, kTrackerLayers> prob_low{}, prob_high{};
  // The dead region's eta edges as sinh(eta) = z/r, in which a crossing is found without an
  // asinh per layer.
  double dead_sinh_eta_min = 0, dead_sinh_eta_max = 0;
};

// A module: its layer, eta row and phi column.
struct ModuleId {
  int layer = 0;
  int ieta = 0;
  int iphi = 0;
};

class TrackerLayers {
 public:
  // map_seed fixes the detector map (which modules a degradation kills): the same seed, the
  // same dead modules, and a larger fraction kills a superset of a smaller one's.
  explicit TrackerLayers(uint64_t map_seed, double stub_efficiency = kStubEfficiency,
                         BiasRailBand band = {});

  // The stubs of one charged particle (true pT [GeV], eta, phi [rad], production z [cm],
  // charge +-1) under degradation d. Draws exactly two numbers from rng whatever d is, so that
  // one seed gives the same particles the same draws under every degradation.
  StubPattern stubs(double pt, double eta, double phi, double z0, double charge,
                    const StubConditions& c, Rng& rng) const;
  StubPattern stubs(double pt, double eta, double phi, double z0, double charge,
                    const TrackerDegradation& d, Rng& rng) const {
    return stubs(pt, eta, phi, z0, charge, StubConditions(d), rng);
  }

  // Where the particle crosses layer `layer`: detector eta and phi of the crossing point.
  static void crossing(int layer, double pt, double eta, double phi, double z0, double charge,
                       double* eta_det, double* phi_det);
  static ModuleId module_at(int layer, double eta_det, double phi_det);
  // Same, from sinh(eta_det) = z/r of the crossing point (no asinh).
  static ModuleId module_from_sinh(int layer, double sinh_eta_det, double phi_det);
  // Strips a cluster spans in one strip sensor of the layer (>= 1).
  static double cluster_strips(int layer, double pt);
  // Probability of a stub in the layer, ignoring module maps and dead regions.
  double stub_probability(int layer, double pt, double bad_strip_fraction) const;
  // Whether the module's macro-pixel half is dead when a `fraction` of PS modules lost it.
  bool pixel_dead(const ModuleId& m, double fraction) const;
  // Whether a PS pixel hit at z [cm] of the layer lies in a bias-rail band (no band if the
  // band's sizes are not positive).
  bool in_bias_rail(int layer, double z_cm) const;
  // Whether the module is among the `fraction` of PS modules with the band loss (all for 1).
  bool has_bias_rails(const ModuleId& m, double fraction) const;
  const BiasRailBand& bias_rail_band() const { return band_; }

  double stub_efficiency() const { return stub_efficiency_; }

 private:
  uint64_t map_seed_;
  double stub_efficiency_;
  uint64_t efficiency_threshold_;  // a 21-bit draw below this gives a stub (undegraded)
  BiasRailBand band_;
  double implant_cm_ = 0, band_pitch_cm_ = 0;  // band_pitch_cm_ 0: no band
  std::array<double, kPsLayers> band_phase_cm_{};
};

}  // namespace l1t::physics
