// One YAML file describes a whole chain run; every process reads the same file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/drift/watch_settings.h"
#include "common/physics/event_generator.h"
#include "common/physics/offline_labels.h"
#include "common/physics/timeline.h"
#include "common/physics/tracker_degradation.h"

namespace l1t::config {

// ZeroMQ endpoints. The side that binds is fixed (see docs in configs/default.yaml).
struct Endpoints {
  std::string events = "tcp://127.0.0.1:5550";     // emulator PUSH (bind) -> inference PULL
  std::string truth = "tcp://127.0.0.1:5551";      // emulator XPUB (bind): events + truth
  std::string decisions = "tcp://127.0.0.1:5552";  // monitor SUB (bind) <- inference XPUB
  std::string labels = "tcp://127.0.0.1:5553";     // trainer PULL (bind) <- labeller PUSH
  // labeller SUB (bind) <- inference XPUB: each decision's accept, for labeller.mode offline.
  std::string accepts = "tcp://127.0.0.1:5556";
  // labeller XPUB (bind) -> inference SUB: a copy of every labelled batch, so that each node
  // scores the labels with its live model (error-bit detectors, calibration, realised figures).
  std::string label_copies = "tcp://127.0.0.1:5557";
  std::string weights = "tcp://127.0.0.1:5554";  // trainer XPUB (bind) -> inference SUB
  // Trainer ROUTER (bind) <- inference DEALERs and operators: snapshot requests, drift alarms,
  // heartbeats, rollbacks. Also read from the old key endpoints.snapshot.
  std::string control = "tcp://127.0.0.1:5555";
};

struct MetricsPorts {
  std::string bind_address = "127.0.0.1";
  int emulator = 9101;  // 0: an ephemeral port, reported in the ready file
  int inference = 9102;
  int labeller = 9103;
  int trainer = 9104;
  int monitor = 9105;
};

struct EmulatorSettings {
  uint64_t seed = 1;
  double rate_hz = 2000;    // 0: as fast as the chain takes (PUSH back-pressure)
  int min_subscribers = 0;  // wait for this many truth subscribers before the first event
  double pileup_mean = 200;
  double beam_sigma_z_cm = 4.3;
  std::string hepmc_file = "";  // hard scatters from this HepMC3 ASCII file; empty: built-in
  // Pile-up interactions drawn from this HepMC3 ASCII file (minimum bias), read whole at start;
  // empty: the built-in Tsallis model.
  std::string hepmc_pileup_file = "";
  // Where the emulator records, once a second, how many of the run's events it has sent; one
  // that starts and finds the file goes on after them (a container restarted by its restart
  // policy). Empty: none (l1t-chain --restart tells a restarted emulator where to go on).
  std::string progress_file = "";
};

// The staircase of degradation levels (events_per_level events each). A level has a smear and
// an outer-tracker degradation: the named `scenario` (or the level's entry of `scenarios`)
// composed with the individual keys (bias_rail, ps_z_loss ... resolution_scale), which hold for the
// whole run. With `scenarios` the staircase steps through them; smear_levels then has one value for
// every level or one per scenario (parsing expands it to one per level).
struct DegradationSettings {
  // The smear of each level, read as smear_mode says (common/physics/smear.h): additive, the
  // step s / 0.01 (sigma_p = (s / 0.01) smear_widths.p, i.e. s times p's RMS); relative,
  // sigma = s |x|. Also how a timeline's smear entry is read.
  std::vector<double> smear_levels{0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10};
  physics::SmearMode smear_mode = physics::SmearMode::kAdditive;  // additive | relative
  physics::SmearWidths smear_widths;  // additive: per step; generator_config() passes them on
  uint64_t events_per_level = 2000;
  std::string scenario = "none";       // none | bri | bri+1bs | bri+5bs | bri+10bs
  std::vector<std::string> scenarios;  // a staircase of named scenarios; empty: none
  double bias_rail = 0;  // share of PS modules losing the hits (and stubs) in bias-rail bands
  double ps_z_loss = 0;  // fraction of PS modules without macro-pixel z (stubs kept)
  // The bias-rail band (physics::BiasRailBand); generator_config() passes it on.
  physics::BiasRailBand bias_rail_band;
  double bad_strips = 0;              // fraction of dead strips
  physics::EtaPhiWindow dead_region;  // no stubs inside; empty by default
  double z0_shift_cm = 0;             // misalignment: added to every z0
  double pt_scale = 1;                // measured pT multiplied by this
  double resolution_scale = 1;        // every track-parameter resolution multiplied by this

