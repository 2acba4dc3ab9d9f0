// A fast parametric bunch-crossing generator: a tt-bar-like hard scatter overlaid with
// minimum-bias pile-up, passed through a parametric L1 tracker model, degraded, and digitised
// to the L1 track word.
//
// Per event:
//   1. primary vertex z ~ N(0, beam_sigma_z); tt-bar-like charged particles from it (jets of
//      collimated tracks, isolated leptons from the W decays, an underlying event), in a
//      fraction hard_scatter_fraction of the events; in the others the primary vertex is one
//      more minimum-bias interaction (built-in or from the pile-up library), its tracks still
//      labelled primary: it is the vertex the event was taken for. The choice is one rng_ draw,
//      made only when the fraction is below 1 and no external hard scatter is set (that one is
//      always used), so that the default events are the bytes they were before the mix existed;
//   2. Poisson(pileup_mean) pile-up vertices, z ~ N(0, beam_sigma_z), each with a Poisson
//      number of charged particles following a Tsallis pT spectrum, flat in eta (or, with a
//      pile-up library, one of its interactions each);
//   3. the tracker: stubs in six layers (tracker_layers.h; a track needs 4 of 6), Gaussian
//      resolution on every parameter (z0's by |eta| and pT, widened when PS stubs lack z; the
//      r-phi parameters' by the stub count), the state's outer-tracker degradation
//      (tracker_degradation.h), in additive mode the state's smear (smear.h), then the L1
//      acceptance cut on the measured values (pT > pt_min, |eta| < eta_max, |z0| < z0_max);
//      a share material_interaction_prob of the charged hadrons (not the W's leptons) is lost
//      to nuclear interactions and leaves no track; every track gets its quality (chi2s, bend
//      chi2, MVA: track_quality.h) from its stubs;
//   4. fake tracks: their number follows the occupancy (tracks in kinematic acceptance) to the
//      power fake_occupancy_power relative to the nominal PU-200 occupancy, and the stub
//      density (stub losses remove the stubs fakes are made of) to the same power; z0 follows
//      the luminous region (widened), random other parameters, fake quality (in additive mode
//      smeared and cut the same way);
//   5. a shuffle, so that track order carries no truth; in relative mode the state's smear,
//      after acceptance, as it always was (its events are the bytes of before the modes);
//   6. digitisation (track_word.h).
//
// The additive smear acts before acceptance, so a track smeared below pt_min is lost. Particles
// are generated only above pt_min (below), so none migrates in from below: at the 10 % step
// (sigma_pT = 0.31 GeV) the delivered track count falls; see smear.h and the tests.
//
// On request (next() with a GeneratorTruth), the particles handed to the tracker model are
// also recorded, each with the index of the track it became: what tracking efficiency is
// measured against. Recording draws no random numbers, so events are the same bytes with or
// without it.
//
// Only particles above pt_min are ever generated: a Poisson count thinned by the probability
// of passing the threshold is again Poisson, so drawing the thinned count with the spectrum's
// tail is exact and saves generating the ~95 % of soft particles the tracker never sees.
//
// Determinism: one seed gives identical bytes on one platform (the samplers are this
// library's own, not <random>'s; only libm's last-bit behaviour could differ elsewhere).
// The smear, the stubs, the track quality, the material interactions, the fakes and the shuffle
// draw from their own engines (seeded from the same seed), and the tracker degradations only
// scale draws or drop tracks after all of a particle's draws, so the physics of event i depends
// neither on the smear schedule nor on the tracker degradation: two runs with one seed see the
// same collisions (rng_), differently measured. (The additive smear draws five numbers, the
// quality three and the material one for every particle the tracker measures, found or not, so
// a particle's smear, quality draws and nuclear interaction do not depend on the tracker
// degradation either. The fakes respond to the degradation through the stub density, so they
// draw everything, count included, from fake_rng_ alone: how many there are does not move
// rng_.) The detector map of the tracker degradations (which modules are dead) is drawn from
// the seed too, once.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/physics/rng.h"
#include "common/physics/smear.h"
#include "common/physics/track.h"
#include "common/physics/track_quality.h"
#include "common/physics/tracker_degradation.h"
#include "common/physics/tracker_layers.h"

namespace l1t::physics {

struct GeneratorConfig {
  // --- Beam ---
  double pileup_mean = 200;      // HL-LHC ultimate: <PU> = 200 at 7.5e34 /cm^2/s
  double beam_sigma_z_cm = 4.3;  // RMS length of the luminous region along z

