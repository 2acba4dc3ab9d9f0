#include "common/nn/training/adam.h"

#include <cmath>

namespace l1t::nn {
namespace {

// Sizes moment buffers like the model's layers (zeroed) if they are not already.
void ensure_shape(const FloatMlp& model, std::vector<Matrix>* w, std::vector<RowVector>* b) {
  const int num = model.num_layers();
  if (static_cast<int>(w->size()) == num) return;
  w->clear();
  b->clear();
  for (const DenseLayer& layer : model.layers()) {
    w->push_back(Matrix::Zero(layer.n_in(), layer.n_out()));
    b->push_back(RowVector::Zero(layer.n_out()));
  }
}

// One Adam update of a parameter block.
template <typename P>
void adam_update(P& param, const P& grad, P& m, P& v, float beta1, float beta2, float alpha,
                 float eps) {
  m.array() = beta1 * m.array() + (1.0f - beta1) * grad.array();
  v.array() = beta2 * v.array() + (1.0f - beta2) * grad.array().square();
  param.array() -= alpha * m.array() / (v.array().sqrt() + eps);
}

template <typename P>
void sgd_update(P& param, const P& grad, P& vel, float lr, float momentum, bool nesterov) {
  vel.array() = momentum * vel.array() - lr * grad.array();
  if (nesterov) {
    param.array() += momentum * vel.array() - lr * grad.array();
  } else {
    param.array() += vel.array();
  }
}

}  // namespace

Adam::Adam(const AdamConfig& config) : config_(config) {}

void Adam::reset() {
  t_ = 0;
  m_w_.clear();
  v_w_.clear();
  m_b_.clear();
  v_b_.clear();
}

void Adam::step(FloatMlp& model, const Gradients& grads) {
  ensure_shape(model, &m_w_, &m_b_);
  ensure_shape(model, &v_w_, &v_b_);
  ++t_;
  const double t = static_cast<double>(t_);
  const float alpha = static_cast<float>(config_.lr * std::sqrt(1.0 - std::pow(config_.beta2, t)) /
                                         (1.0 - std::pow(config_.beta1, t)));
  for (int l = 0; l < model.num_layers(); ++l) {
    DenseLayer& layer = model.layer(l);
    adam_update(layer.w, grads.dw[l], m_w_[l], v_w_[l], config_.beta1, config_.beta2, alpha,
                config_.epsilon);
    adam_update(layer.b, grads.db[l], m_b_[l], v_b_[l], config_.beta1, config_.beta2, alpha,
                config_.epsilon);
  }
}

Sgd::Sgd(const SgdConfig& config) : config_(config) {}

void Sgd::reset() {
  vel_w_.clear();
  vel_b_.clear();
}

void Sgd::step(FloatMlp& model, const Gradients& grads) {
  ensure_shape(model, &vel_w_, &vel_b_);
  for (int l = 0; l < model.num_layers(); ++l) {
    DenseLayer& layer = model.layer(l);
    sgd_update(layer.w, grads.dw[l], vel_w_[l], config_.lr, config_.momentum, config_.nesterov);
    sgd_update(layer.b, grads.db[l], vel_b_[l], config_.lr, config_.momentum, config_.nesterov);
  }
}

}  // namespace l1t::nn
