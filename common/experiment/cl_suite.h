// The continual-learning suite: pre-train on undegraded events, then every strategy x algorithm
// through the same experiences, runs in parallel (each run is independent and seeded, so the
// results do not depend on the thread count). Reports the accuracy matrices, stream accuracy,
// forgetting, BWT and FWT as JSON, a table and SVG plots.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/experiment/cl_run.h"
#include "common/experiment/experiences.h"
#include "common/experiment/pretrained_model.h"
#include "common/physics/event_generator.h"

namespace l1t::experiment {

struct ClSuiteOptions {
  std::vector<std::string> experience_groups = {"smear"};
  int events_per_experience = 1500;
  int test_events = 400;
  int pretrain_events = 1500;
  PretrainSettings pretrain;
  std::vector<std::string> algorithms;  // empty: default_algorithms()
  std::vector<std::string> strategies;  // empty: all of kStrategyNames
  ClRunConfig run;                      // batch, epochs, replay, EWC, LwF, learning rates
  int threads = 1;
  uint64_t seed = 1;
  physics::GeneratorConfig generator;
  // Called (from worker threads, serialised) with one line per finished step.
  std::function<void(const std::string&)> progress;
};

struct ClSuiteResult {
  std::vector<ExperienceSpec> experiences;
  std::vector<size_t> train_rows, test_rows;
  std::vector<double> initial_accuracy;  // b_j
  std::vector<float> pretrain_loss;
  size_t pretrain_rows = 0;
  std::vector<std::string> algorithms, strategies;                 // as run, in order
  std::map<std::string, std::map<std::string, ClRunResult>> runs;  // [strategy][algorithm]
  double data_seconds = 0, train_seconds = 0;
};

bool run_cl_suite(const ClSuiteOptions& options, ClSuiteResult* out, std::string* error);

// strategies.<name>.<algorithm> = {acc_matrix, stream_accuracy, forgetting, bwt, fwt, ...}, plus
// the experiences, b_j and the settings. NaN becomes null.
nlohmann::json cl_suite_json(const ClSuiteOptions& options, const ClSuiteResult& result);
// One line per strategy x algorithm, then accuracy after each experience per strategy.
std::string cl_suite_table(const ClSuiteResult& result);
// Per algorithm: cl_<alg>_accuracy.svg (accuracy on the current experience after training on it,
// one line per strategy) and cl_<alg>_final.svg (the last model on every experience).
bool write_cl_plots(const ClSuiteResult& result, const std::string& dir,
                    std::vector<std::string>* files, std::string* error);

}  // namespace l1t::experiment
