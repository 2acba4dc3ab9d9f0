// The command line of l1t-experiment: one flag set for the three suites and the data export,
// with --quick giving small defaults that any explicit flag still overrides.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "common/experiment/ceiling_suite.h"
#include "common/experiment/cl_suite.h"
#include "common/experiment/convergence_suite.h"
#include "common/experiment/data_export.h"
#include "common/experiment/speed_suite.h"

namespace l1t::experiment_tool {

struct CommandLine {
  std::string suite;  // convergence | speed | cl | ceiling
  std::string json;
  std::string plot_dir;
  std::string export_dir;
  bool quick = false;
  uint64_t seed = 1;
  std::string algorithms;  // comma list; empty: all
  std::string strategies;  // comma list; empty: all
  std::string experiences = "smear";
  std::string batches;  // comma list for speed
  std::vector<std::string> learning_rates;
  int threads = 0;  // 0: all hardware threads
  int epochs = 0;   // 0: the suite's default
  size_t batch = 0;
  int events_per_experience = 0, test_events = 0, pretrain_events = 0, pretrain_epochs = 0;
  int train_events = 0;
  size_t replay_capacity = 20000;
  float replay_fraction = 0.5f;
  float ewc_lambda = 100.0f, ewc_gamma = 0.9f;
  float lwf_temperature = 2.0f, lwf_weight = 1.0f;
  double seconds_per_point = 0;
  int repeats = 1;
  double pu_acceptance = 0.10;  // ceiling: target pile-up acceptance of the working point
  std::string positions;        // ceiling: comma list of experience positions; empty: all
  int ceiling_candidates = 1;   // ceiling: from-scratch models per experience, best kept
  // The physics of the generated data: a scenario file's `physics:` and `emulator:` beam keys
  // (config::generator_config), with --set overrides; neither: the built-in values, which are
  // configs/default.yaml's.
  std::string config;
  std::vector<std::string> overrides;
};

void add_options(CLI::App& app, CommandLine* cl);

// Each builder fills the suite's options from the command line (sizes: explicit flag, else
// --quick's, else the suite's default); false with a message naming the bad flag.
bool cl_options(const CommandLine& cl, experiment::ClSuiteOptions* o, std::string* error);
bool ceiling_options(const CommandLine& cl, experiment::CeilingOptions* o, std::string* error);
bool convergence_options(const CommandLine& cl, experiment::ConvergenceOptions* o,
                         std::string* error);
bool speed_options(const CommandLine& cl, experiment::SpeedOptions* o, std::string* error);
bool export_options(const CommandLine& cl, experiment::ExportOptions* o, std::string* error);
// The generator configuration --config and --set describe; false with the config's message.
bool generator_options(const CommandLine& cl, physics::GeneratorConfig* g, std::string* error);

}  // namespace l1t::experiment_tool
