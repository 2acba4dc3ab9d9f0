// One YAML file describes a whole chain run; every process reads the same file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace l1t::config {

// ZeroMQ endpoints. The side that binds is fixed (see docs in configs/default.yaml).
struct Endpoints {
  std::string events = "tcp://127.0.0.1:5550";     // emulator PUSH (bind) -> inference PULL
  std::string truth = "tcp://127.0.0.1:5551";      // emulator XPUB (bind): events + truth
  std::string decisions = "tcp://127.0.0.1:5552";  // monitor SUB (bind) <- inference XPUB
  std::string labels = "tcp://127.0.0.1:5553";     // trainer PULL (bind) <- labeller PUSH
  std::string weights = "tcp://127.0.0.1:5554";    // trainer XPUB (bind) -> inference SUB
  std::string snapshot = "tcp://127.0.0.1:5555";   // trainer ROUTER (bind) <- inference DEALER
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
};

struct DegradationSettings {
  std::vector<double> smear_levels{0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10};
  uint64_t events_per_level = 2000;
};

struct ModelSettings {
  std::string precision = "ap_fixed<16,6>";  // input, weight, bias, accumulator and result
  std::string accum_precision = "";          // empty: same as precision
  std::vector<int> hidden{25, 30};
};

struct InferenceSettings {
  std::string node = "inference-0";
  double score_threshold = 0.5;  // a track is "primary" when its score is at least this
  double accept_ht_gev = 100;    // trigger accept when track HT of primary tracks exceeds this
};

struct LabellerSettings {
  uint64_t seed = 2;
  double fraction = 0.2;     // fraction of events labelled
  int delay_ms = 100;        // how late labels arrive
  double label_noise = 0.0;  // probability that a label is flipped (imperfect reconstruction)
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
};

struct Scenario {
  std::string name = "default";
  Endpoints endpoints;
  MetricsPorts metrics;
  EmulatorSettings emulator;
  DegradationSettings degradation;
  ModelSettings model;
  InferenceSettings inference;
  LabellerSettings labeller;
  TrainerSettings trainer;
};

// Loads a scenario; overrides are "dotted.key=value" pairs applied on top of the file.
// Any unknown key or bad value fails with a message naming the key.
bool load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                   Scenario* out, std::string* error);
bool parse_scenario(const std::string& yaml_text, const std::vector<std::string>& overrides,
                    Scenario* out, std::string* error);

}  // namespace l1t::config
