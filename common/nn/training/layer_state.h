// Per-layer tensors shaped like a model's kernels and biases (optimiser moments, Fisher
// information, anchors) to and from one flat vector in FloatMlp::get_parameters order, so that a
// checkpoint keeps them in the same order as the weights.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/nn/state/state_blob.h"
#include "common/nn/training/float_mlp.h"

namespace l1t::nn {

// Empty when w is (state not sized yet).
std::vector<float> flatten_layers(const std::vector<Matrix>& w, const std::vector<RowVector>& b);

// Shapes *w and *b like model's layers and fills them from values. False (outputs untouched)
// with *error naming `what` when values has another size than the model's parameter count.
bool unflatten_layers(const FloatMlp& model, const std::vector<float>& values,
                      std::string_view what, std::vector<Matrix>* w, std::vector<RowVector>* b,
                      std::string* error);

// Adam's moments (first m, second v, per layer) and step count t, as Adam and AM-Adam keep them.
struct AdamMoments {
  std::vector<Matrix> m_w, v_w;
  std::vector<RowVector> m_b, v_b;
  int64_t t = 0;
};

void save_moments(const AdamMoments& moments, StateBlob* out);
// Reads "m", "v" and "t" of in, shaped like model's layers. Empty moments (no step taken yet)
// give empty vectors. False (*out untouched) with *error naming the blob and key.
bool load_moments(const FloatMlp& model, const StateBlob& in, AdamMoments* out, std::string* error);

}  // namespace l1t::nn
