// The emulator's clock: which run, fill and lumisection an event belongs to, how much
// luminosity has been delivered by then, and the pile-up of that moment.
//
// CMS-like bookkeeping: a fill holds `runs_per_fill` runs back to back, each of
// `lumisections_per_run` lumisections numbered from 1; runs and fills are numbered on from
// `first_run` and `first_fill`. Fills follow each other with no gap (turnaround ignored), and
// every fill has the same luminosity profile: pile-up levelled at `peak_pileup` for
// `levelled_lumisections`, then decaying exponentially with `decay_lifetime_hours` (a
// lumisection holds the pile-up of its middle: exp(-(k + 1/2) T / lifetime) for the k-th one
// after levelling).
//
// Time is compressed: a real lumisection is 2^18 LHC orbits (23.31 s, about 7e8 bunch
// crossings); the emulator generates only `events_per_lumisection` of them. time_s and the
// integrated luminosity are those of the detector, not of the wall clock.
//
// Everything is a pure function of the event index, so any event can be stamped on its own and
// a run is reproducible whatever the order or the process that generates it.
#pragma once

#include <cstdint>
#include <optional>

#include "common/physics/param_error.h"

namespace l1t::physics {

inline constexpr double kLhcRevolutionHz = 11245.5;   // 26.659 km ring at the speed of light
inline constexpr double kLumisectionOrbits = 262144;  // 2^18
inline constexpr double kLumisectionSeconds = kLumisectionOrbits / kLhcRevolutionHz;  // 23.31 s

// Field names are the YAML keys (timeline.time.<field>).
struct TimeModelParams {
  uint64_t events_per_lumisection = 100;
  uint32_t lumisections_per_run = 300;  // about 2 h
  uint32_t runs_per_fill = 3;
  uint32_t first_run = 1;
  uint32_t first_fill = 1;
  double lumisection_seconds = kLumisectionSeconds;
  // Luminosity profile of a fill.
  double peak_pileup = 200;              // HL-LHC ultimate levelling
  uint32_t levelled_lumisections = 600;  // about 3.9 h of levelling, then decay
  double decay_lifetime_hours = 4;       // luminosity lifetime once levelling ends
  // Pile-up to luminosity: L = mu * n_bunches * f_rev / sigma_inel.
  double inelastic_cross_section_mb = 81;  // pp at 14 TeV, as in HL-LHC pile-up estimates
  uint32_t colliding_bunches = 2760;       // HL-LHC 25 ns filling scheme
};

// Where an event sits in time.
struct TimePoint {
  uint64_t event_index = 0;
  uint64_t lumisection_index = 0;  // lumisections since the start, from 0 (schedule axis)
  uint64_t fill_index = 0;         // fills since the start, from 0 (schedule axis)
  uint32_t run = 0;                // CMS numbering: first_run, first_run + 1, ...
  uint32_t fill = 0;               // first_fill, first_fill + 1, ...
  uint32_t lumisection = 0;        // within the run, from 1
  double time_s = 0;               // detector time since the start (fills back to back)
  double integrated_lumi_pb = 0;   // delivered since the start, up to this event [1/pb]
  double pileup_mean = 0;          // <PU> of this lumisection
  double inst_lumi_cm2s = 0;       // instantaneous luminosity of this lumisection [cm^-2 s^-1]
};

// The first problem of p (key = the field's name), or none.
std::optional<ParamError> check(const TimeModelParams& p);

// Assumes check(p) passed; otherwise its answers are meaningless but it does not crash.
class TimeModel {
 public:
  TimeModel() : TimeModel(TimeModelParams{}) {}
  explicit TimeModel(const TimeModelParams& p);

  TimePoint at(uint64_t event_index) const;

  // Per lumisection (index since the start, from 0): the value held for its whole duration.
  double pileup_at_lumisection(uint64_t lumisection_index) const;
  double delivered_pb(uint64_t lumisection_index) const;
  // Sum of delivered_pb over lumisections [0, lumisection_index), in closed form.
  double integrated_pb_before(uint64_t lumisection_index) const;

  uint64_t lumisections_per_fill() const { return ls_per_fill_; }
  uint64_t events_per_fill() const { return ls_per_fill_ * p_.events_per_lumisection; }
  uint64_t first_event_of_lumisection(uint64_t lumisection_index) const {
    return lumisection_index * p_.events_per_lumisection;
  }
  const TimeModelParams& params() const { return p_; }

 private:
  double pileup_in_fill(uint64_t ls_in_fill) const;
  double pileup_sum_in_fill(uint64_t n) const;  // sum of pileup_in_fill over [0, n)

  TimeModelParams p_;
  uint64_t ls_per_fill_;
  double pb_per_pileup_ls_;  // delivered luminosity of one lumisection per unit of pile-up
  double cm2s_per_pileup_;
  double decay_per_ls_;  // lumisection_seconds / lifetime
};

}  // namespace l1t::physics
