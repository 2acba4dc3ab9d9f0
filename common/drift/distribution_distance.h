// How far a recent window of one input has moved from a reference sample, by the three
// statistics Evidently reports for numerical features, with its default thresholds:
//   Wasserstein-1 distance divided by the reference's standard deviation (drift at >= 0.1);
//   the population stability index over Sturges bins of both samples together, empty bins at
//   1e-4 (drift at >= 0.1);
//   the two-sample Kolmogorov-Smirnov statistic and its asymptotic p-value (drift at < 0.05).
// Pure functions of two samples, O(n log n): callers keep bounded windows and compute these
// when they report, not per value.
#pragma once

#include <cstddef>
#include <vector>

namespace l1t::drift {

struct Distances {
  double wasserstein_normed = 0;
  double psi = 0;
  double ks_statistic = 0;
  double ks_p_value = 1;
};

inline constexpr double kWassersteinThreshold = 0.1;
inline constexpr double kPsiThreshold = 0.1;
inline constexpr double kKsPValueThreshold = 0.05;

// The Wasserstein-1 (earth mover's) distance between the two empirical distributions.
double wasserstein1(std::vector<double> a, std::vector<double> b);
// Population stability index of current against reference.
double psi(const std::vector<double>& reference, const std::vector<double>& current);
// sup |F_reference - F_current|, and its p-value (Kolmogorov's limit with Stephens's small-sample
// correction, as Numerical Recipes' kstwo).
double ks_statistic(std::vector<double> a, std::vector<double> b);
double ks_p_value(double statistic, size_t n_a, size_t n_b);

// All of them; non-finite values are left out, and an empty sample gives zero distances.
Distances distances(const std::vector<double>& reference, const std::vector<double>& current);

}  // namespace l1t::drift
