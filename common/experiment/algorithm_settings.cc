#include "common/experiment/algorithm_settings.h"

#include <charconv>
#include <cmath>

namespace l1t::experiment {

const std::vector<std::string>& default_algorithms() {
  static const std::vector<std::string> names = {"sgd", "adam", "am-adam"};
  return names;
}

float learning_rate_for(const std::string& algorithm, const AlgorithmSettings& settings) {
  const auto it = settings.learning_rates.find(algorithm);
  if (it != settings.learning_rates.end()) return it->second;
  if (algorithm == "sgd") return 0.01f;
  if (algorithm == "am-adam") return 0.008f;
  return 0.001f;
}

bool parse_learning_rates(const std::vector<std::string>& entries, AlgorithmSettings* settings,
                          std::string* error) {
  for (const auto& e : entries) {
    const size_t eq = e.find('=');
    float v = 0;
    const char* begin = eq == std::string::npos ? nullptr : e.data() + eq + 1;
    const char* end = e.data() + e.size();
    if (eq == std::string::npos || eq == 0 || std::from_chars(begin, end, v).ptr != end ||
        !(v > 0) || !std::isfinite(v)) {
      *error =
          "bad learning rate '" + e + "': expected ALGORITHM=VALUE with VALUE > 0, e.g. adam=0.001";
      return false;
    }
    settings->learning_rates[e.substr(0, eq)] = v;
  }
  return true;
}

std::unique_ptr<nn::Algorithm> make_study_algorithm(const std::string& name,
                                                    const AlgorithmSettings& settings,
                                                    std::string* error) {
  nn::AlgorithmConfig c;
  c.name = name;
  c.learning_rate = learning_rate_for(name, settings);
  c.lr_weights = c.learning_rate;  // am-adam's weight step; its code step keeps its default
  c.sgd_momentum = settings.sgd_momentum;
  return nn::make_algorithm(c, error);
}

bool check_algorithms(const std::vector<std::string>& names, const AlgorithmSettings& settings,
                      std::string* error) {
  if (names.empty()) {
    *error = "no algorithm to run (known: " + nn::algorithm_names() + ")";
    return false;
  }
  for (const auto& n : names) {
    if (!make_study_algorithm(n, settings, error)) return false;
  }
  for (const auto& [name, lr] : settings.learning_rates) {
    if (!make_study_algorithm(name, settings, error)) {
      *error = "learning rate given for " + *error;
      return false;
    }
  }
  return true;
}

}  // namespace l1t::experiment
