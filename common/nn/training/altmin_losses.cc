#include "common/nn/training/altmin_losses.h"

#include <algorithm>

#include "common/nn/training/loss.h"

namespace l1t::nn {
namespace {

// relu(c) W + b: the forward pass's own when given (then c is c0), else computed into s->out.
const Matrix& next_layer_output(const DenseLayer& next, const Matrix& c, const Matrix* at_c0,
                                CodeScratch* s) {
  if (at_c0 != nullptr) return *at_c0;
  s->act = c.cwiseMax(0.0f);
  s->out.resize(c.rows(), next.n_out());
  s->out.noalias() = s->act * next.w;
  s->out.rowwise() += next.b;
  return s->out;
}

// mean((c - c0)^2) and, into grad, its gradient added to s->dout pulled back through the next
// layer and ReLU (scaled). Both terms of the pull vanish at c0.
double proximity_and_gradient(const DenseLayer& next, const Matrix& c, const Matrix& c0,
                              float dout_scale, bool at_c0, Matrix* grad, CodeScratch* s) {
  const double count = static_cast<double>(c.size());
  if (grad != nullptr) {
    grad->resize(c.rows(), c.cols());
    grad->noalias() = s->dout * next.w.transpose();
    // ReLU passes the gradient only where the code was positive (as FloatMlp's backward).
    grad->array() *= dout_scale * (c.array() > 0.0f).cast<float>();
    if (!at_c0) grad->array() += static_cast<float>(2.0 / count) * (c - c0).array();
  }
  return at_c0 || count == 0 ? 0.0 : static_cast<double>((c - c0).squaredNorm()) / count;
}

}  // namespace

double output_code_objective(const DenseLayer& out, const Matrix& c, const Matrix& c0,
                             const float* y, const LossOptions& loss, float mu, Matrix* grad,
                             CodeScratch* scratch, const Matrix* out_at_c0) {
  if (c.rows() == 0) return 0.0;
  const Matrix& logits = next_layer_output(out, c, out_at_c0, scratch);
  const double task = bce_with_logits(logits, y, nullptr, loss.pos_weight,
                                      grad != nullptr ? &scratch->dout : nullptr);
  const double prox =
      proximity_and_gradient(out, c, c0, 1.0f / mu, out_at_c0 != nullptr, grad, scratch);
  return task / mu + prox;
}

double hidden_code_objective(const DenseLayer& next, const Matrix& c, const Matrix& c0,
                             const Matrix& target, Matrix* grad, CodeScratch* scratch,
                             const Matrix* out_at_c0) {
  if (c.rows() == 0) return 0.0;
  const Matrix& output = next_layer_output(next, c, out_at_c0, scratch);
  const double count = static_cast<double>(output.size());
  scratch->dout = output - target;
  const double fit = static_cast<double>(scratch->dout.squaredNorm()) / count;
  scratch->dout *= static_cast<float>(2.0 / count);
  const double prox =
      proximity_and_gradient(next, c, c0, 1.0f, out_at_c0 != nullptr, grad, scratch);
  return fit + prox;
}

double output_code_lipschitz(const DenseLayer& out, size_t n, float mu, const LossOptions& loss) {
  const double rows = static_cast<double>(std::max<size_t>(n, 1));
  const double curvature = std::max(1.0, static_cast<double>(loss.pos_weight)) / 4.0;
  return curvature * out.w.squaredNorm() / (mu * rows * out.n_out()) + 2.0 / (rows * out.n_in());
}

double hidden_code_lipschitz(const DenseLayer& next, size_t n, int k) {
  const double rows = static_cast<double>(std::max<size_t>(n, 1));
  return 2.0 * next.w.squaredNorm() / (rows * next.n_out()) + 2.0 / (rows * std::max(k, 1));
}

double regression_loss_and_gradients(const DenseLayer& layer, const Matrix& in,
                                     const Matrix& target, Matrix* dw, RowVector* db,
                                     Matrix* pred) {
  if (in.rows() == 0) {
    dw->setZero(layer.n_in(), layer.n_out());
    db->setZero(layer.n_out());
    return 0.0;
  }
  pred->resize(in.rows(), layer.n_out());
  pred->noalias() = in * layer.w;
  pred->rowwise() += layer.b;
  *pred -= target;
  const double count = static_cast<double>(pred->size());
  const double loss = static_cast<double>(pred->squaredNorm()) / count;
  *pred *= static_cast<float>(2.0 / count);  // now dLoss/dpred
  dw->resize(layer.n_in(), layer.n_out());
  dw->noalias() = in.transpose() * *pred;
  db->resize(layer.n_out());
  db->noalias() = pred->colwise().sum();
  return loss;
}

double output_loss_and_gradients(const DenseLayer& layer, const Matrix& in, const float* y,
                                 const LossOptions& loss, Matrix* dw, RowVector* db, Matrix* logits,
                                 Matrix* dlogits) {
  logits->resize(in.rows(), layer.n_out());
  logits->noalias() = in * layer.w;
  logits->rowwise() += layer.b;
  const double value = bce_with_logits(*logits, y, nullptr, loss.pos_weight, dlogits);
  dw->resize(layer.n_in(), layer.n_out());
  dw->noalias() = in.transpose() * *dlogits;
  db->resize(layer.n_out());
  db->noalias() = dlogits->colwise().sum();
  return value;
}

}  // namespace l1t::nn
