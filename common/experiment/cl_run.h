// One continual-learning run: a strategy with an algorithm, from the pre-trained model through
// every experience in order. After each experience the model is scored on every experience's
// test set (a row of the accuracy matrix); while streaming, each batch is scored before it is
// trained on (prequential "stream accuracy").
//
// Strategies:
//   none    the pre-trained model, frozen
//   naive   top-up training on the new stream only
//   replay  a reservoir memory of everything seen, mixed into every batch
//   ewc     online EWC; the first Fisher estimate comes from the pre-training data
//   lwf     distillation from the model in service (refreshed after each experience)
//   joint   all experiences so far, shuffled, every experience (the upper bound; offline only)
// The model counts as published (EWC consolidates, LwF's teacher is refreshed) at the end of
// each experience.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/experiment/algorithm_settings.h"
#include "common/experiment/cl_metrics.h"
#include "common/experiment/clock.h"
#include "common/experiment/data_view.h"
#include "common/experiment/experiences.h"
#include "common/nn/continual/ewc.h"
#include "common/nn/continual/lwf.h"
#include "common/nn/training/float_mlp.h"

namespace l1t::experiment {

inline constexpr std::array<std::string_view, 6> kStrategyNames = {"none", "naive", "replay",
                                                                   "ewc",  "lwf",   "joint"};
// "none, naive, replay, ewc, lwf, joint": for error messages.
std::string strategy_names();
bool is_strategy(std::string_view name);

struct ClRunConfig {
  std::string strategy = "replay";
  std::string algorithm = "adam";
  AlgorithmSettings algorithms;
  size_t batch = 64;  // rows per step, fresh plus replayed
  int epochs = 1;     // passes over each experience's stream (prequential scores the first)
  size_t replay_capacity = 20000;
  float replay_fraction = 0.5f;  // of each batch, drawn from the memory
  nn::EwcConfig ewc;
  nn::LwfConfig lwf;
  size_t fisher_rows = 20000;  // pre-training rows for EWC's first Fisher estimate
  uint64_t seed = 1;           // the run's own streams derive from it
  SecondsClock clock = steady_seconds;
};

struct ClRunResult {
  AccuracyMatrix acc;                                  // T x T
  std::vector<double> stream_accuracy_per_experience;  // prequential, per experience
  double stream_accuracy = 0;                          // prequential over the whole stream
  uint64_t stream_rows = 0;
  ClMetrics metrics;
  uint64_t steps = 0;  // algorithm steps taken
  double seconds = 0;  // wall time of the run
};

struct ClInputs {
  const nn::FloatMlp* initial = nullptr;  // the pre-trained model
  const std::vector<ExperienceData>* experiences = nullptr;
  DataView pretrain;                     // the pre-training rows (for EWC)
  std::vector<double> initial_accuracy;  // b_j: the initial model on each test set
  // Optional: called with each experience's index and the model at its end (after training on
  // it, as scored in that row of the accuracy matrix), from the run's thread.
  std::function<void(size_t experience, const nn::FloatMlp& model)> after_experience;
};

// False with a reason (unknown strategy or algorithm, missing inputs); never throws.
bool run_cl(const ClInputs& in, const ClRunConfig& config, ClRunResult* out, std::string* error);

}  // namespace l1t::experiment
