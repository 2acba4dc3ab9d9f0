// Per-layer tensors shaped like a model's kernels and biases (optimiser moments, Fisher
// information, anchors) to and from one flat vector in FloatMlp::get_parameters order, so that a
// checkpoint keeps them in the same order as the weights.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/nn/float_mlp.h"

namespace l1t::nn {

// Empty when w is (state not sized yet).
std::vector<float> flatten_layers(const std::vector<Matrix>& w, const std::vector<RowVector>& b);

// Shapes *w and *b like model's layers and fills them from values. False (outputs untouched)
// with *error naming `what` when values has another size than the model's parameter count.
bool unflatten_layers(const FloatMlp& model, const std::vector<float>& values,
                      std::string_view what, std::vector<Matrix>* w, std::vector<RowVector>* b,
                      std::string* error);

}  // namespace l1t::nn
