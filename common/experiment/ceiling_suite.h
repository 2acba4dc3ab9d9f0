// The ceiling suite: how much of the detector's damage a perfect learner could win back. Per
// experience, on its held-out (paired) test set, the frozen deployed model (pre-trained on
// undegraded events, as the cl suite makes it) against a model of the same architecture trained
// from scratch on that experience's training set with the same recipe (PretrainSettings: Adam,
// epochs, lr, batch; seeded start, its own seed). Both are quantised to the model precision and
// scored in fixed point, as deployed. Figures: PV-track efficiency at a target pile-up
// acceptance (re-tuned per experience), efficiency and pile-up acceptance at the frozen model's
// working point fixed on the first experience (undegraded) as a deployed trigger holds it, ROC
// AUC and accuracy at 0.5, with binomial errors so a reader can judge ceiling - frozen.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

bool run_ceiling_suite(const CeilingOptions& options, CeilingResult* out, std::string* error);

// experiences[] = {name, group, frozen: {...}, ceiling: {...}, n_primary, n_pileup, gap,
// gap_error, ...}, working_point and settings. NaN becomes null.
nlohmann::json ceiling_json(const CeilingOptions& options, const CeilingResult& result);
// One line per experience: efficiencies, gap +- error, AUC and accuracy of both.
std::string ceiling_table(const CeilingResult& result);
// ceiling_efficiency.svg: frozen and ceiling PV-track efficiency per experience, at the target
// acceptance and at the fixed working point.
bool write_ceiling_plots(const CeilingResult& result, const std::string& dir,
                         std::vector<std::string>* files, std::string* error);

}  // namespace l1t::experiment
