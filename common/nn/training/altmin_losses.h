// The local objectives of online alternating minimisation (am_adam.h, after Choromanska et al.
// 2019, "Beyond Backprop"): the codes (each hidden layer's pre-activations) and each layer's
// weights are fitted to their own small losses, so the layers decouple. Every loss is a mean over
// the batch, as in the reference implementation (PyTorch's default reductions), and every
// function writes into caller-owned matrices, so nothing allocates once they are sized.
#pragma once

#include <cstddef>

#include "common/nn/training/float_mlp.h"

namespace l1t::nn {

// Scratch for the code objectives (sized on first use for a batch size).
struct CodeScratch {
  Matrix act;   // relu(codes)
  Matrix out;   // the next layer's output
  Matrix dout;  // dObjective/dout
};

// The last hidden layer's codes c (n x k) against the task through the output block `out`:
//   F(c) = (1/mu) * BCE(relu(c) W + b, y) + mean((c - c0)^2),
// BCE as bce_with_logits (mean over n x m, pos_weight from loss), the square mean over n x k.
// c0 are the forward pass's codes. If grad is non-null it receives dF/dc (n x k).
// out_at_c0: for a call with c == c0 (a first code step), the forward pass's own output of the
// next layer (here the logits), which saves recomputing it; null otherwise.
double output_code_objective(const DenseLayer& out, const Matrix& c, const Matrix& c0,
                             const float* y, const LossOptions& loss, float mu, Matrix* grad,
                             CodeScratch* scratch, const Matrix* out_at_c0 = nullptr);

// A lower hidden layer's codes c (n x k) against the next layer's (already updated) codes:
//   F(c) = mean((relu(c) W + b - target)^2) + mean((c - c0)^2),
// W, b those of `next`, the first mean over n x k_next. This is the reference's
// (1/mu) * mu * MSE + MSE: mu cancels for hidden codes.
double hidden_code_objective(const DenseLayer& next, const Matrix& c, const Matrix& c0,
                             const Matrix& target, Matrix* grad, CodeScratch* scratch,
                             const Matrix* out_at_c0 = nullptr);

// Upper bounds on the Lipschitz constant of the gradient of these objectives with respect to
// one row of codes (rows are independent: each sample has its own codes), for a batch of n:
// (max(pos_weight, 1) / 4) |W|_F^2 / (mu n m) + 2 / (n k) for the output block (the logistic
// loss's curvature is at most 1/4), and 2 |W|_F^2 / (n k_next) + 2 / (n k) for a hidden layer
// (|W|_F bounds the spectral norm, ReLU's mask only removes rows). A gradient step no longer
// than 1/L cannot increase the objective on a piece where the ReLU pattern holds (descent lemma).
double output_code_lipschitz(const DenseLayer& out, size_t n, float mu, const LossOptions& loss);
double hidden_code_lipschitz(const DenseLayer& next, size_t n, int k);

// A hidden layer's weight loss: mean over n x k of (in W + b - target)^2, with its gradients
// with respect to W and b in *dw, *db. pred is scratch (n x k).
double regression_loss_and_gradients(const DenseLayer& layer, const Matrix& in,
                                     const Matrix& target, Matrix* dw, RowVector* db, Matrix* pred);

// The output block's weight loss: BCE(in W + b, y) as bce_with_logits, with its gradients.
// logits and dlogits are scratch (n x m).
double output_loss_and_gradients(const DenseLayer& layer, const Matrix& in, const float* y,
                                 const LossOptions& loss, Matrix* dw, RowVector* db, Matrix* logits,
                                 Matrix* dlogits);

}  // namespace l1t::nn
