#include "common/nn/inference/footprint.h"

#include <algorithm>

#include "common/nn/inference/fixed_layers.h"

namespace l1t::nn {

int dsp48e2_per_multiplication(int a_width, int b_width) {
  const int wide = std::max(a_width, b_width);
  const int narrow = std::min(a_width, b_width);
  if (wide <= 27 && narrow <= 18) return 1;
  // Larger products are built from unsigned partial products, one sign bit short per slice.
  return ((wide + 25) / 26) * ((narrow + 16) / 17);
}

Footprint compute_footprint(const FixedModel& model) {
  Footprint f;
  for (size_t k = 0; k < model.layers.size(); ++k) {
    const auto& l = model.layers[k];
    const fixed::Spec& input = k == 0 ? model.input : model.layers[k - 1].activation_result;
    LayerFootprint lf;
    lf.n_in = l.n_in;
    lf.n_out = l.n_out;
    lf.multiplications = int64_t{l.n_in} * l.n_out;
    lf.additions = lf.multiplications;
    lf.activations = l.activation == Activation::kLinear ? 0 : l.n_out;
    lf.weight_bits = lf.multiplications * l.weight.width;
    lf.bias_bits = int64_t{l.n_out} * l.bias.width;
    lf.input_width = input.width;
    lf.product_width = input.width + l.weight.width;
    lf.accum_width = l.accum.width;
    lf.auto_accum = auto_accum_spec(input, l.weight, l.bias, l.n_in);
    lf.dsp_per_multiplication = dsp48e2_per_multiplication(input.width, l.weight.width);
    f.multiplications += lf.multiplications;
    f.additions += lf.additions;
    f.activations += lf.activations;
    f.weights += lf.multiplications;
    f.biases += l.n_out;
    f.weight_bits += lf.weight_bits;
    f.bias_bits += lf.bias_bits;
    f.dsp_estimate += lf.multiplications * lf.dsp_per_multiplication;
    f.layers.push_back(lf);
  }
  return f;
}

std::vector<PrecisionAlternative> footprint_alternatives(const FixedModel& model,
                                                         const std::vector<fixed::Spec>& weights) {
  std::vector<PrecisionAlternative> out;
  for (const auto& w : weights) {
    FixedModel alt = model;
    for (auto& l : alt.layers) l.weight = l.bias = w;
    out.push_back({w, compute_footprint(alt)});
  }
  return out;
}

std::vector<fixed::Spec> default_alternative_precisions() {
  return {fixed::Spec{8, 3}, fixed::Spec{12, 4}, fixed::Spec{16, 6}, fixed::Spec{18, 8}};
}

}  // namespace l1t::nn
