// The ceiling of a chain's levels: for each degradation state (one per level, as
// config::RunPlan gives them), the PV-track efficiency at a target pile-up acceptance of a model
// of the deployed architecture trained from scratch on that level's own data, quantised and
// scored in fixed point, with its binomial error; beside it the same figure of this study's
// own frozen model (pre-trained on undegraded events), for reference. It is the ceiling suite
// (ceiling_suite.h) on the given states, without its continual learners: run_ceiling_levels
// computes both.
//
// The data are the experiments' (make_experiences): signal events whatever the generator's
// hard_scatter_fraction, one paired test set measured under every level's conditions, and the
// working point "fixed" is the frozen model's on the first state, which should be undegraded.
//
// Results are cached: a JSON file in cache_dir named by the FNV-1a hash of everything they
// depend on (the states, every generator field, the seed, the sizes, the recipe, the
// quantisation, the target acceptance, the candidates and a format version). A second call
// with the same inputs reads it instead of training; a file that does not parse, or holds
// another key, is ignored with a warning and rewritten (atomically).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/experiment/ceiling_suite.h"
#include "common/experiment/pretrained_model.h"
#include "common/nn/training/quantise.h"
#include "common/physics/event_generator.h"
#include "common/physics/track.h"

namespace l1t::experiment {

// Bumped whenever the computation or the file's layout changes: old files then miss.
inline constexpr int kLevelCeilingFormatVersion = 1;

struct LevelCeilingOptions {
  std::vector<physics::DegradationState> levels;  // one per chain level, in order
  physics::GeneratorConfig generator;             // hard_scatter_fraction is taken as 1
  uint64_t seed = 1;
  int train_events = 1500;              // each level's training set: its ceiling's data
  int test_events = 400;                // the paired test collisions
  int pretrain_events = 1500;           // undegraded events of the frozen reference model
  PretrainSettings pretrain;            // the recipe of both models
  nn::QuantisationConfig quantisation;  // the deployed precision
  double pu_acceptance = 0.10;          // target pile-up acceptance
  int ceiling_candidates = 1;           // as CeilingOptions::ceiling_candidates
  int threads = 1;                      // levels in parallel; the results do not depend on it
  std::string cache_dir;                // empty: no cache
  // Called (serialised) with one line per trained model; never on a cache hit.
  std::function<void(const std::string&)> progress;
};

struct LevelCeiling {
  physics::DegradationState state;
  size_t n_primary = 0, n_pileup = 0;  // test tracks
  CeilingScore ceiling;                // efficiency, efficiency_error at the target, ...
  CeilingScore frozen;                 // the study's own frozen model, for reference
  double gap = 0, gap_error = 0;       // ceiling - frozen, conservative error
};

struct LevelCeilingResult {
  std::vector<LevelCeiling> levels;  // in options.levels' order
  double target_pu_acceptance = 0;
  bool from_cache = false;      // read from the cache file: nothing was trained
  uint64_t models_trained = 0;  // 0 on a cache hit
  uint64_t key = 0;             // the inputs' hash
  std::string cache_path;       // empty without cache_dir
  // Cache problems that did not stop the computation (a corrupt file ignored, a failed write).
  std::vector<std::string> warnings;
};

// The canonical text of everything the result depends on, and its FNV-1a hash.
std::string level_ceiling_key_text(const LevelCeilingOptions& options);
uint64_t level_ceiling_key(const LevelCeilingOptions& options);
// cache_dir + "/level_ceiling_<16 hex digits of the key>.json"; empty without cache_dir.
std::string level_ceiling_cache_path(const LevelCeilingOptions& options);

// False with a reason (no levels, bad sizes or acceptance); a cache that cannot be read or
// written only adds a warning.
bool compute_level_ceilings(const LevelCeilingOptions& options, LevelCeilingResult* out,
                            std::string* error);

}  // namespace l1t::experiment
