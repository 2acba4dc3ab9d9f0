#include "common/nn/training/float_mlp.h"

#include <cmath>
#include <utility>

#include "common/nn/training/loss.h"

namespace l1t::nn {

void Gradients::set_zero() {
  for (auto& w : dw) w.setZero();
  for (auto& b : db) b.setZero();
}

FloatMlp::FloatMlp(std::vector<int> sizes) : sizes_(std::move(sizes)) {
  for (size_t l = 0; l + 1 < sizes_.size(); ++l) {
    DenseLayer layer;
    layer.w = Matrix::Zero(sizes_[l], sizes_[l + 1]);
    layer.b = RowVector::Zero(sizes_[l + 1]);
    layers_.push_back(std::move(layer));
  }
}

FloatMlp::FloatMlp(std::vector<int> sizes, uint64_t seed) : FloatMlp(std::move(sizes)) {
  std::mt19937_64 rng(seed);
  init(rng);
}

void FloatMlp::init(std::mt19937_64& rng) {
  for (int l = 0; l < num_layers(); ++l) {
    DenseLayer& layer = layers_[l];
    const double fan_in = layer.n_in();
    const double fan_out = layer.n_out();
    const bool output_layer = l + 1 == num_layers();
    // He keeps ReLU activations' variance constant; the sigmoid output follows Keras' Glorot.
    const double limit =
        output_layer ? std::sqrt(6.0 / (fan_in + fan_out)) : std::sqrt(6.0 / fan_in);
    std::uniform_real_distribution<float> dist(static_cast<float>(-limit),
                                               static_cast<float>(limit));
    // Fill in Keras kernel order so a seed gives the same weights whatever Eigen's storage order.
    for (int i = 0; i < layer.n_in(); ++i)
      for (int j = 0; j < layer.n_out(); ++j) layer.w(i, j) = dist(rng);
    layer.b.setZero();
  }
}

void FloatMlp::forward(const float* x, size_t n, Workspace* ws) const {
  const int num = num_layers();
  ws->z.resize(num);
  ws->a.resize(num);
  const Eigen::Map<const RowMatrix> input(x, static_cast<Eigen::Index>(n), n_inputs());
  for (int l = 0; l < num; ++l) {
    const DenseLayer& layer = layers_[l];
    Matrix& z = ws->z[l];
    z.resize(static_cast<Eigen::Index>(n), layer.n_out());  // no-op when the size is unchanged
    if (l == 0) {
      z.noalias() = input * layer.w;
    } else {
      z.noalias() = ws->a[l - 1] * layer.w;
    }
    z.rowwise() += layer.b;
    if (l + 1 < num) ws->a[l] = z.cwiseMax(0.0f);
  }
}

double FloatMlp::loss_and_gradients(const float* x, const float* y, const float* sample_weight,
                                    size_t n, const LossOptions& options, Gradients* grads,
                                    Workspace* ws) const {
  forward(x, n, ws);
  const int num = num_layers();
  ws->delta.resize(num);
  const double loss =
      bce_with_logits(ws->logits(), y, sample_weight, options.pos_weight, &ws->delta.back());
  grads->dw.resize(num);
  grads->db.resize(num);
  const Eigen::Map<const RowMatrix> input(x, static_cast<Eigen::Index>(n), n_inputs());
  for (int l = num - 1; l >= 0; --l) {
    const Matrix& delta = ws->delta[l];
    if (l == 0) {
      grads->dw[l].noalias() = input.transpose() * delta;
    } else {
      grads->dw[l].noalias() = ws->a[l - 1].transpose() * delta;
    }
    grads->db[l].noalias() = delta.colwise().sum();
    if (l > 0) {
      Matrix& prev = ws->delta[l - 1];
      prev.noalias() = delta * layers_[l].w.transpose();
      // ReLU passes the gradient only where its input was positive.
      prev.array() *= (ws->z[l - 1].array() > 0.0f).cast<float>();
    }
  }
  return loss;
}

double FloatMlp::loss(const float* x, const float* y, const float* sample_weight, size_t n,
                      const LossOptions& options, Workspace* ws) const {
  forward(x, n, ws);
  return bce_with_logits(ws->logits(), y, sample_weight, options.pos_weight, nullptr);
}

void FloatMlp::predict_logits(const float* x, size_t n, float* out) const {
  Workspace ws;
  forward(x, n, &ws);
  Eigen::Map<RowMatrix>(out, static_cast<Eigen::Index>(n), n_outputs()) = ws.logits();
}

void FloatMlp::predict_proba(const float* x, size_t n, float* out) const {
  Workspace ws;
  forward(x, n, &ws);
  Eigen::Map<RowMatrix>(out, static_cast<Eigen::Index>(n), n_outputs()) =
      (1.0f + (-ws.logits().array()).exp()).inverse().matrix();
}

Gradients FloatMlp::make_gradients() const {
  Gradients g;
  for (const DenseLayer& layer : layers_) {
    g.dw.push_back(Matrix::Zero(layer.n_in(), layer.n_out()));
    g.db.push_back(RowVector::Zero(layer.n_out()));
  }
  return g;
}

size_t FloatMlp::num_parameters() const {
  size_t count = 0;
  for (const DenseLayer& layer : layers_) count += layer.w.size() + layer.b.size();
  return count;
}

void FloatMlp::get_parameters(float* out) const {
  for (const DenseLayer& layer : layers_) {
    Eigen::Map<RowMatrix>(out, layer.n_in(), layer.n_out()) = layer.w;
    out += layer.w.size();
    Eigen::Map<RowVector>(out, layer.n_out()) = layer.b;
    out += layer.b.size();
  }
}

void FloatMlp::set_parameters(const float* in) {
  for (DenseLayer& layer : layers_) {
    layer.w = Eigen::Map<const RowMatrix>(in, layer.n_in(), layer.n_out());
    in += layer.w.size();
    layer.b = Eigen::Map<const RowVector>(in, layer.n_out());
    in += layer.b.size();
  }
}

void flatten_gradients(const Gradients& g, float* out) {
  for (size_t l = 0; l < g.dw.size(); ++l) {
    const Matrix& dw = g.dw[l];
    Eigen::Map<RowMatrix>(out, dw.rows(), dw.cols()) = dw;
    out += dw.size();
    Eigen::Map<RowVector>(out, g.db[l].size()) = g.db[l];
    out += g.db[l].size();
  }
}

}  // namespace l1t::nn
