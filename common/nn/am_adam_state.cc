// AM-Adam's checkpoint state, kept apart from the training code.
#include "common/nn/am_adam.h"
#include "common/nn/layer_state.h"

namespace l1t::nn {

void AmAdam::save_state(StateBlob* out) const {
  std::vector<Matrix> mw, vw;
  std::vector<RowVector> mb, vb;
  for (const LayerState& s : layers_) {
    mw.push_back(s.m_w);
    vw.push_back(s.v_w);
    mb.push_back(s.m_b);
    vb.push_back(s.v_b);
  }
  out->put("m", flatten_layers(mw, mb));
  out->put("v", flatten_layers(vw, vb));
  out->put_int("t", t_);
}

bool AmAdam::load_state(const FloatMlp& model, const StateBlob& in, std::string* error) {
  int64_t t = 0;
  const std::vector<float>* m = in.require("m", std::string::npos, error);
  const std::vector<float>* v = m ? in.require("v", m->size(), error) : nullptr;
  if (v == nullptr || !in.get_int("t", &t, error)) return false;
  if (t < 0) {
    *error = "'" + in.name + "' state 't' is negative";
    return false;
  }
  if (m->empty()) {  // no step taken yet: the first one sizes everything
    reset();
    return true;
  }
  std::vector<Matrix> mw, vw;
  std::vector<RowVector> mb, vb;
  if (!unflatten_layers(model, *m, "'" + in.name + "' state 'm'", &mw, &mb, error) ||
      !unflatten_layers(model, *v, "'" + in.name + "' state 'v'", &vw, &vb, error)) {
    return false;
  }
  ensure_shape(model);
  for (size_t l = 0; l < layers_.size(); ++l) {
    layers_[l].m_w = std::move(mw[l]);
    layers_[l].v_w = std::move(vw[l]);
    layers_[l].m_b = std::move(mb[l]);
    layers_[l].v_b = std::move(vb[l]);
  }
  t_ = t;
  return true;
}

}  // namespace l1t::nn