  // --- L1 track acceptance (applied to measured values) ---
  double pt_min = 2.0;       // L1 track finder pT threshold (stub bend cut) [GeV]
  double eta_max = 2.4;      // outer-tracker coverage for L1 tracks
  double z0_max = 15;        // tracks with |z0| beyond this are outside the luminous region [cm]
  double eta_gen_max = 2.5;  // particles are generated a bit wider so resolution migrates in

  // --- Minimum-bias (pile-up) particles ---
  // Charged-particle density: dN_ch/d(eta) ~ 5.5-6.5 at 13-14 TeV (CMS/ATLAS minimum bias).
  double pu_charged_per_unit_eta = 6.0;
  // Tsallis spectrum dN/dpT ~ pT (1 + pT/(n T))^-n, fits to charged hadrons at 7-13 TeV give
  // n ~ 6-7, T ~ 0.1-0.2 GeV. These values put ~4 % of charged particles above 2 GeV,
  // i.e. ~1.2 L1 tracks per pile-up interaction and ~235 per PU-200 event.
  double tsallis_n = 6.6;  // must be > 2 (raised to 2.5 if not)
  double tsallis_t_gev = 0.18;

  // --- tt-bar-like hard scatter ---
  int jets_min = 4;                   // semi-leptonic tt-bar: 4 jets; all-hadronic: 6
  int jets_max = 6;                   // jet count uniform in [jets_min, jets_max]
  double jet_pt_min = 25;             // [GeV] jets from top decays are hard
  double jet_pt_mean_excess = 35;     // jet pT = jet_pt_min + Exp(mean) [GeV]
  double jet_eta_sigma = 1.3;         // tt-bar jets are central: eta ~ N(0, sigma)
  double jet_charged_fraction = 0.6;  // charged hadrons carry ~60 % of jet momentum (PDG)
  // Charged multiplicity of a jet grows logarithmically with its pT: Poisson(a + b ln pT).
  double jet_nch_a = 2.0;
  double jet_nch_b = 2.2;
  double jet_width = 0.1;  // Gaussian spread of constituents around the axis in eta and phi
  // Isolated high-pT tracks: each W decays to e, mu or one-prong tau with probability ~0.33.
  int w_bosons = 2;
  double w_to_track_prob = 0.33;
  double lepton_pt_min = 20;          // [GeV]
  double lepton_pt_mean_excess = 25;  // lepton pT = lepton_pt_min + Exp(mean) [GeV]
  double lepton_eta_sigma = 1.2;
  // Underlying event: minimum-bias-like particles from the PV, about twice as active as a
  // minimum-bias interaction (UE plateau in hard events).
  double ue_activity_factor = 2.0;
  // Fraction of bunch crossings taken for a tt-bar-like hard scatter; the others are minimum
  // bias (the primary vertex is one more minimum-bias interaction). 1: every event is tt-bar.
  double hard_scatter_fraction = 1.0;

  // --- Tracker resolution (parametric L1 track model) ---
  // z0 resolution of CMS Phase-2 L1 tracks, worse in the forward region: sigma at pT =
  // z0_res_ref_pt in the |eta| bins [0, 1.2), [1.2, 1.6), [1.6, 2.0), [2.0, ...).
  std::array<double, 3> z0_res_eta_edges = {1.2, 1.6, 2.0};
  std::array<double, 4> z0_res_cm = {0.18, 0.29, 0.46, 0.65};
  // Multiple scattering makes z0 worse at low pT: sigma^2 = sigma_ref^2 ((1 - f) + f (p/pT)^2)
  // with p = z0_res_ref_pt and f the scattering share at p; a hard track keeps sqrt(1 - f).
  double z0_res_ref_pt = 2.5;  // [GeV], about the median pT of L1 tracks
  double z0_res_ms_share = 0.5;
  // Relative q/R resolution: ~1 % central, growing linearly with |eta| (more material).
  double inv_r_rel_res = 0.01;
  double inv_r_rel_res_per_eta = 0.005;
  double phi0_res = 1e-3;   // [rad]
  double eta_res = 1e-3;    // on eta; tan(lambda) = sinh(measured eta)
  double d0_res_cm = 0.02;  // [cm], prompt tracks have true d0 = 0

