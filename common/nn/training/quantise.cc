#include "common/nn/training/quantise.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "common/fixed/cast.h"

namespace l1t::nn {

int64_t quantise_parameter(float value, const fixed::Spec& spec, bool hls4ml_text) {
  const double x = static_cast<double>(value);
  const int64_t direct = fixed::from_double(x, spec);
  if (!hls4ml_text) return direct;
  // The 10-decimal text lies within 5e-11 of x, so it can change the result only when a
  // quantisation step is that close; if both ends of a wider interval give the same raw, so does
  // the text. Printing (~1 us) is left for those rare parameters.
  constexpr double kTextError = 1e-10;
  if (fixed::from_double(x - kTextError, spec) == direct &&
      fixed::from_double(x + kTextError, spec) == direct) {
    return direct;
  }
  // Python's '{:.10f}' and printf's "%.10f" both round the exact binary value correctly.
  char text[64];
  std::snprintf(text, sizeof(text), "%.10f", x);
  return fixed::from_double(std::strtod(text, nullptr), spec);
}

namespace {

fixed::Spec conversion_spec(const fixed::Spec& spec, bool saturate) {
  fixed::Spec s = spec;
  if (saturate) s.overflow = fixed::Overflow::kSat;
  return s;
}

// True if x, after spec's quantisation, falls outside spec's range. Converts into a wider type
// with the same fractional bits, which holds any weight a float network plausibly has.
bool overflows(float x, const fixed::Spec& spec, bool hls4ml_text) {
  fixed::Spec wide = spec;
  wide.width = std::min(64, spec.width + 32);
  wide.integer = spec.integer + (wide.width - spec.width);
  wide.overflow = fixed::Overflow::kSat;
  wide.sat_bits = 0;
  const int64_t raw = quantise_parameter(x, wide, hls4ml_text);
  return raw > spec.max_raw() || raw < spec.min_raw();
}

}  // namespace

bool model_quantisation(const std::string& precision, const std::string& accum_precision,
                        QuantisationConfig* out, std::string* error) {
  std::string why;
  fixed::Spec spec, accum;
  if (!fixed::parse_spec(precision, &spec, &why)) {
    *error = "config key 'model.precision': " + why;
    return false;
  }
  accum = spec;
  if (!accum_precision.empty() && !fixed::parse_spec(accum_precision, &accum, &why)) {
    *error = "config key 'model.accum_precision': " + why;
    return false;
  }
  out->input = spec;
  out->layer.weight = out->layer.bias = out->layer.result = out->layer.activation_result = spec;
  out->layer.accum = accum;
  return true;
}

const LayerPrecision& precision_of(const QuantisationConfig& config, int layer) {
  if (layer >= 0 && static_cast<size_t>(layer) < config.per_layer.size()) {
    return config.per_layer[layer];
  }
  return config.layer;
}

FixedModel quantise(const FloatMlp& model, const QuantisationConfig& config) {
  FixedModel out;
  out.input = config.input;
  out.sigmoid_table = config.sigmoid_table;
  out.sigmoid_table_size = config.sigmoid_table_size;
  for (int l = 0; l < model.num_layers(); ++l) {
    const DenseLayer& layer = model.layer(l);
    const LayerPrecision& p = precision_of(config, l);
    FixedDense d;
    d.n_in = layer.n_in();
    d.n_out = layer.n_out();
    d.weight = p.weight;
    d.bias = p.bias;
    d.accum = p.accum;
    d.result = p.result;
    d.activation = l + 1 == model.num_layers() ? Activation::kSigmoid : Activation::kRelu;
    d.activation_result = p.activation_result;
    const fixed::Spec ws = conversion_spec(p.weight, config.saturate_parameters);
    const fixed::Spec bs = conversion_spec(p.bias, config.saturate_parameters);
    d.weights.resize(static_cast<size_t>(d.n_in) * d.n_out);
    for (int i = 0; i < d.n_in; ++i) {
      for (int j = 0; j < d.n_out; ++j) {
        d.weights[static_cast<size_t>(i) * d.n_out + j] =
            quantise_parameter(layer.w(i, j), ws, config.hls4ml_text);
      }
    }
    d.biases.resize(d.n_out);
    for (int j = 0; j < d.n_out; ++j) {
      d.biases[j] = quantise_parameter(layer.b(j), bs, config.hls4ml_text);
    }
    out.layers.push_back(std::move(d));
  }
  return out;
}

FloatMlp dequantise(const FixedModel& model) {
  std::vector<int> sizes;
  if (!model.layers.empty()) sizes.push_back(model.layers.front().n_in);
  for (const FixedDense& d : model.layers) sizes.push_back(d.n_out);
  FloatMlp out(sizes);
  for (size_t l = 0; l < model.layers.size(); ++l) {
    const FixedDense& d = model.layers[l];
    DenseLayer& layer = out.layer(static_cast<int>(l));
    for (int i = 0; i < d.n_in; ++i) {
      for (int j = 0; j < d.n_out; ++j) {
        layer.w(i, j) = static_cast<float>(
            fixed::to_double(d.weights[static_cast<size_t>(i) * d.n_out + j], d.weight));
      }
    }
    for (int j = 0; j < d.n_out; ++j) {
      layer.b(j) = static_cast<float>(fixed::to_double(d.biases[j], d.bias));
    }
  }
  return out;
}

size_t count_saturated(const FloatMlp& model, const QuantisationConfig& config) {
  size_t count = 0;
  for (int l = 0; l < model.num_layers(); ++l) {
    const DenseLayer& layer = model.layer(l);
    const LayerPrecision& p = precision_of(config, l);
    for (Eigen::Index k = 0; k < layer.w.size(); ++k) {
      count += overflows(layer.w.data()[k], p.weight, config.hls4ml_text) ? 1 : 0;
    }
    for (Eigen::Index k = 0; k < layer.b.size(); ++k) {
      count += overflows(layer.b.data()[k], p.bias, config.hls4ml_text) ? 1 : 0;
    }
  }
  return count;
}

}  // namespace l1t::nn
