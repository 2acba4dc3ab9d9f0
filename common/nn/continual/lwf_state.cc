// LwF's checkpoint state, kept apart from the training code.
#include "common/nn/continual/lwf.h"

namespace l1t::nn {

void Lwf::save_state(StateBlob* out) const {
  std::vector<float> teacher(teacher_.num_parameters());
  teacher_.get_parameters(teacher.data());
  out->put("teacher", std::move(teacher));
  out->put_int("refreshes", static_cast<int64_t>(refreshes_));
}

bool Lwf::load_state(const FloatMlp& model, const StateBlob& in, std::string* error) {
  if (teacher_.sizes() != model.sizes()) {
    *error = "the LwF teacher has another architecture than the model";
    return false;
  }
  int64_t refreshes = 0;
  const std::vector<float>* teacher = in.require("teacher", model.num_parameters(), error);
  if (teacher == nullptr || !in.get_int("refreshes", &refreshes, error)) return false;
  if (refreshes < 0) {
    *error = "'" + in.name + "' state 'refreshes' is negative";
    return false;
  }
  teacher_.set_parameters(teacher->data());
  refreshes_ = static_cast<uint64_t>(refreshes);
  return true;
}

void Lwf::copy_state(StateCopy* out) const {
  const size_t n = static_cast<size_t>(teacher_.num_layers());
  out->matrices.resize(n);
  out->rows.resize(n);
  for (size_t l = 0; l < n; ++l) {
    out->matrices[l] = teacher_.layer(static_cast<int>(l)).w;
    out->rows[l] = teacher_.layer(static_cast<int>(l)).b;
  }
  out->ints.assign(1, static_cast<int64_t>(refreshes_));
}

void Lwf::put_back_state(const StateCopy& in) {
  const size_t n = static_cast<size_t>(teacher_.num_layers());
  if (in.matrices.size() != n || in.rows.size() != n || in.ints.size() != 1) return;
  for (size_t l = 0; l < n; ++l) {
    teacher_.layer(static_cast<int>(l)).w = in.matrices[l];
    teacher_.layer(static_cast<int>(l)).b = in.rows[l];
  }
  refreshes_ = static_cast<uint64_t>(in.ints.front());
}

bool Lwf::state_finite() const {
  for (const DenseLayer& layer : teacher_.layers()) {
    if (!block_finite(layer.w) || !block_finite(layer.b)) return false;
  }
  return true;
}

}  // namespace l1t::nn
