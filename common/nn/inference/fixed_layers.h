// hls4ml's layer arithmetic in ap_fixed, one value at a time: the reference that every faster
// implementation (BatchScorer) must reproduce bit for bit.
#pragma once

#include <cstdint>
#include <vector>

#include "common/fixed/spec.h"
#include "common/nn/inference/fixed_model.h"

namespace l1t::nn {

// The accumulator hls4ml's 'auto' gives a dense layer (InferPrecisionTypes): wide enough that
// no sum of n_in products plus the bias can overflow. With ceil(log2(n_in)) = L:
//   W = Wx + Ww + L, I = Ix + Iw + L, signed = sx || sw; then, for the bias,
//   I' = max(I + (sb && !signed), Ib + (signed && !sb)) + 1, W' = I' + max(W - I, Wb - Ib).
// e.g. 5 inputs ap_fixed<16,6>, weights and bias ap_fixed<16,6>: ap_fixed<36,16>.
fixed::Spec auto_accum_spec(const fixed::Spec& input, const fixed::Spec& weight,
                            const fixed::Spec& bias, int n_in);

// nnet::dense_latency: y[j] = result_t(acc_j), where acc_j starts at accum_t(bias_j) and, for
// i in input order, acc_j = accum_t(acc_j + accum_t(x_i * w_ij)) (each product and sum exact
// before its cast). x: n_in raws in `input`; y: n_out raws in layer.result.
void dense_latency(const FixedDense& layer, const fixed::Spec& input, const int64_t* x, int64_t* y);

// nnet::relu: res_T(x) if x > 0 else 0.
int64_t relu(int64_t x, const fixed::Spec& in, const fixed::Spec& out);
// nnet::linear: res_T(x).
int64_t linear(int64_t x, const fixed::Spec& in, const fixed::Spec& out);

// nnet::init_sigmoid_table: entry i = table_t(float(1.0 / (1 + expf(-x_i)))), with
// x_i = float(16.0 * (i - N/2.0) / N), i.e. N points over [-8, 8). Raws in `table`.
std::vector<int64_t> sigmoid_table(const fixed::Spec& table, int size);

// nnet::sigmoid's index: int(x * N / 16) + N/2 clamped to [0, N-1], where x * N is exact, the
// division truncates toward zero at x's fraction bits, int() truncates toward zero and wraps to
// 32 bits, and 8 * N / 16 is unsigned integer arithmetic. For N = 1024 and x = raw * 2^-F with
// F >= 0: clamp(trunc(raw / 2^(F-6)) + 512, 0, 1023).
int sigmoid_index(int64_t x, const fixed::Spec& in, int table_size);

// nnet::sigmoid: res_T(table[index]). `table` as built by sigmoid_table(table_spec, N).
int64_t sigmoid(int64_t x, const fixed::Spec& in, const std::vector<int64_t>& table,
                const fixed::Spec& table_spec, const fixed::Spec& out);

// The activation of `layer` on its n_out dense results x (in layer.result) into y (in
// layer.activation_result). `table` is needed only for kSigmoid.
void activate(const FixedDense& layer, const std::vector<int64_t>& table,
              const fixed::Spec& table_spec, const int64_t* x, int64_t* y);

}  // namespace l1t::nn
