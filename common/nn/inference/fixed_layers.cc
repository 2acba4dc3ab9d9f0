#include "common/nn/inference/fixed_layers.h"

#include <algorithm>
#include <cmath>

#include "common/fixed/cast.h"

namespace l1t::nn {

using fixed::cast_raw;
using fixed::Spec;

fixed::Spec auto_accum_spec(const Spec& input, const Spec& weight, const Spec& bias, int n_in) {
  int log2_ops = 0;
  while ((int64_t{1} << log2_ops) < n_in) ++log2_ops;  // math.ceil(np.log2(n_ops))
  int width = weight.width + input.width + log2_ops;
  int integer = weight.integer + input.integer + log2_ops;
  bool is_signed = weight.is_signed || input.is_signed;
  const int frac = width - integer;
  integer = std::max(integer + (bias.is_signed && !is_signed ? 1 : 0),
                     bias.integer + (is_signed && !bias.is_signed ? 1 : 0)) +
            1;
  width = integer + std::max(frac, bias.frac());
  is_signed = is_signed || bias.is_signed;
  Spec s;
  s.width = width;
  s.integer = integer;
  s.is_signed = is_signed;
  return s;
}

void dense_latency(const FixedDense& layer, const Spec& input, const int64_t* x, int64_t* y) {
  const Spec& acc_t = layer.accum;
  const int acc_f = acc_t.frac();
  const int prod_f = input.frac() + layer.weight.frac();
  for (int j = 0; j < layer.n_out; ++j) {
    int64_t acc = cast_raw(layer.biases[j], layer.bias.frac(), acc_t);
    for (int i = 0; i < layer.n_in; ++i) {
      const __int128 p = static_cast<__int128>(x[i]) * layer.weights[i * layer.n_out + j];
      const int64_t m = cast_raw(p, prod_f, acc_t);
      acc = cast_raw(static_cast<__int128>(acc) + m, acc_f, acc_t);
    }
    y[j] = cast_raw(acc, acc_f, layer.result);
  }
}

int64_t relu(int64_t x, const Spec& in, const Spec& out) {
  return x > 0 ? cast_raw(x, in.frac(), out) : 0;
}

int64_t linear(int64_t x, const Spec& in, const Spec& out) { return cast_raw(x, in.frac(), out); }

std::vector<int64_t> sigmoid_table(const Spec& table, int size) {
  std::vector<int64_t> t(size);
  for (int ii = 0; ii < size; ++ii) {
    // Spelled as in nnet_activation.h so that every rounding step is the same.
    const float in_val = 2 * 8.0 * (ii - float(size) / 2.0) / float(size);
    const float real_val = 1.0 / (1 + std::exp(-in_val));  // std::exp(float): expf
    t[ii] = fixed::from_double(real_val, table);
  }
  return t;
}

int sigmoid_index(int64_t x, const Spec& in, int table_size) {
  // data * table_size / 16: exact product, then ap_fixed division = C division of the raws.
  const __int128 q = static_cast<__int128>(x) * table_size / 16;
  // to_int(): truncate toward zero at `in`'s fraction bits, then keep the low 32 bits.
  const int f = in.frac();
  __int128 whole;
  if (f <= 0) {
    whole = f <= -128 ? 0 : static_cast<__int128>(static_cast<unsigned __int128>(q) << -f);
  } else if (f >= 127) {
    whole = 0;
  } else {
    whole = q < 0 ? -((-q) >> f) : (q >> f);
  }
  const auto data_round = static_cast<uint32_t>(whole);
  const uint32_t half = 8u * static_cast<uint32_t>(table_size) / 16u;
  auto index = static_cast<int32_t>(data_round + half);
  if (index < 0) index = 0;
  if (index > table_size - 1) index = table_size - 1;
  return index;
}

int64_t sigmoid(int64_t x, const Spec& in, const std::vector<int64_t>& table,
                const Spec& table_spec, const Spec& out) {
  const int n = static_cast<int>(table.size());
  return cast_raw(table[sigmoid_index(x, in, n)], table_spec.frac(), out);
}

void activate(const FixedDense& layer, const std::vector<int64_t>& table, const Spec& table_spec,
              const int64_t* x, int64_t* y) {
  for (int j = 0; j < layer.n_out; ++j) {
    switch (layer.activation) {
      case Activation::kLinear:
        y[j] = linear(x[j], layer.result, layer.activation_result);
        break;
      case Activation::kRelu:
        y[j] = relu(x[j], layer.result, layer.activation_result);
        break;
      case Activation::kSigmoid:
        y[j] = sigmoid(x[j], layer.result, table, table_spec, layer.activation_result);
        break;
    }
  }
}

}  // namespace l1t::nn
