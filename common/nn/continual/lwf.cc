#include "common/nn/continual/lwf.h"

#include <cmath>

#include "common/nn/training/loss.h"

namespace l1t::nn {

Lwf::Lwf(const FloatMlp& teacher, const LwfConfig& config) : config_(config), teacher_(teacher) {}

double Lwf::distill(const Matrix& student, const Matrix& teacher, Matrix* grad) const {
  const Eigen::Index n = student.rows();
  const Eigen::Index m = student.cols();
  if (grad != nullptr) grad->resize(n, m);
  if (n == 0 || m == 0) return 0.0;
  const double t = config_.temperature;
  const double scale = config_.weight * t * t / static_cast<double>(n * m);
  double total = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < m; ++j) {
      const double s = student(i, j) / t;
      const double zt = teacher(i, j) / t;
      const double q = zt >= 0 ? 1.0 / (1.0 + std::exp(-zt)) : std::exp(zt) / (1.0 + std::exp(zt));
      // q * -log(sigmoid(s)) + (1 - q) * -log(1 - sigmoid(s)), stable for any s.
      total += q * softplus(-s) + (1.0 - q) * softplus(s);
      if (grad != nullptr) {
        const double sig = s >= 0 ? 1.0 / (1.0 + std::exp(-s)) : std::exp(s) / (1.0 + std::exp(s));
        // d/dz of the BCE at s = z / T carries a 1/T.
        (*grad)(i, j) = static_cast<float>(scale * (sig - q) / t);
      }
    }
  }
  return total * scale;
}

double Lwf::distillation_loss(const FloatMlp& student, const float* x, size_t n) const {
  Workspace s, t;
  student.forward(x, n, &s);
  teacher_.forward(x, n, &t);
  return distill(s.logits(), t.logits(), nullptr);
}

void Lwf::add_penalty_gradients(const FloatMlp& model, const float* x, const float* /*y*/, size_t n,
                                Gradients* grads, double* loss) {
  if (n == 0 || config_.weight == 0.0f) return;
  model.forward(x, n, &student_ws_);
  teacher_.forward(x, n, &teacher_ws_);
  const int num = model.num_layers();
  Workspace& ws = student_ws_;
  ws.delta.resize(num);
  *loss += distill(ws.logits(), teacher_ws_.logits(), &ws.delta.back());
  // Backpropagation as in FloatMlp::loss_and_gradients, accumulating into the data gradients.
  const Eigen::Map<const RowMatrix> input(x, static_cast<Eigen::Index>(n), model.n_inputs());
  for (int l = num - 1; l >= 0; --l) {
    const Matrix& delta = ws.delta[l];
    if (l == 0) {
      grads->dw[l].noalias() += input.transpose() * delta;
    } else {
      grads->dw[l].noalias() += ws.a[l - 1].transpose() * delta;
    }
    grads->db[l] += delta.colwise().sum();
    if (l > 0) {
      Matrix& prev = ws.delta[l - 1];
      prev.noalias() = delta * model.layer(l).w.transpose();
      prev.array() *= (ws.z[l - 1].array() > 0.0f).cast<float>();
    }
  }
}

void Lwf::on_published(const FloatMlp& model) {
  if (!config_.refresh_on_publish) return;
  teacher_ = model;  // same shapes: the layers' storage is reused
  ++refreshes_;
}

}  // namespace l1t::nn
