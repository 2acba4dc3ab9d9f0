// Which algorithms a study runs and with what learning rates: the defaults are each
// algorithm's usual one (SGD 0.01 with momentum 0.9, Adam 0.001, AM-Adam the reference's 0.008
// weight step; its code step and mu keep the reference's), overridable per algorithm
// ("adam=0.003").
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/nn/training/algorithm.h"

namespace l1t::experiment {

// The algorithms a suite runs by default, in report order.
const std::vector<std::string>& default_algorithms();

struct AlgorithmSettings {
  std::map<std::string, float> learning_rates;  // overrides, by algorithm name
  float sgd_momentum = 0.9f;
};

float learning_rate_for(const std::string& algorithm, const AlgorithmSettings& settings);

// Parses "name=value" overrides; false with a reason naming the bad entry.
bool parse_learning_rates(const std::vector<std::string>& entries, AlgorithmSettings* settings,
                          std::string* error);

// nn::make_algorithm with these settings; null with *error for an unknown name.
std::unique_ptr<nn::Algorithm> make_study_algorithm(const std::string& name,
                                                    const AlgorithmSettings& settings,
                                                    std::string* error);

// True if every name makes an algorithm (so a suite fails before it starts, not half-way).
bool check_algorithms(const std::vector<std::string>& names, const AlgorithmSettings& settings,
                      std::string* error);

}  // namespace l1t::experiment