  // --- Fake tracks ---
  double fake_fraction = 0.02;       // fakes / all tracks (combinatorial stub matches)
  double fake_pt_mean_excess = 3.0;  // fake pT = pt_min + Exp(mean) [GeV]: mostly soft
  double fake_d0_sigma_cm = 0.5;     // fakes do not point back to the beam line
  // Combinatorics: fakes are random stub combinations, so their number grows faster than the
  // occupancy: mean = f/(1-f) N (N / N_nom)^(p-1) rho^p, N the tracks in kinematic acceptance,
  // N_nom its mean in the nominal sample (tt-bar at PU 200, seed 1) and rho the event's stub
  // density relative to the undegraded tracker (fewer stubs, fewer combinations to fake from).
  double fake_occupancy_power = 2.0;
  double fake_nominal_occupancy = 263;
  // Fakes' z0 ~ N(0, factor x beam_sigma_z_cm), inside |z0| < z0_max: their stubs are real
  // stubs of particles from the luminous region, mixed across vertices (and 2S stubs give z only
  // to the 5 cm strip), so they spread wider than it but not flat.
  double fake_z0_sigma_factor = 1.5;

  // --- Material ---
  // Charged hadrons lost to nuclear interactions before the outer tracker's last layers (no
  // track): CMS measured ~ 5-10 % of pions interacting in the tracker (JINST 9 (2014) P10009,
  // pion vs muon efficiency); the Phase-2 tracker's lighter material gives the low end.
  double material_interaction_prob = 0.05;

  // --- Track quality (track_quality.h) ---
  double quality_fake_chi2_scale = 8.0;
  double quality_fake_bend_chi2_scale = 4.0;
  double quality_missing_stub_scale = 0.5;
  double quality_missing_ps_z_scale = 1.0;
  double quality_mva_offset = 3.0;
  double quality_mva_stub_weight = 0.25;
  double quality_mva_chi2_weight = 0.8;

  // --- Layered tracker ---
  // false: the purely parametric tracker (every particle in acceptance is found, no stub
  // count or PS z effect on resolution, hit pattern 0); the tracker degradations then only
  // act through z0_shift_cm, pt_scale and resolution_scale. For comparisons; the emulator
  // and the trainer always run with it on.
  bool stub_model = true;
  double stub_efficiency = kStubEfficiency;  // per layer (tracker_layers.h says why)
  // The bias-rail band of PS macro-pixel sensors (the bri scenario; tracker_layers.h). Not
  // read from `physics:` but from degradation.bias_rail_band, as smear_widths.
  BiasRailBand bias_rail_band;

  // --- Degradation ---
  // Widths per step of the additive smear (smear.h gives their source). Not read from
  // `physics:` but from degradation.smear_widths: config::generator_config() puts them here.
  SmearWidths smear_widths;
};

// An interaction from outside (a HepMC3 file's charged final state) to use instead of the
// built-in tt-bar hard scatter or minimum-bias pile-up: its particles go through the same
// tracker model.
struct ExternalParticle {
  double pt = 0;  // [GeV]
  double eta = 0;
  double phi = 0;   // [rad]
  double z_cm = 0;  // production z as the source put it; the beam-spot draw is added
  int charge = 0;   // its sign gives the track's curvature; 0: the tracker model draws one
};
struct ExternalHardScatter {
  double vertex_z_cm = 0;  // the source's signal vertex z; the event's pv_z0 = beam draw + this
  std::vector<ExternalParticle> particles;
};

// One charged particle as generated, before the tracker model measured it.
struct GeneratedParticle {
  double pt = 0;   // true [GeV]
  double eta = 0;  // true
  double phi = 0;  // true [rad]
  double z0 = 0;   // true production vertex z [cm]
  Origin origin = Origin::kPileup;
  int32_t track = -1;  // its index in GeneratedEvent::tracks; -1 if it left no track
  // The tracker model's stubs (0 for particles it never reached): bit i = layer i.
  uint8_t hit_pattern = 0;
  uint8_t ps_z_pattern = 0;  // PS stubs that carry z
  // PS layers whose pixel hit fell in a bias-rail band (no stub there); with reached_tracker,
  // whether the tracker model was asked about it at all (it crossed all six layers).
  uint8_t rail_lost_pattern = 0;
  bool reached_tracker = false;
  // A charged hadron (jets, underlying event, pile-up, external particles, which carry no
  // particle id) rather than a lepton from a W, and whether a nuclear interaction in the
  // tracker material took it (no track).
  bool hadron = false;
  bool material_lost = false;
};

// Particle-level truth of one event: every particle handed to the tracker model, i.e. all
// generated charged particles except jet constituents below 0.9 pt_min (never materialised).
struct GeneratorTruth {
  std::vector<GeneratedParticle> particles;
};

class EventGenerator;
// Called before each event by loops that generate many (describe, export): it sets the event's
// outside inputs (set_hard_scatter, set_pileup_library). False stops the loop with *error.
using PrepareEvent = std::function<bool(EventGenerator&, std::string*)>;

class EventGenerator {
 public:
  EventGenerator(const GeneratorConfig& cfg, uint64_t seed);

