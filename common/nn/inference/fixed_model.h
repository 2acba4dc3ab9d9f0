// A dense network in fixed point, laid out as hls4ml lays it out: the deployable form of a model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/fixed/spec.h"

namespace l1t::nn {

enum class Activation { kLinear, kRelu, kSigmoid };

struct FixedDense {
  int n_in = 0;
  int n_out = 0;
  fixed::Spec weight;             // weight_t
  fixed::Spec bias;               // bias_t
  fixed::Spec accum;              // accum_t
  fixed::Spec result;             // the dense layer's result_t
  Activation activation = Activation::kLinear;
  fixed::Spec activation_result;  // the activation layer's result_t
  std::vector<int64_t> weights;   // raw, index i * n_out + j (Keras kernel in C order)
  std::vector<int64_t> biases;    // raw, n_out
};

struct FixedModel {
  fixed::Spec input;  // input_t: features are quantised to this before the first layer
  fixed::Spec sigmoid_table{18, 8};  // hls4ml's table_t for the sigmoid lookup
  int sigmoid_table_size = 1024;
  std::vector<FixedDense> layers;
};

}  // namespace l1t::nn
