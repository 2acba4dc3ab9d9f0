// Reads the YAML `timeline:` section into a physics::TimelineSpec; Timeline::build(spec) then
// gives every event its time and degradation state (common/physics/timeline.h).
//
// Accepted YAML (all keys optional unless marked "required"; unknown keys are errors):
//
//   timeline:
//     time:                            # common/physics/time_model.h; these are the defaults
//       events_per_lumisection: 100    # events generated per lumisection (a real one has ~7e8)
//       lumisections_per_run: 300      # lumisections numbered 1.. within each run
//       runs_per_fill: 3               # a fill holds this many runs back to back
//       first_run: 1
//       first_fill: 1
//       lumisection_seconds: 23.31     # 2^18 orbits
//       peak_pileup: 200               # levelled <PU>
//       levelled_lumisections: 600     # levelling at peak_pileup, from the start of each fill
//       decay_lifetime_hours: 4        # then <PU> decays as exp(-t / lifetime)
//       inelastic_cross_section_mb: 81 # pile-up -> luminosity: L = mu * n_b * f_rev / sigma
//       colliding_bunches: 2760
//     duration: {events: 22000}        # required: exactly one of events, lumisections, fills
//     update_every_lumisections: 1     # the state is re-evaluated at the start of each interval
//     degradations:                    # a list; each parameter at most once; may be empty
//       - parameter: smear             # smear | bias_rail | bad_strips | dead_region | z0_shift
//                                      # | pt_scale | resolution | scenario (aliases in
//                                      # common/physics/degradation_parameter.h)   (required)
//                                      # (smear is read in degradation.smear_mode)
//         schedule: <schedule>         # required
//       - parameter: dead_region
//         eta: [-0.5, 0.5]             # required for dead_region, only there
//         phi: [0.0, 0.8]              # dead_region only; default [-pi, pi]
//         schedule: {kind: step, axis: lumisection, at: 100}   # off before, on from there
//
//   <schedule> is a map with `kind` (required) and the keys of that kind:
//     {kind: constant, value: V}
//     {kind: step, axis: A, at: X, before: V, after: V}   # before: the parameter's neutral
//                                                         # value if omitted; after: required
//                                                         # (dead_region: defaults to on)
//     {kind: linear, axis: A, from: [X, V], to: [X, V]}   # clamped outside; from X < to X
//     {kind: piecewise, axis: A, knots: [[X, V], ...], interpolation: linear | staircase}
//                                                         # X strictly increasing; interpolation
//                                                         # defaults to linear (staircase for
//                                                         # dead_region and scenario)
//     {kind: per_fill, values: [V, ...]}                  # fill index i gets values[i]; the last
//                                                         # repeats
//   A (required where shown): event | lumisection | fill | lumi_pb, counted from the start of
//   the timeline from 0 (lumi_pb: integrated luminosity in 1/pb). X: a number >= 0 on that axis.
//   V: a number in the parameter's range; for scenario a preset name (none, bri, bri+1bs,
//   bri+5bs, bri+10bs); for dead_region on/off (true/false). linear is refused for scenario and
//   dead_region.
//
// Every problem fails with one message naming the key, e.g.
//   config key 'timeline.degradations[2].schedule.knots' is not increasing at index 3
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "common/physics/timeline.h"

namespace l1t::config {

// node: the section itself (a map); key_path: its name in messages, e.g. "timeline".
bool parse_timeline(const YAML::Node& node, const std::string& key_path, physics::TimelineSpec* out,
                    std::string* error);
// yaml_text: a whole document; the section is read at the dotted key_path inside it
// ("timeline"), or is the document itself when key_path is empty.
bool parse_timeline_text(const std::string& yaml_text, const std::string& key_path,
                         physics::TimelineSpec* out, std::string* error);
// The same for a file.
bool load_timeline(const std::string& path, const std::string& key_path, physics::TimelineSpec* out,
                   std::string* error);

}  // namespace l1t::config