  // Generates the next bunch crossing as measured under the given degradation.
  GeneratedEvent next(const DegradationState& state);
  // Same, into *out, reusing its vectors (no allocation once warm).
  void next(const DegradationState& state, GeneratedEvent* out);
  // Same, and records the event's particles in *truth (replacing its contents); the event is
  // identical to the one next(state, out) would have given.
  void next(const DegradationState& state, GeneratedEvent* out, GeneratorTruth* truth);

  const GeneratorConfig& config() const { return cfg_; }
  // The Poisson mean of pile-up interactions from the next event on (a timeline's levelling and
  // decay); draws nothing, so an unchanged mean leaves the events unchanged.
  void set_pileup_mean(double mean) { cfg_.pileup_mean = mean; }
  // The next event's hard scatter comes from *hs instead of the built-in tt-bar (pile-up,
  // fakes and the tracker stay built-in); nullptr returns to the built-in one. *hs must live
  // until that next() returns; it is used once.
  void set_hard_scatter(const ExternalHardScatter* hs) { external_ = hs; }
  // Pile-up from a library of interactions (a HepMC3 minimum-bias file) instead of the built-in
  // Tsallis model: each of the Poisson(pileup_mean) vertices takes one interaction drawn
  // uniformly, with replacement, as pile-up mixing does. Interactions that left no particle
  // above threshold must stay in the library: they are part of the cross-section. nullptr or an
  // empty library returns to the built-in model. *library must outlive its use.
  void set_pileup_library(const std::vector<ExternalHardScatter>* library) {
    pileup_library_ = library && !library->empty() ? library : nullptr;
  }

 private:
  void add_minimum_bias(double z, double mean_particles, Origin origin, GeneratedEvent* ev);
  void add_hard_scatter(double z, GeneratedEvent* ev);
  // One minimum-bias interaction at z: from the pile-up library when there is one.
  void add_minimum_bias_interaction(double z, Origin origin, GeneratedEvent* ev);
  void add_fakes(GeneratedEvent* ev);
  // The additive smear of the event's state, if any, then the L1 acceptance on the result:
  // false if the track is not delivered. eta: t's measured eta (sinh(eta) = t.tan_lambda).
  bool smear_and_accept(Track& t, double eta);
  // Measures a particle with the tracker model and keeps it if it passes the acceptance.
  // charge: +-1 from an external source, 0 to draw it.
  // hadron: subject to the material's nuclear interactions (all but the W's leptons).
  void add_particle(double pt, double eta, double phi, double z, Origin origin, GeneratedEvent* ev,
                    int charge = 0, bool hadron = true);
  void add_interaction(const ExternalHardScatter& in, double beam_z, Origin origin,
                       GeneratedEvent* ev);
  uint8_t fake_hit_pattern();
  double tsallis_tail_pt();
  double z0_resolution(double abs_eta, double pt) const;

  GeneratorConfig cfg_;
  TrackerLayers layers_;
  Rng rng_;                      // physics and tracker resolution
  Rng smear_rng_;                // degradation only
  Rng stub_rng_;                 // stubs and fake hit patterns
  Rng shuffle_rng_;              // track order
  Rng quality_rng_;              // track quality: three numbers per measured particle
  Rng material_rng_;             // nuclear interactions: one number per measured particle
  Rng fake_rng_;                 // fakes: count, parameters, hit patterns, quality
  TrackQualityConfig quality_;   // from cfg_
  TrackerDegradation tracker_;   // of the event being generated (the state's)
  double additive_smear_ = 0;    // the state's smear if its mode is additive, else 0
  StubConditions conditions_;    // tracker_, prepared for the stub model
  int64_t in_acceptance_ = 0;    // tracks that passed the kinematic cuts, found or not
  int64_t event_stubs_ = 0;      // stubs of the particles the stub model measured
  int64_t event_crossings_ = 0;  // their layer crossings (6 per particle)
  double pu_particles_mean_;     // per pile-up interaction, above pt_min, |eta| < eta_gen_max
  double exp_minus_pu_mean_;
  double z0_res_hit_share_ = 1;      // 1 - z0_res_ms_share
  GeneratorTruth* truth_ = nullptr;  // set only during a next() that records particles
  const ExternalHardScatter* external_ = nullptr;  // the next event's hard scatter, if given
  const std::vector<ExternalHardScatter>* pileup_library_ = nullptr;
};

}  // namespace l1t::physics
