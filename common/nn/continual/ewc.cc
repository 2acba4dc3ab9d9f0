#include "common/nn/continual/ewc.h"

#include <cmath>

namespace l1t::nn {

Ewc::Ewc(const EwcConfig& config) : config_(config) {}

void Ewc::ensure_shape(const FloatMlp& model) {
  if (shaped_) return;
  fisher_ = model.make_gradients();
  window_ = model.make_gradients();
  anchor_ = model.make_gradients();
  shaped_ = true;
}

void Ewc::accumulate_fisher(const FloatMlp& model, const float* x, const float* y, size_t n) {
  ensure_shape(model);
  if (n == 0) return;
  model.forward(x, n, &ws_);
  const int num = model.num_layers();
  ws_.delta.resize(num);
  // Per-sample dNLL/dlogit of a sigmoid output is sigmoid(z) - y; rows stay per sample.
  Matrix& top = ws_.delta.back();
  top.resize(ws_.logits().rows(), ws_.logits().cols());
  const Eigen::Map<const RowMatrix> labels(y, static_cast<Eigen::Index>(n), model.n_outputs());
  top = (1.0f + (-ws_.logits().array()).exp()).inverse().matrix() - labels;
  const Eigen::Map<const RowMatrix> input(x, static_cast<Eigen::Index>(n), model.n_inputs());
  const float inv_n = 1.0f / static_cast<float>(n);
  sq_in_.resize(num);
  sq_delta_.resize(num);
  for (int l = num - 1; l >= 0; --l) {
    const Matrix& delta = ws_.delta[l];
    // Sample i's kernel gradient is the outer product a_i^T delta_i, so the sum of its squares
    // over samples is (a .* a)^T (delta .* delta): exact per-sample squares at batch cost.
    // The squares go to scratch matrices first so the product does not allocate a temporary.
    if (l == 0) {
      sq_in_[l] = input.array().square().matrix();
    } else {
      sq_in_[l] = ws_.a[l - 1].array().square().matrix();
    }
    sq_delta_[l] = delta.array().square().matrix();
    window_.dw[l].noalias() += inv_n * (sq_in_[l].transpose() * sq_delta_[l]);
    window_.db[l] += inv_n * sq_delta_[l].colwise().sum();
    if (l > 0) {
      Matrix& prev = ws_.delta[l - 1];
      prev.noalias() = delta * model.layer(l).w.transpose();
      prev.array() *= (ws_.z[l - 1].array() > 0.0f).cast<float>();
    }
  }
  ++window_batches_;
}

void Ewc::consolidate(const FloatMlp& model) {
  ensure_shape(model);
  if (window_batches_ > 0) {
    const float gamma = config_.gamma;
    const float inv = 1.0f / static_cast<float>(window_batches_);
    for (size_t l = 0; l < fisher_.dw.size(); ++l) {
      fisher_.dw[l] = gamma * fisher_.dw[l] + inv * window_.dw[l];
      fisher_.db[l] = gamma * fisher_.db[l] + inv * window_.db[l];
    }
    window_.set_zero();
    window_batches_ = 0;
  }
  for (int l = 0; l < model.num_layers(); ++l) {
    anchor_.dw[l] = model.layer(l).w;
    anchor_.db[l] = model.layer(l).b;
  }
  anchored_ = true;
  rows_since_consolidation_ = 0;
  ++consolidations_;
}

double Ewc::penalty(const FloatMlp& model) const {
  if (!anchored_) return 0.0;
  double sum = 0.0;
  for (int l = 0; l < model.num_layers(); ++l) {
    sum += (fisher_.dw[l].array() * (model.layer(l).w - anchor_.dw[l]).array().square())
               .cast<double>()
               .sum();
    sum += (fisher_.db[l].array() * (model.layer(l).b - anchor_.db[l]).array().square())
               .cast<double>()
               .sum();
  }
  return 0.5 * config_.lambda * sum;
}

void Ewc::add_penalty_gradients(const FloatMlp& model, const float* x, const float* y, size_t n,
                                Gradients* grads, double* loss) {
  ensure_shape(model);
  if (config_.consolidate_every > 0 && rows_since_consolidation_ >= config_.consolidate_every) {
    consolidate(model);
  }
  accumulate_fisher(model, x, y, n);
  rows_since_consolidation_ += n;
  if (!anchored_) return;
  const float lambda = config_.lambda;
  for (int l = 0; l < model.num_layers(); ++l) {
    grads->dw[l].array() +=
        lambda * fisher_.dw[l].array() * (model.layer(l).w - anchor_.dw[l]).array();
    grads->db[l].array() +=
        lambda * fisher_.db[l].array() * (model.layer(l).b - anchor_.db[l]).array();
  }
  *loss += penalty(model);
}

void Ewc::on_published(const FloatMlp& model) {
  if (config_.consolidate_on_publish) consolidate(model);
}

std::vector<float> Ewc::fisher() const {
  if (!shaped_) return {};
  size_t count = 0;
  for (size_t l = 0; l < fisher_.dw.size(); ++l)
    count += fisher_.dw[l].size() + fisher_.db[l].size();
  std::vector<float> out(count);
  flatten_gradients(fisher_, out.data());
  return out;
}

std::vector<float> Ewc::anchor() const {
  if (!shaped_) return {};
  size_t count = 0;
  for (size_t l = 0; l < anchor_.dw.size(); ++l)
    count += anchor_.dw[l].size() + anchor_.db[l].size();
  std::vector<float> out(count);
  flatten_gradients(anchor_, out.data());
  return out;
}

}  // namespace l1t::nn
