// What a FixedModel costs on the FPGA, counted from its architecture and precisions alone.
//
// The counts are those of hls4ml's latency strategy at reuse factor 1, which a Level-1 trigger
// uses: every multiplication of every dense layer has its own multiplier and the whole network
// is one pipeline. The weights here are run-time registers (so that the trainer can reprogram
// them), so no multiplier is optimised away for a zero or power-of-two weight as it would be for
// weights compiled in as constants. Nothing here depends on the values of the weights: a weight
// update cannot change the footprint; only a different architecture or precision would, and the
// inference node refuses such updates (transport::same_footprint).
#pragma once

#include <cstdint>
#include <vector>

#include "common/fixed/spec.h"
#include "common/nn/inference/fixed_model.h"

namespace l1t::nn {

struct LayerFootprint {
  int n_in = 0;
  int n_out = 0;
  int64_t multiplications = 0;  // n_in * n_out per inference
  int64_t additions = 0;        // n_in * n_out: the bias starts each sum, then one add per input
  int64_t activations = 0;      // n_out ReLU comparisons or sigmoid table lookups
  int64_t weight_bits = 0;      // n_in * n_out * weight width
  int64_t bias_bits = 0;        // n_out * bias width
  int input_width = 0;          // the layer's input type width
  int product_width = 0;        // an exact product: input width + weight width
  int accum_width = 0;          // accum_t
  fixed::Spec auto_accum;       // what hls4ml's 'auto' accumulator would be, for comparison
  int dsp_per_multiplication = 0;
};

struct Footprint {
  std::vector<LayerFootprint> layers;
  int64_t multiplications = 0;
  int64_t additions = 0;
  int64_t activations = 0;
  int64_t weights = 0;  // count
  int64_t biases = 0;   // count
  int64_t weight_bits = 0;
  int64_t bias_bits = 0;
  int64_t dsp_estimate = 0;  // DSP48E2 slices if every multiplication gets its own
};

// DSP48E2 slices (27 x 18 bit signed multiplier) one a x b bit multiplication needs: 1 if it
// fits, else one per 26 x 17 bit tile (an estimate; the tool may use LUTs for narrow ones).
int dsp48e2_per_multiplication(int a_width, int b_width);

Footprint compute_footprint(const FixedModel& model);

// The same network with every weight and bias in another precision (input and result types
// unchanged): how storage and multipliers scale with the weight precision.
struct PrecisionAlternative {
  fixed::Spec weight;
  Footprint footprint;
};

std::vector<PrecisionAlternative> footprint_alternatives(const FixedModel& model,
                                                         const std::vector<fixed::Spec>& weights);

// The alternatives the report shows: ap_fixed<8,3>, <12,4>, <16,6>, <18,8>.
std::vector<fixed::Spec> default_alternative_precisions();

}  // namespace l1t::nn
