#include "common/experiment/cl_metrics.h"

#include <algorithm>
#include <limits>

namespace l1t::experiment {

bool compute_cl_metrics(const AccuracyMatrix& acc, const std::vector<double>& initial,
                        ClMetrics* out, std::string* error) {
  const size_t t = acc.size();
  if (t == 0) {
    *error = "accuracy matrix is empty";
    return false;
  }
  for (size_t i = 0; i < t; ++i) {
    if (acc[i].size() != t) {
      *error = "accuracy matrix row " + std::to_string(i) + " has " +
               std::to_string(acc[i].size()) + " entries, expected " + std::to_string(t);
      return false;
    }
  }
  if (initial.size() != t) {
    *error = "initial accuracies have " + std::to_string(initial.size()) + " entries, expected " +
             std::to_string(t);
    return false;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const size_t last = t - 1;
  ClMetrics m;
  double sum = 0;
  for (size_t j = 0; j < t; ++j) sum += acc[last][j];
  m.average_accuracy = sum / static_cast<double>(t);
  if (t < 2) {
    m.forgetting = m.bwt = m.fwt = nan;
    *out = m;
    return true;
  }
  double forgetting = 0, bwt = 0, fwt = 0;
  for (size_t j = 0; j < last; ++j) {
    double best = acc[0][j];
    for (size_t i = 1; i < last; ++i) best = std::max(best, acc[i][j]);
    forgetting += best - acc[last][j];
    bwt += acc[last][j] - acc[j][j];
  }
  for (size_t j = 1; j < t; ++j) fwt += acc[j - 1][j] - initial[j];
  m.forgetting = forgetting / static_cast<double>(last);
  m.bwt = bwt / static_cast<double>(last);
  m.fwt = fwt / static_cast<double>(last);
  *out = m;
  return true;
}

}  // namespace l1t::experiment
