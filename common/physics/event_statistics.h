// What a trigger physicist checks before trusting a sample: multiplicities, the share of tracks
// from the primary vertex and of fakes, tracking efficiency against generated particles, z0
// resolution by |eta|, how well FastHisto finds the primary vertex, the track quality the word
// carries per origin (track_quality.h) and the charged hadrons lost in the tracker material.
//
// EventStatistics accumulates events (with their particle truth) and summarises them;
// describe_events() generates N events and does both. No sockets: the emulator's --describe
// and tests call the same code.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/physics/event_generator.h"
#include "common/physics/fasthisto.h"
#include "common/physics/smear.h"
#include "common/physics/track.h"
#include "common/physics/tracker_layers.h"

namespace l1t::physics {

struct EventStatisticsConfig {
  // Efficiency: generated charged particles with true pT >= pt_min, |eta| < eta_max and
  // |z| < z0_max (the L1 acceptance) are the denominator, binned in true pT.
  std::vector<double> pt_edges{2, 3, 5, 10, 20, 50, 100};
  double pt_min = 2.0;
  double eta_max = 2.4;
  double z0_max = 15.0;
  // z0 resolution of primary tracks, binned in measured |eta|.
  std::vector<double> abs_eta_edges{0, 1.2, 1.6, 2.0, 2.4};
  // FastHisto counts as right when within this distance of the true primary vertex.
  double vertex_window_cm = 0.5;
  FastHistoConfig fasthisto;  // the inference node's defaults
};

struct EfficiencyBin {
  double pt_lo = 0, pt_hi = 0;
  uint64_t generated = 0;      // particles in the denominator
  uint64_t reconstructed = 0;  // of those, how many left a track
  double efficiency = 0;       // 0 for an empty bin
  double error = 0;            // binomial, sqrt(e (1 - e) / n)
};

struct ResolutionBin {
  double abs_eta_lo = 0, abs_eta_hi = 0;
  uint64_t tracks = 0;
  double mean_cm = 0;     // mean of z0 - pv_z0 (a bias would show here)
  double rms_cm = 0;      // RMS about the mean
  double width68_cm = 0;  // half the central 68 % interval: robust against tails
};

// One tracker layer over the particles the tracker model measured (each crosses all six):
// how many left a stub, and how many PS pixel hits fell in a bias-rail band (tracker_layers.h).
struct LayerStubBin {
  int layer = 0;
  double r_cm = 0;
  bool ps = false;
  uint64_t crossings = 0;
  uint64_t stubs = 0;
  double stub_fraction = 0;       // stubs / crossings
  uint64_t rail_lost = 0;         // pixel hits (and their stubs) lost in bias-rail bands
  double rail_lost_fraction = 0;  // rail_lost / crossings
};

// The track word's quality fields over the tracks of one origin (their word values: chi2s are
// bin lower edges, track_quality.h).
struct QualityByOrigin {
  Origin origin = Origin::kPileup;
  uint64_t tracks = 0;
  double chi2_rphi_mean = 0;
  double chi2_rz_mean = 0;
  double bend_chi2_mean = 0;
  double mva_mean = 0;                      // mean MVA quality bin (0-7)
  std::array<uint64_t, 8> mva_histogram{};  // tracks per MVA quality 0..7
};

struct EventStatisticsSummary {
  uint64_t events = 0;
  int level = 0;
  double smear = 0;
  // How the smear acted (smear.h) and, additive, its widths per step (the generator's).
  SmearMode smear_mode = SmearMode::kAdditive;
  SmearWidths smear_widths;
  double tracks_per_event_mean = 0;
  double tracks_per_event_rms = 0;  // event-to-event spread (standard deviation)
  double pv_tracks_per_event_mean = 0;
  double pileup_tracks_per_event_mean = 0;
  double fake_tracks_per_event_mean = 0;
  double pv_track_fraction = 0;   // primary tracks / all tracks
  double fake_fraction = 0;       // fake tracks / all tracks
  double efficiency_overall = 0;  // all pT >= pt_min, including beyond the last pT edge
  // The layered tracker (tracker_layers.h): stubs per track (its hit pattern) and the share
  // of particle tracks missing the z of at least one PS layer (wider z0).
  double stubs_per_track_mean = 0;
  double ps_z_incomplete_fraction = 0;
  std::vector<LayerStubBin> stubs_per_layer;    // the six layers, innermost first
  double ps_pixel_hits_rail_lost_fraction = 0;  // over the three PS layers
  std::vector<EfficiencyBin> efficiency_vs_pt;
  std::vector<ResolutionBin> z0_resolution_vs_eta;
  double vertex_window_cm = 0;
  double fasthisto_efficiency = 0;     // events with |z_FH - z_PV| < vertex_window_cm
  double fasthisto_resolution_cm = 0;  // RMS of z_FH - z_PV over those events
  // Track quality per origin: primary, pile-up, fake (in that order).
  std::vector<QualityByOrigin> quality;
  // Charged hadrons the tracker model measured, and those a nuclear interaction took.
  uint64_t material_hadrons = 0;
  uint64_t material_lost = 0;
  double material_lost_fraction = 0;
};

class EventStatistics {
 public:
  explicit EventStatistics(EventStatisticsConfig cfg = {});

