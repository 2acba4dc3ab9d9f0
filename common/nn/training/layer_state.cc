#include "common/nn/training/layer_state.h"

namespace l1t::nn {

std::vector<float> flatten_layers(const std::vector<Matrix>& w, const std::vector<RowVector>& b) {
  size_t count = 0;
  for (size_t l = 0; l < w.size(); ++l) count += w[l].size() + b[l].size();
  std::vector<float> out(count);
  float* at = out.data();
  for (size_t l = 0; l < w.size(); ++l) {
    Eigen::Map<RowMatrix>(at, w[l].rows(), w[l].cols()) = w[l];
    at += w[l].size();
    Eigen::Map<RowVector>(at, b[l].size()) = b[l];
    at += b[l].size();
  }
  return out;
}

bool unflatten_layers(const FloatMlp& model, const std::vector<float>& values,
                      std::string_view what, std::vector<Matrix>* w, std::vector<RowVector>* b,
                      std::string* error) {
  if (values.size() != model.num_parameters()) {
    *error = std::string(what) + " holds " + std::to_string(values.size()) +
             " values, the model has " + std::to_string(model.num_parameters()) + " parameters";
    return false;
  }
  std::vector<Matrix> ws;
  std::vector<RowVector> bs;
  const float* at = values.data();
  for (const DenseLayer& layer : model.layers()) {
    ws.emplace_back(Eigen::Map<const RowMatrix>(at, layer.n_in(), layer.n_out()));
    at += ws.back().size();
    bs.emplace_back(Eigen::Map<const RowVector>(at, layer.n_out()));
    at += bs.back().size();
  }
  *w = std::move(ws);
  *b = std::move(bs);
  return true;
}

void save_moments(const AdamMoments& moments, StateBlob* out) {
  out->put("m", flatten_layers(moments.m_w, moments.m_b));
  out->put("v", flatten_layers(moments.v_w, moments.v_b));
  out->put_int("t", moments.t);
}

bool load_moments(const FloatMlp& model, const StateBlob& in, AdamMoments* out,
                  std::string* error) {
  AdamMoments read;
  const std::vector<float>* m = in.require("m", std::string::npos, error);
  const std::vector<float>* v = m ? in.require("v", m->size(), error) : nullptr;
  if (v == nullptr || !in.get_int("t", &read.t, error)) return false;
  if (read.t < 0) {
    *error = "'" + in.name + "' state 't' is negative";
    return false;
  }
  if (!m->empty() &&
      (!unflatten_layers(model, *m, "'" + in.name + "' state 'm'", &read.m_w, &read.m_b, error) ||
       !unflatten_layers(model, *v, "'" + in.name + "' state 'v'", &read.v_w, &read.v_b, error))) {
    return false;
  }
  *out = std::move(read);
  return true;
}

}  // namespace l1t::nn
