// The ceiling suite: how much of the detector's damage a perfect learner could win back. Per
// experience, on its held-out (paired) test set, the frozen deployed model (pre-trained on
// undegraded events, as the cl suite makes it) against a model of the same architecture trained
// from scratch on that experience's training set with the same recipe (PretrainSettings: Adam,
// epochs, lr, batch; seeded start, its own seed). Both are quantised to the model precision and
// scored in fixed point, as deployed. Figures: PV-track efficiency at a target pile-up
// acceptance (re-tuned per experience), efficiency and pile-up acceptance at the frozen model's
// working point fixed on the first experience (undegraded) as a deployed trigger holds it, ROC
// AUC and accuracy at 0.5, with binomial errors so a reader can judge ceiling - frozen.
//
// Beside them, continual learners (by default naive top-up and replay, as the cl suite runs
// them: Adam, batch 64, one pass, replay a reservoir of 20,000 tracks filling half of every
// batch) stream through the experiences in order from the frozen model; the model after
// experience i is quantised and scored on experience i's test set like the other two. Their
// recovered fraction, (model - frozen) / (ceiling - frozen), is given only where the gap
// exceeds two of its errors (else NaN: null in the JSON, "-" in the table).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/experiment/cl_run.h"
#include "common/experiment/data_view.h"
#include "common/experiment/experiences.h"
#include "common/experiment/pretrained_model.h"
#include "common/nn/evaluation/working_point.h"
#include "common/nn/training/quantise.h"
#include "common/physics/event_generator.h"