  void add(const GeneratedEvent& ev, const GeneratorTruth& truth);
  // level and smear are copied into the summary as given (the accumulator does not know them);
  // smear_mode and smear_widths keep their defaults (describe_events sets the real ones).
  EventStatisticsSummary summary(int level = 0, double smear = 0) const;

 private:
  EventStatisticsConfig cfg_;
  uint64_t events_ = 0;
  double tracks_ = 0, tracks_sq_ = 0;
  uint64_t primary_ = 0, pileup_ = 0, fake_ = 0;
  std::vector<uint64_t> generated_, reconstructed_;  // per pT bin
  uint64_t generated_all_ = 0, reconstructed_all_ = 0;
  uint64_t stubs_ = 0;                                  // summed over all tracks
  uint64_t particle_tracks_ = 0, ps_z_incomplete_ = 0;  // tracks of generated particles
  uint64_t tracker_particles_ = 0;                      // particles the tracker model measured
  std::array<uint64_t, kTrackerLayers> layer_stubs_{}, layer_rail_lost_{};
  std::vector<std::vector<float>> z0_residuals_;  // per |eta| bin, kept for the quantiles
  uint64_t vertex_found_ = 0;
  double vertex_residual_sq_ = 0;
  struct QualitySums {
    uint64_t tracks = 0;
    double chi2_rphi = 0, chi2_rz = 0, bend_chi2 = 0, mva = 0;
    std::array<uint64_t, 8> mva_histogram{};
  };
  std::array<QualitySums, 3> quality_{};  // by Origin value
  uint64_t material_hadrons_ = 0, material_lost_ = 0;
};

// Generates n events with a fresh generator (config and seed) under one degradation state
// and summarises them.
EventStatisticsSummary describe_events(const GeneratorConfig& gen, uint64_t seed,
                                       const DegradationState& state, uint64_t n,
                                       const EventStatisticsConfig& cfg = {});
// Same, with prepare (if set) called before each event; false with its error if it fails.
bool describe_events(const GeneratorConfig& gen, uint64_t seed, const DegradationState& state,
                     uint64_t n, const PrepareEvent& prepare, EventStatisticsSummary* out,
                     std::string* error, const EventStatisticsConfig& cfg = {});

// The summary as JSON (keys as the field names; smear_widths as {pt, eta, phi, z0, d0}, and in
// additive mode smear_step and smear_sigma, the widths in force: step x widths) and as a table
// for a terminal.
nlohmann::json to_json(const EventStatisticsSummary& s);
std::string format_table(const EventStatisticsSummary& s);

}  // namespace l1t::physics
