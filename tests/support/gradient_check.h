// Checks an analytic gradient against central differences of a loss, for strategy penalties.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "common/nn/training/float_mlp.h"

namespace l1t::nn::testing {

// Compares analytic[k] with the central difference of full_loss at parameters p (of model m on
// the n rows x), skipping steps that flip a hidden ReLU on some row (the loss has a kink there).
// At least 90 % of the parameters must be checked, so the test cannot pass by skipping.
inline void expect_matches_central_differences(
    const FloatMlp& m, const float* x, size_t n, const std::vector<float>& p,
    const std::vector<float>& analytic,
    const std::function<double(const std::vector<float>&)>& full_loss) {
  auto relu_pattern = [&](const std::vector<float>& q) {
    FloatMlp probe = m;
    probe.set_parameters(q.data());
    Workspace w;
    probe.forward(x, n, &w);
    std::vector<bool> on;
    for (int l = 0; l + 1 < probe.num_layers(); ++l) {
      for (Eigen::Index i = 0; i < w.z[l].size(); ++i) on.push_back(w.z[l](i) > 0.0f);
    }
    return on;
  };
  const float eps = 2e-4f;
  size_t checked = 0;
  for (size_t k = 0; k < p.size(); ++k) {
    std::vector<float> plus = p, minus = p;
    plus[k] += eps;
    minus[k] -= eps;
    if (relu_pattern(plus) != relu_pattern(minus)) continue;
    const double numeric =
        (full_loss(plus) - full_loss(minus)) / (static_cast<double>(plus[k]) - minus[k]);
    EXPECT_NEAR(analytic[k], numeric, 1e-3 + 1e-2 * std::fabs(numeric)) << "parameter " << k;
    ++checked;
  }
  EXPECT_GE(checked, p.size() * 9 / 10);
}

}  // namespace l1t::nn::testing
