// Checkpoint accessors of Adam and SGD, kept apart from the training code (ReplayBuffer's are in
// continual/replay_buffer_state.cc: the replay memory is continual learning's, not training's).
#include <algorithm>

#include "common/nn/training/adam.h"
#include "common/nn/training/layer_state.h"

namespace l1t::nn {
namespace {

template <typename P>
void append(const std::vector<P>& blocks, size_t l, std::vector<float>* out) {
  out->insert(out->end(), blocks[l].data(), blocks[l].data() + blocks[l].size());
}

}  // namespace

void Adam::get_state(std::vector<float>* m, std::vector<float>* v) const {
  m->clear();
  v->clear();
  for (size_t l = 0; l < m_w_.size(); ++l) {
    // Kernel then bias per layer, as get_parameters. Matrix is column-major; the order only has
    // to match set_state, which uses the same Eigen storage.
    append(m_w_, l, m);
    append(m_b_, l, m);
    append(v_w_, l, v);
    append(v_b_, l, v);
  }
}

bool Adam::set_state(const FloatMlp& model, int64_t t, const std::vector<float>& m,
                     const std::vector<float>& v) {
  if (m.size() != v.size() || t < 0) return false;
  if (m.empty()) {
    reset();
    t_ = t;
    return true;
  }
  if (m.size() != model.num_parameters()) return false;
  reset();
  size_t at = 0;
  for (const DenseLayer& layer : model.layers()) {
    Matrix mw(layer.n_in(), layer.n_out()), vw(layer.n_in(), layer.n_out());
    std::copy_n(m.data() + at, mw.size(), mw.data());
    std::copy_n(v.data() + at, vw.size(), vw.data());
    at += mw.size();
    RowVector mb(layer.n_out()), vb(layer.n_out());
    std::copy_n(m.data() + at, mb.size(), mb.data());
    std::copy_n(v.data() + at, vb.size(), vb.data());
    at += mb.size();
    m_w_.push_back(std::move(mw));
    v_w_.push_back(std::move(vw));
    m_b_.push_back(std::move(mb));
    v_b_.push_back(std::move(vb));
  }
  t_ = t;
  return true;
}

void Adam::save_state(StateBlob* out) const { save_moments({m_w_, v_w_, m_b_, v_b_, t_}, out); }

bool Adam::load_state(const FloatMlp& model, const StateBlob& in, std::string* error) {
  AdamMoments moments;
  if (!load_moments(model, in, &moments, error)) return false;
  // Empty moments: no step taken yet, the buffers are sized by the first one.
  m_w_ = std::move(moments.m_w);
  m_b_ = std::move(moments.m_b);
  v_w_ = std::move(moments.v_w);
  v_b_ = std::move(moments.v_b);
  t_ = moments.t;
  return true;
}

void Sgd::save_state(StateBlob* out) const { out->put("velocity", flatten_layers(vel_w_, vel_b_)); }

bool Sgd::load_state(const FloatMlp& model, const StateBlob& in, std::string* error) {
  const std::vector<float>* vel = in.require("velocity", std::string::npos, error);
  if (vel == nullptr) return false;
  std::vector<Matrix> w;
  std::vector<RowVector> b;
  if (!vel->empty() &&
      !unflatten_layers(model, *vel, "'" + in.name + "' state 'velocity'", &w, &b, error)) {
    return false;
  }
  vel_w_ = std::move(w);
  vel_b_ = std::move(b);
  return true;
}

// The step guard's copies: Adam's m then v blocks (kernels in matrices, biases in rows) and t;
// SGD's velocity. Empty blocks stand for "no step yet".
void Adam::copy_state(StateCopy* out) const {
  const size_t n = m_w_.size();
  copy_blocks(m_w_, 0, &out->matrices);
  copy_blocks(v_w_, n, &out->matrices);
  out->matrices.resize(2 * n);
  copy_blocks(m_b_, 0, &out->rows);
  copy_blocks(v_b_, n, &out->rows);
  out->rows.resize(2 * n);
  out->ints.assign(1, t_);
}

void Adam::put_back_state(const StateCopy& in) {
  const size_t n = in.matrices.size() / 2;
  if (n == 0) {
    reset();
  } else {
    copy_blocks_back(in.matrices, 0, n, &m_w_);
    copy_blocks_back(in.matrices, n, n, &v_w_);
    copy_blocks_back(in.rows, 0, n, &m_b_);
    copy_blocks_back(in.rows, n, n, &v_b_);
  }
  t_ = in.ints.empty() ? 0 : in.ints.front();
}

bool Adam::state_finite() const {
  return all_finite(m_w_) && all_finite(v_w_) && all_finite(m_b_) && all_finite(v_b_);
}

void Sgd::copy_state(StateCopy* out) const {
  copy_blocks(vel_w_, 0, &out->matrices);
  out->matrices.resize(vel_w_.size());
  copy_blocks(vel_b_, 0, &out->rows);
  out->rows.resize(vel_b_.size());
  out->ints.clear();
}

void Sgd::put_back_state(const StateCopy& in) {
  if (in.matrices.empty()) {
    reset();
    return;
  }
  copy_blocks_back(in.matrices, 0, in.matrices.size(), &vel_w_);
  copy_blocks_back(in.rows, 0, in.rows.size(), &vel_b_);
}

bool Sgd::state_finite() const { return all_finite(vel_w_) && all_finite(vel_b_); }

}  // namespace l1t::nn
