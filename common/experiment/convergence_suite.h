// The convergence suite: SGD, Adam and AM-Adam trained offline from one seeded start on the same
// undegraded tracks, in the same shuffled order; training loss per epoch (mean of the loss each
// batch had before its step), and test loss and accuracy after every epoch.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/experiment/algorithm_settings.h"
#include "common/experiment/clock.h"
#include "common/nn/training/float_mlp.h"
#include "common/physics/event_generator.h"

namespace l1t::experiment {

struct ConvergenceOptions {
  std::vector<std::string> algorithms;  // empty: default_algorithms()
  AlgorithmSettings settings;
  int train_events = 1000;
  int test_events = 400;
  int epochs = 15;
  size_t batch = 50;
  std::vector<int> sizes = {nn::kNumFeatures, 25, 30, 1};
  uint64_t seed = 1;
  int threads = 1;  // algorithms in parallel
  physics::GeneratorConfig generator;
  SecondsClock clock = steady_seconds;
  std::function<void(const std::string&)> progress;
};

struct ConvergenceCurve {
  std::vector<double> train_loss, test_loss, test_accuracy;  // one per epoch
  double initial_test_loss = 0, initial_test_accuracy = 0;
  double seconds = 0;
};

struct ConvergenceResult {
  size_t train_rows = 0, test_rows = 0;
  std::vector<std::string> algorithms;
  std::map<std::string, ConvergenceCurve> curves;
};

bool run_convergence_suite(const ConvergenceOptions& options, ConvergenceResult* out,
                           std::string* error);
nlohmann::json convergence_json(const ConvergenceOptions& options, const ConvergenceResult& r);
std::string convergence_table(const ConvergenceResult& r);
// convergence_loss.svg (train solid, test dashed) and convergence_accuracy.svg.
bool write_convergence_plots(const ConvergenceResult& r, const std::string& dir,
                             std::vector<std::string>* files, std::string* error);

}  // namespace l1t::experiment
