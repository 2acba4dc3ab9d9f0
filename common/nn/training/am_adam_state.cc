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

}  // namespace l1t::nn