namespace l1t::experiment {

struct CeilingOptions {
  std::vector<std::string> experience_groups = {"smear"};
  // Positions in the sequence of the groups to run (0-based, increasing); empty: all. The
  // working point is fixed on the first one, which should be undegraded.
  std::vector<size_t> positions;
  int train_events = 1500;              // each experience's training set: the ceiling's data
  int test_events = 400;                // the paired test collisions
  int pretrain_events = 1500;           // undegraded events the frozen model is trained on
  PretrainSettings pretrain;            // the recipe of both models
  nn::QuantisationConfig quantisation;  // the deployed precision (ap_fixed<16,6>)
  double pu_acceptance = 0.10;          // target pile-up acceptance of the working point
  // From-scratch models trained per experience (own seeds); the one whose fixed-point AUC on
  // that experience's training set is highest is the ceiling. 1: the first seed, unselected.
  int ceiling_candidates = 1;
  // Continual learners (cl_run strategies other than "none") streamed through the experiences
  // in order from the frozen model; empty: none.
  std::vector<std::string> learners = {"naive", "replay"};
  // Their run: algorithm (adam), batch (64), passes (1), replay memory (20,000, half of each
  // batch), ... as the cl suite's; the strategy and the seed are set per learner.
  ClRunConfig learner_run;
  int threads = 1;
  uint64_t seed = 1;
  physics::GeneratorConfig generator;
  // Called (from worker threads, serialised) with one line per finished model.
  std::function<void(const std::string&)> progress;
};

// One fixed-point model on one test set.
struct CeilingScore {
  double efficiency = 0;        // PV-track efficiency at the target pile-up acceptance
  double pu_acceptance = 0;     // the acceptance met there (at or below the target)
  double threshold = 0;         // the score threshold there
  double efficiency_error = 0;  // binomial: sqrt(e (1 - e) / n_primary)
  double efficiency_fixed = 0;  // at the working point fixed on the first experience
  double pu_acceptance_fixed = 0;
  double efficiency_fixed_error = 0;
  double auc = 0;
  double accuracy = 0;  // at score 0.5
  // The float model's AUC on the same rows: far above `auc` means the fixed-point model
  // departs from its float self (e.g. sums wrapping in ap_fixed<16,6>), not a worse learner.
  double auc_float = 0;
};

// A continual learner on one experience, after training on it.
struct CeilingLearner {
  std::string strategy;
  CeilingScore score;
  double gain = 0, gain_error = 0;  // model - frozen at the target acceptance, conservative error
  double gain_fixed = 0, gain_fixed_error = 0;
  // (model - frozen) / (ceiling - frozen), where the gap exceeds 2 gap_error (else NaN).
  double recovered_fraction = 0;
  double recovered_fraction_fixed = 0;  // the same at the fixed working point (gap_fixed)
};

// The rule of CeilingLearner::recovered_fraction: a gap within 2 of its errors gives none.
inline constexpr double kRecoveredFractionMinSignificance = 2.0;
// (model - frozen) / gap if gap > kRecoveredFractionMinSignificance gap_error, else NaN.
double recovered_fraction(double model, double frozen, double gap, double gap_error);

struct CeilingExperience {
  ExperienceSpec spec;
  size_t train_rows = 0, n_primary = 0, n_pileup = 0;
  CeilingScore frozen, ceiling;
  // ceiling - frozen and its error, sqrt(err_f^2 + err_c^2): conservative, since both models
  // are scored on the same tracks (positively correlated, so the true error is smaller).
  double gap = 0, gap_error = 0;
  double gap_fixed = 0, gap_fixed_error = 0;  // the same at the fixed working point
  std::vector<float> ceiling_loss;            // per epoch
  int ceiling_candidate = 0;                  // which candidate was kept
  bool gap_significant = false;               // gap > 2 gap_error
  bool gap_fixed_significant = false;
  std::vector<CeilingLearner> learners;  // in options.learners' order
};

struct CeilingResult {
  std::vector<CeilingExperience> experiences;
  nn::WorkingPoint working_point;  // the frozen model's on the first experience
  std::string working_point_experience;
  double target_pu_acceptance = 0;
  size_t pretrain_rows = 0;
  std::vector<float> pretrain_loss;
  double data_seconds = 0, train_seconds = 0;
};

// Fixed-point scores of rows as the inference node computes them (inputs quantised to the
// model's input precision, BatchScorer), in a histogram of 2^-10 bins over [0, 1 + 2^-10)
// (exact for ap_fixed<16,6> scores), labels >= 0.5 positive; *correct (optional) gets the rows
// classified right at score 0.5.
nn::HistogramAuc fixed_score_histogram(const nn::FixedModel& model, const DataView& data,
                                       size_t* correct);

// The figures of one histogram at the target acceptance and at a fixed threshold bin.
CeilingScore ceiling_score(const nn::HistogramAuc& h, size_t correct, double pu_acceptance,
                           int fixed_bin);

// ROC AUC of the float model (from its logits) on rows.
double float_auc(const nn::FloatMlp& model, const DataView& data);

// The experiences the options name (groups, then positions); false with a reason.
bool ceiling_experiences(const CeilingOptions& options, std::vector<ExperienceSpec>* out,
                         std::string* error);

// The suite on given experiences (options.experience_groups and positions are not read): the
// data, the frozen model, every experience's ceiling and the learners, scored. Each model's
// seed depends on its experience's index in specs, so the results do not depend on the thread
// count. What run_ceiling_suite and compute_level_ceilings (level_ceiling.h) both run.
bool run_ceiling_levels(const std::vector<ExperienceSpec>& specs, const CeilingOptions& options,
                        CeilingResult* out, std::string* error);

// ceiling_experiences, then run_ceiling_levels.
bool run_ceiling_suite(const CeilingOptions& options, CeilingResult* out, std::string* error);

// One score as JSON (NaN as null), and back (null as NaN); false if a field is missing.
nlohmann::json ceiling_score_json(const CeilingScore& s);
bool ceiling_score_from_json(const nlohmann::json& j, CeilingScore* out);

// experiences[] = {name, group, frozen: {...}, <learner>: {..., recovered_fraction}, ceiling:
// {...}, n_primary, n_pileup, gap, gap_error, gap_significant, recovered_fraction: {<learner>:
// ...}, ...}, working_point and settings. NaN becomes null.
nlohmann::json ceiling_json(const CeilingOptions& options, const CeilingResult& result);
// Per experience: efficiencies +- errors of frozen, learners and ceiling, gap +- error and the
// recovered fractions, at the target acceptance and at the fixed working point; AUC and accuracy.
std::string ceiling_table(const CeilingResult& result);
// ceiling_efficiency.svg: frozen, learners' and ceiling PV-track efficiency per experience, at
// the target acceptance and at the fixed working point.
bool write_ceiling_plots(const CeilingResult& result, const std::string& dir,
                         std::vector<std::string>* files, std::string* error);

}  // namespace l1t::experiment
