#include "common/nn/training/am_adam.h"

#include <algorithm>
#include <cmath>

#include <tbb/parallel_for.h>

#include "common/nn/training/loss.h"

namespace l1t::nn {
namespace {

// Adam in the form of adam.h: bias corrections folded into alpha.
template <typename P>
void adam_update(P& param, const P& grad, P& m, P& v, float beta1, float beta2, float alpha,
                 float eps) {
  m.array() = beta1 * m.array() + (1.0f - beta1) * grad.array();
  v.array() = beta2 * v.array() + (1.0f - beta2) * grad.array().square();
  param.array() -= alpha * m.array() / (v.array().sqrt() + eps);
}

}  // namespace

AmAdam::AmAdam(const AmAdamConfig& config) : config_(config) {}

void AmAdam::reset() {
  t_ = 0;
  layers_.clear();
}

void AmAdam::ensure_shape(const FloatMlp& model) {
  const int num = model.num_layers();
  bool same = static_cast<int>(layers_.size()) == num;
  for (int l = 0; same && l < num; ++l) {
    same = layers_[l].m_w.rows() == model.layer(l).n_in() &&
           layers_[l].m_w.cols() == model.layer(l).n_out();
  }
  if (same) return;
  t_ = 0;
  layers_.assign(num, LayerState{});
  for (int l = 0; l < num; ++l) {
    const DenseLayer& layer = model.layer(l);
    LayerState& s = layers_[l];
    s.m_w = Matrix::Zero(layer.n_in(), layer.n_out());
    s.v_w = s.m_w;
    s.dw = s.m_w;
    s.m_b = RowVector::Zero(layer.n_out());
    s.v_b = s.m_b;
    s.db = s.m_b;
  }
  size_scratch();
}

void AmAdam::size_scratch() {
  const int num = static_cast<int>(layers_.size());
  const int hidden = num - 1;
  codes_.resize(hidden);
  code_grad_.resize(hidden);
  code_velocity_.resize(hidden);
  code_scratch_.resize(hidden);
  code_lr_.assign(hidden, 0.0f);
  penalty_.dw.resize(num);
  penalty_.db.resize(num);
  for (int l = 0; l < num; ++l) {
    penalty_.dw[l] = Matrix::Zero(layers_[l].m_w.rows(), layers_[l].m_w.cols());
    penalty_.db[l] = RowVector::Zero(layers_[l].m_b.cols());
  }
}

double AmAdam::step(FloatMlp& model, const float* x, const float* y, size_t n,
                    const LossOptions& loss, Strategy* strategy, double* penalty) {
  if (penalty != nullptr) *penalty = 0.0;
  if (n == 0) return 0.0;
  ensure_shape(model);
  const int num = model.num_layers();

  // 1. Forward: ws_.z[l] are the forward codes, z.back() the logits.
  model.forward(x, n, &ws_);
  const double data_loss = bce_with_logits(ws_.logits(), y, nullptr, loss.pos_weight, nullptr);
  input_ = Eigen::Map<const RowMatrix>(x, static_cast<Eigen::Index>(n), model.n_inputs());

  // The strategy sees the pre-step model, as with backpropagation.
  const bool with_penalty = strategy != nullptr;
  if (with_penalty) {
    penalty_.set_zero();
    double p = 0.0;
    strategy->add_penalty_gradients(model, x, y, n, &penalty_, &p);
    if (penalty != nullptr) *penalty = p;
  }

  // 2. Codes, top down.
  update_codes(model, y, n, loss);

  // 3. Weights, every layer on its own local loss. Each task writes only its own layer and state.
  auto body = [&](int l) { update_layer(model, l, y, loss, with_penalty); };
  if (config_.parallel_layers && num > 1) {
    tbb::parallel_for(0, num, body);
  } else {
    for (int l = 0; l < num; ++l) body(l);
  }
  t_ += std::max(config_.weight_steps, 0);
  return data_loss;
}

void AmAdam::update_codes(const FloatMlp& model, const float* y, size_t n,
                          const LossOptions& loss) {
  const int hidden = model.num_layers() - 1;
  const float momentum = config_.code_momentum;
  for (int l = hidden - 1; l >= 0; --l) {
    const DenseLayer& next = model.layer(l + 1);
    const Matrix& c0 = ws_.z[l];
    Matrix& c = codes_[l];
    Matrix& g = code_grad_[l];
    Matrix& velocity = code_velocity_[l];
    c = c0;
    const bool top = l == hidden - 1;
    float lr = config_.lr_codes;
    if (config_.stable_codes) {
      const double lipschitz = top ? output_code_lipschitz(next, n, config_.mu, loss)
                                   : hidden_code_lipschitz(next, n, next.n_in());
      // A Nesterov step's first move is (1 + momentum) * lr * g: keep that within 1 / L.
      lr = std::min(lr, static_cast<float>(1.0 / ((1.0 + momentum) * lipschitz)));
    }
    code_lr_[l] = lr;
    for (int it = 0; it < config_.code_steps; ++it) {
      // The first step starts at the forward codes, where the forward pass has the next
      // layer's output already.
      const Matrix* out_at_c0 = it == 0 ? &ws_.z[l + 1] : nullptr;
      if (top) {
        output_code_objective(next, c, c0, y, loss, config_.mu, &g, &code_scratch_[l], out_at_c0);
      } else {
        hidden_code_objective(next, c, c0, codes_[l + 1], &g, &code_scratch_[l], out_at_c0);
      }
      // PyTorch's SGD(momentum, nesterov=True) on a fresh optimiser: the buffer starts at g.
      if (it == 0) {
        velocity = g;
      } else {
        velocity = momentum * velocity + g;
      }
      c.noalias() -= lr * (g + momentum * velocity);
    }
  }
}

void AmAdam::update_layer(FloatMlp& model, int l, const float* y, const LossOptions& loss,
                          bool with_penalty) {
  DenseLayer& layer = model.layer(l);
  LayerState& s = layers_[l];
  const int num = model.num_layers();
  const Matrix* in = &input_;
  if (l > 0) {
    s.act = codes_[l - 1].cwiseMax(0.0f);
    in = &s.act;
  }
  for (int it = 0; it < config_.weight_steps; ++it) {
    if (l + 1 < num) {
      regression_loss_and_gradients(layer, *in, codes_[l], &s.dw, &s.db, &s.pred);
    } else {
      output_loss_and_gradients(layer, *in, y, loss, &s.dw, &s.db, &s.pred, &s.dlogits);
    }
    if (with_penalty) {
      s.dw += penalty_.dw[l];
      s.db += penalty_.db[l];
    }
    const double t = static_cast<double>(t_ + it + 1);
    const float alpha =
        static_cast<float>(config_.lr_weights * std::sqrt(1.0 - std::pow(config_.beta2, t)) /
                           (1.0 - std::pow(config_.beta1, t)));
    adam_update(layer.w, s.dw, s.m_w, s.v_w, config_.beta1, config_.beta2, alpha, config_.epsilon);
    adam_update(layer.b, s.db, s.m_b, s.v_b, config_.beta1, config_.beta2, alpha, config_.epsilon);
  }
}

}  // namespace l1t::nn
