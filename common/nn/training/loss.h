// Binary cross-entropy computed from logits, stable for any logit magnitude.
#pragma once

#include <cmath>
#include <cstddef>

#include <Eigen/Core>

namespace l1t::nn {

// log(1 + exp(z)) without overflow or loss of precision for large |z|.
inline double softplus(double z) {
  return (z > 0 ? z : 0.0) + std::log1p(std::exp(-(z > 0 ? z : -z)));
}

// Mean over all n x m entries of logits (row = sample) of
//   w_i * [pos_weight * y * softplus(-z) + (1 - y) * softplus(z)],
// which is -w_i * [pos_weight * y * log(sigmoid(z)) + (1 - y) * log(1 - sigmoid(z))].
// y is row-major n x m; sample_weight is null (all ones) or n weights. If grad is non-null it
// receives dLoss/dlogits (resized to n x m). Returns the loss, accumulated in double.
double bce_with_logits(const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>& logits,
                       const float* y, const float* sample_weight, float pos_weight,
                       Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>* grad);

}  // namespace l1t::nn
