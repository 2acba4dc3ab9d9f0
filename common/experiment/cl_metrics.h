// Continual-learning metrics from an accuracy matrix, with Avalanche's (and Chaudhry et al.,
// Lopez-Paz & Ranzato's) definitions. acc[i][j] is the accuracy on experience j's test set
// after training on experience i; T experiences; b[j] the initial model's accuracy on j.
//
//   average accuracy = mean over j of acc[T-1][j]
//   forgetting       = mean over j < T-1 of ( max over i < T-1 of acc[i][j] - acc[T-1][j] )
//   BWT              = mean over j < T-1 of ( acc[T-1][j] - acc[j][j] )
//   FWT              = mean over j >= 1  of ( acc[j-1][j] - b[j] )
//
// Forgetting and BWT need at least two experiences, FWT too: with one they are NaN.
#pragma once

#include <string>
#include <vector>

namespace l1t::experiment {

using AccuracyMatrix = std::vector<std::vector<double>>;

struct ClMetrics {
  double average_accuracy = 0;
  double forgetting = 0;
  double bwt = 0;
  double fwt = 0;
};

// False, with a reason, unless acc is square (T >= 1) and initial has T entries.
bool compute_cl_metrics(const AccuracyMatrix& acc, const std::vector<double>& initial,
                        ClMetrics* out, std::string* error);

}  // namespace l1t::experiment