  size_t levels() const { return smear_levels.size(); }
  // The tracker degradation of level i (the last level's beyond the staircase).
  physics::TrackerDegradation tracker_at(size_t level) const;
};

struct ModelSettings {
  std::string precision = "ap_fixed<16,6>";  // input, weight, bias, accumulator and result
  std::string accum_precision = "";          // empty: same as precision
  std::vector<int> hidden{25, 30};
};

struct InferenceSettings {
  std::string node = "inference-0";  // "": the host name (replicas of one configuration)
  double score_threshold = 0.5;  // a track is "primary" when its score is at least this
  // The monitors' working point: the score threshold at which the frozen model keeps this share
  // of pile-up tracks on undegraded events, then held for every level (trigger::DecisionMonitor).
  double working_point_pu_acceptance = 0.10;
  double accept_ht_gev = 100;  // trigger accept when track HT of primary tracks exceeds this
  // The monitors' HT trigger (trigger::HtTrigger): its threshold is where the frozen model, at
  // the working point, accepts this share of undegraded minimum-bias events; rates in Hz at
  // the LHC's bunch-crossing rate times the share of filled buckets.
  double trigger_minbias_accept = 0.01;
  // The live model's working point in the monitors: "calibrated", the threshold each weight
  // version carries (the trainer sets it for the target pile-up acceptance on its latest
  // labels), or "held", the frozen model's fixed one.
  std::string live_working_point = "calibrated";
  double bunch_crossing_rate_hz = 40.079e6;
  double filled_bunch_fraction = 2808.0 / 3564.0;
  int min_subscribers = 0;  // wait for this many decision subscribers before deciding
  // Drift alarm (common/trigger/drift_detector.h) on the per-event fraction of tracks the live
  // model scores as primary, sent to the trainer; drift_threshold 0 turns it off.
  int drift_block_events = 100;     // events averaged into one CUSUM point
  int drift_reference_blocks = 50;  // blocks that make the reference
  double drift_slack = 0.75;        // CUSUM k, in reference sigmas of a block mean
  double drift_threshold = 10;      // CUSUM h, in the same sigmas
  double heartbeat_s = 1.0;         // heartbeats (with the current fill) to the trainer
};

// Which events get labels, and what the labels are (trigger::LabelMode):
//   truth:    a random `fraction` of the signal events, labelled with the generator's truth (the
//             seed study's labels; minimum bias only with label_minimum_bias);
//   scouting: every round(1/fraction)-th event, both samples, unbiased (L1 scouting's prescaled
//             stream), labelled by offline-like reconstruction (physics/offline_labels.h);
//   offline:  a random `fraction` of the events the trigger accepted, both samples: what offline
//             reconstruction sees, biased by the live model's own decisions; reconstructed
//             labels too. Needs the inference nodes' accepts (endpoints.accepts).
struct LabellerSettings {
  uint64_t seed = 2;
  std::string mode = "truth";
  double fraction = 0.2;  // see mode
  // How late labels arrive: delay_ms plus an exponential of mean delay_exp_ms, per event.
  int delay_ms = 100;
  double delay_exp_ms = 0;
  // "continuous": each event when its delay has passed; "end_of_fill": all of a fill's events
  // once the next fill has begun (the between-fill calibration), then the delay.
  std::string delivery = "continuous";
  double label_noise = 0.0;  // probability that a label is flipped (imperfect reconstruction)
  // Minimum-bias events (the trigger's rate sample) are not labelled in truth mode unless this is
  // set: the seed study's labels come from the signal sample the model is trained for.
  bool label_minimum_bias = false;
  physics::OfflineReconstruction reconstruction;  // labeller.reconstruction.*
};

// l1t-chain's ceiling (`ceiling:`): per level, a model of the deployed architecture trained
// from scratch on that level's data (experiment::compute_level_ceilings), to say how much of
// the way the live model went. Cached by its inputs, so a rerun of a scenario costs nothing.
struct CeilingSettings {
  bool enabled = true;
  int train_events = 1500;  // each level's training set (signal events)
  int test_events = 1000;   // the paired test set
  uint64_t seed = 1;
  int threads = 2;
  std::string cache_dir;  // empty: $XDG_CACHE_HOME/l1t-continual, else ~/.cache/l1t-continual
};

struct TrainerSettings {
  uint64_t seed = 3;
  std::string algorithm = "adam";
  std::string strategy = "replay";
  double learning_rate = 1e-3;
  int batch_size = 64;
  int replay_capacity = 20000;
  double replay_fraction = 0.5;
  int publish_every = 20000;   // labelled samples (tracks) between weight versions
  int pretrain_events = 1500;  // undegraded events generated at start-up to pre-train on
  int pretrain_epochs = 8;
  std::string initial_model = "";  // a model file to start from instead of pre-training
  double sgd_momentum = 0.9;
  std::string quantisation = "ptq";  // ptq (quantise at publication) | qat (quantisation-aware)
  float ewc_lambda = 100;            // strategy ewc: penalty strength
  float ewc_decay = 0.9f;            // strategy ewc: decay of the old Fisher per consolidation
  float lwf_temperature = 2;         // strategy lwf: distillation temperature
  float lwf_weight = 1;              // strategy lwf: weight of the distillation term
  std::string update_policy = "every_n";  // every_n | on_drift | fill_boundary
  // Safe-update gate (common/nn/continual/update_gate.h): a candidate is judged on the
  // gate_window labelled tracks that arrive after it was taken and on gate_reference_rows
  // undegraded tracks.
  int gate_window = 10000;  // 0: gate off
  double gate_margin = 0.005;
  double gate_reference_margin = 0.01;
  int gate_reference_rows = 10000;    // 0: no reference check
  std::string checkpoint_dir = "";    // empty: no checkpoints (a restart starts afresh)
  double checkpoint_interval_s = 10;  // also at every publication and at shutdown
  int keep_versions = 10;             // published versions kept for rollback
};

// What an input message may be before it is parsed or applied (`limits:`; README "Wire
// contract"). Every process reads them; a message beyond one is rejected with its reason.
struct Limits {
  // Bytes of one message (topic and payload frames) on any input channel, checked before it is
  // parsed ("too_large"). The largest legitimate messages are ~6 kB (a labelled batch of one
  // event of PU 200; default.yaml lists them); on a bound socket libzmq drops a peer that sends a
  // frame beyond 4x this (ZMQ_MAXMSGSIZE, device.h).
  int64_t max_message_bytes = 1 << 20;
  int max_tracks_per_event = 2000;  // "too_many_tracks"; PU 200 has ~250, 360 at most
  int max_senders = 256;            // senders whose sequence is followed per channel and topic
  // Numbers an event may carry; beyond them it is rejected ("event_numbers").
  uint32_t max_run = 100'000'000;
  uint32_t max_fill = 10'000'000;
  uint32_t max_lumisection = 10'000'000;
};

// ZeroMQ CURVE on every socket (`security:`; README "Security and failure behaviour"): keys and
// the allow-lists are files made by `l1t-keys generate DIR`. Off only for debugging.
struct Security {
  bool curve = true;
  std::string keys_dir = "keys";  // relative to the working directory
};

struct Scenario {
  std::string name = "default";
  Endpoints endpoints;
  MetricsPorts metrics;
  EmulatorSettings emulator;
  // The event generator's physics constants (`physics:`, common/config/physics_config.h). Its
  // pileup_mean and beam_sigma_z_cm are not read: they come from `emulator:`, and
  // generator_config() (physics_settings.h) puts them on top.
  physics::GeneratorConfig physics;
  DegradationSettings degradation;
  // A scripted timeline (common/config/timeline_config.h); when present it replaces the
  // degradation staircase and sets the run's length.
  std::optional<physics::TimelineSpec> timeline;
  ModelSettings model;
  InferenceSettings inference;
  LabellerSettings labeller;
  TrainerSettings trainer;
  CeilingSettings ceiling;
  drift::WatchSettings drift;  // the inference node's drift statistics and detectors
  Limits limits;
  Security security;
};

// Loads a scenario; overrides are "dotted.key=value" pairs applied on top of the file.
// Any unknown key or bad value fails with a message naming the key.
bool load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                   Scenario* out, std::string* error);
bool parse_scenario(const std::string& yaml_text, const std::vector<std::string>& overrides,
                    Scenario* out, std::string* error);

}  // namespace l1t::config
