// AM-Adam's checkpoint state, kept apart from the training code.
#include "common/nn/training/am_adam.h"
#include "common/nn/training/layer_state.h"

namespace l1t::nn {

void AmAdam::save_state(StateBlob* out) const {
  AdamMoments moments;
  for (const LayerState& s : layers_) {
    moments.m_w.push_back(s.m_w);
    moments.v_w.push_back(s.v_w);
    moments.m_b.push_back(s.m_b);
    moments.v_b.push_back(s.v_b);
  }
  moments.t = t_;
  save_moments(moments, out);
}

bool AmAdam::load_state(const FloatMlp& model, const StateBlob& in, std::string* error) {
  AdamMoments moments;
  if (!load_moments(model, in, &moments, error)) return false;
  if (moments.m_w.empty()) {  // no step taken yet: the first one sizes everything
    reset();
    return true;
  }
  ensure_shape(model);
  for (size_t l = 0; l < layers_.size(); ++l) {
    layers_[l].m_w = std::move(moments.m_w[l]);
    layers_[l].v_w = std::move(moments.v_w[l]);
    layers_[l].m_b = std::move(moments.m_b[l]);
    layers_[l].v_b = std::move(moments.v_b[l]);
  }
  t_ = moments.t;
  return true;
}

// The step guard's copy: per layer m_w, v_w (matrices 2l, 2l + 1), m_b, v_b (rows), and t.
void AmAdam::copy_state(StateCopy* out) const {
  const size_t n = layers_.size();
  out->matrices.resize(2 * n);
  out->rows.resize(2 * n);
  for (size_t l = 0; l < n; ++l) {
    out->matrices[2 * l] = layers_[l].m_w;
    out->matrices[2 * l + 1] = layers_[l].v_w;
    out->rows[2 * l] = layers_[l].m_b;
    out->rows[2 * l + 1] = layers_[l].v_b;
  }
  out->ints.assign(1, t_);
}

void AmAdam::put_back_state(const StateCopy& in) {
  const size_t n = in.matrices.size() / 2;
  if (n == 0) {
    reset();
    return;
  }
  const bool same = layers_.size() == n;
  if (!same) layers_.assign(n, LayerState{});
  for (size_t l = 0; l < n; ++l) {
    LayerState& s = layers_[l];
    s.m_w = in.matrices[2 * l];
    s.v_w = in.matrices[2 * l + 1];
    s.m_b = in.rows[2 * l];
    s.v_b = in.rows[2 * l + 1];
    if (!same) {
      s.dw = Matrix::Zero(s.m_w.rows(), s.m_w.cols());
      s.db = RowVector::Zero(s.m_b.cols());
    }
  }
  if (!same) size_scratch();
  t_ = in.ints.empty() ? 0 : in.ints.front();
}

bool AmAdam::state_finite() const {
  for (const LayerState& s : layers_) {
    if (!block_finite(s.m_w) || !block_finite(s.v_w) || !block_finite(s.m_b) ||
        !block_finite(s.v_b)) {
      return false;
    }
  }
  return true;
}

bool AmAdam::step_finite() const {
  for (const LayerState& s : layers_) {
    if (!block_finite(s.dw) || !block_finite(s.db)) return false;
  }
  return state_finite();
}

}  // namespace l1t::nn
