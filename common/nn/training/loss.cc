#include "common/nn/training/loss.h"

#include <cmath>

namespace l1t::nn {

double bce_with_logits(const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>& logits,
                       const float* y, const float* sample_weight, float pos_weight,
                       Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>* grad) {
  const Eigen::Index n = logits.rows();
  const Eigen::Index m = logits.cols();
  if (grad != nullptr) grad->resize(n, m);
  if (n == 0 || m == 0) return 0.0;
  const double p = pos_weight;
  const double scale = 1.0 / static_cast<double>(n * m);
  double total = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double w = sample_weight != nullptr ? sample_weight[i] : 1.0;
    for (Eigen::Index j = 0; j < m; ++j) {
      const double z = logits(i, j);
      const double t = y[i * m + j];
      // One exp serves softplus(z), softplus(-z) and sigmoid(z).
      const double e = std::exp(-std::fabs(z));
      const double log1pe = std::log1p(e);
      const double sp_pos = (z > 0 ? z : 0.0) + log1pe;   // softplus(z) = -log(1 - sigmoid(z))
      const double sp_neg = (z < 0 ? -z : 0.0) + log1pe;  // softplus(-z) = -log(sigmoid(z))
      total += w * (p * t * sp_neg + (1.0 - t) * sp_pos);
      if (grad != nullptr) {
        const double sig = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        (*grad)(i, j) = static_cast<float>(w * scale * ((1.0 - t) * sig - p * t * (1.0 - sig)));
      }
    }
  }
  return total * scale;
}

}  // namespace l1t::nn
