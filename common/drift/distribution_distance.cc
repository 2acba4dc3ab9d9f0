#include "common/drift/distribution_distance.h"

#include <algorithm>
#include <cmath>

namespace l1t::drift {

namespace {

std::vector<double> finite(const std::vector<double>& v) {
  std::vector<double> out;
  out.reserve(v.size());
  for (double x : v) {
    if (std::isfinite(x)) out.push_back(x);
  }
  return out;
}

double population_std(const std::vector<double>& v) {
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / static_cast<double>(v.size()));
}

}  // namespace

double wasserstein1(std::vector<double> a, std::vector<double> b) {
  if (a.empty() || b.empty()) return 0;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  // The integral of |F_a - F_b| over the merged support.
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  size_t i = 0, j = 0;
  double x = std::min(a[0], b[0]), sum = 0;
  while (i < a.size() || j < b.size()) {
    const double next = j == b.size() || (i < a.size() && a[i] <= b[j]) ? a[i] : b[j];
    sum += std::fabs(static_cast<double>(i) / na - static_cast<double>(j) / nb) * (next - x);
    x = next;
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
  }
  return sum;
}

double psi(const std::vector<double>& reference, const std::vector<double>& current) {
  if (reference.empty() || current.empty()) return 0;
  const auto [rlo, rhi] = std::minmax_element(reference.begin(), reference.end());
  const auto [clo, chi] = std::minmax_element(current.begin(), current.end());
  const double lo = std::min(*rlo, *clo), hi = std::max(*rhi, *chi);
  // Sturges's rule on both samples together, as numpy's histogram_bin_edges(..., "sturges").
  const size_t bins = static_cast<size_t>(
      std::ceil(std::log2(static_cast<double>(reference.size() + current.size())) + 1));
  if (!(hi > lo)) return 0;
  auto shares = [&](const std::vector<double>& v) {
    std::vector<double> s(bins, 0);
    for (double x : v) {
      const size_t k = std::min(bins - 1, static_cast<size_t>((x - lo) / (hi - lo) * bins));
      s[k] += 1;
    }
    for (double& f : s) f = std::max(f / static_cast<double>(v.size()), 1e-4);
    return s;
  };
  const auto r = shares(reference), c = shares(current);
  double sum = 0;
  for (size_t k = 0; k < bins; ++k) sum += (c[k] - r[k]) * std::log(c[k] / r[k]);
  return sum;
}

double ks_statistic(std::vector<double> a, std::vector<double> b) {
  if (a.empty() || b.empty()) return 0;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / na - static_cast<double>(j) / nb));
  }
  return d;
}

double ks_p_value(double statistic, size_t n_a, size_t n_b) {
  if (n_a == 0 || n_b == 0) return 1;
  const double ne =
      static_cast<double>(n_a) * static_cast<double>(n_b) / static_cast<double>(n_a + n_b);
  const double lambda = (std::sqrt(ne) + 0.12 + 0.11 / std::sqrt(ne)) * statistic;
  if (lambda < 0.2) return 1;  // the series converges slowly there, and the value is ~1
  double sum = 0, sign = 1;
  for (int k = 1; k <= 100; ++k) {
    const double term = sign * std::exp(-2.0 * k * k * lambda * lambda);
    sum += term;
    if (std::fabs(term) < 1e-12) break;
    sign = -sign;
  }
  return std::clamp(2 * sum, 0.0, 1.0);
}

Distances distances(const std::vector<double>& reference, const std::vector<double>& current) {
  const std::vector<double> r = finite(reference), c = finite(current);
  Distances d;
  if (r.empty() || c.empty()) return d;
  const double spread = population_std(r);
  const double w1 = wasserstein1(r, c);
  // A constant reference has no spread: any move is infinitely far, none is zero.
  d.wasserstein_normed = spread > 0 ? w1 / spread : (w1 > 0 ? INFINITY : 0);
  d.psi = psi(r, c);
  d.ks_statistic = ks_statistic(r, c);
  d.ks_p_value = ks_p_value(d.ks_statistic, r.size(), c.size());
  return d;
}

}  // namespace l1t::drift
