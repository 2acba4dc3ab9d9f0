// Turns the float training model into the deployable fixed-point model and back.
//
// hls4ml writes float weights into the firmware (weights/*.h constants, or weights/*.txt for the C
// simulation) as '{:.10f}' text, which the ap_fixed constructor then truncates (AP_TRN by
// default). For ap_fixed<16,6> that equals fixed::from_double on the float32 value itself for all
// 2000 weights of ../shared/golden/hls4ml/weight_text_roundtrip.txt, because a float32 lies at
// least one float ulp (> 1e-10 at these magnitudes) from any lsb boundary, more than the text's
// 5e-11 rounding. It is not equal everywhere: a negative weight in (-5e-11, 0) prints as
// "-0.0000000000" and becomes 0, where the float value truncates to -1 lsb; with more fractional
// bits, small weights just below an lsb boundary can also round up in the text. So quantise()
// reproduces the text path by default (hls4ml_text = true): it prints only the parameters that lie
// within 1e-10 of a quantisation step, so a whole 5-25-30-1 model takes ~0.1 ms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/fixed/spec.h"
#include "common/nn/inference/fixed_model.h"
#include "common/nn/training/float_mlp.h"

namespace l1t::nn {

// The precisions of one dense layer and its activation (hls4ml's per-layer types).
struct LayerPrecision {
  fixed::Spec weight{16, 6};
  fixed::Spec bias{16, 6};
  fixed::Spec accum{16, 6};
  fixed::Spec result{16, 6};
  fixed::Spec activation_result{16, 6};
};

struct QuantisationConfig {
  fixed::Spec input{16, 6};
  LayerPrecision layer;                   // every layer without an entry in per_layer
  std::vector<LayerPrecision> per_layer;  // optional, index = layer; overrides `layer`
  fixed::Spec sigmoid_table{18, 8};
  int sigmoid_table_size = 1024;
  // A weight outside its type's range would wrap under the default AP_WRAP (a large positive
  // weight turning into a large negative one); clamp it to the range edge instead. Only how the
  // weights are converted changes: the layer specs and arithmetic stay hls4ml's.
  bool saturate_parameters = true;
  // Convert through hls4ml's '{:.10f}' text (bit-exact with hls4ml); false converts the float
  // value directly (equal except in the corner cases described at the top).
  bool hls4ml_text = true;
};

// The deployed precision as a scenario's `model:` section states it: one type for inputs,
// weights, biases and results, the accumulator's own when accum_precision is not empty. False
// with *error naming the key that does not parse ("config key 'model.precision': ...").
bool model_quantisation(const std::string& precision, const std::string& accum_precision,
                        QuantisationConfig* out, std::string* error);

// One parameter into raw fixed point: optionally via hls4ml's text, then fixed::from_double.
int64_t quantise_parameter(float value, const fixed::Spec& spec, bool hls4ml_text);

const LayerPrecision& precision_of(const QuantisationConfig& config, int layer);

// Hidden layers get ReLU, the last layer sigmoid, as FloatMlp computes. Weights and biases go
// through quantise_parameter (see the note at the top).
FixedModel quantise(const FloatMlp& model, const QuantisationConfig& config = {});

// The float model whose parameters are the fixed-point values exactly (raw * lsb).
FloatMlp dequantise(const FixedModel& model);

// Parameters whose float value lies outside the range of their fixed-point type (after its
// quantisation), i.e. that quantise() clamps (or, with saturate_parameters off, wraps).
size_t count_saturated(const FloatMlp& model, const QuantisationConfig& config = {});

}  // namespace l1t::nn
