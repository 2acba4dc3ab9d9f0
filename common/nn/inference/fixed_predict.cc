#include "common/nn/inference/fixed_predict.h"

#include <algorithm>

#include "common/fixed/cast.h"
#include "common/nn/inference/fixed_layers.h"

namespace l1t::nn {
namespace {

constexpr int kMaxSigmoidTable = 1 << 20;

bool fail(std::string* error, const std::string& why) {
  if (error) *error = why;
  return false;
}

bool raws_in_range(const std::vector<int64_t>& raws, const fixed::Spec& spec) {
  return std::all_of(raws.begin(), raws.end(),
                     [&](int64_t r) { return r >= spec.min_raw() && r <= spec.max_raw(); });
}

}  // namespace

bool check_fixed_model(const FixedModel& model, std::string* error) {
  std::string why;
  if (!fixed::check_spec(model.input, &why)) return fail(error, "input_t: " + why);
  if (model.layers.empty()) return fail(error, "model has no layers");
  bool any_sigmoid = false;
  for (size_t k = 0; k < model.layers.size(); ++k) {
    const FixedDense& l = model.layers[k];
    const std::string where = "layer " + std::to_string(k) + ": ";
    if (l.n_in < 1 || l.n_out < 1) return fail(error, where + "n_in and n_out must be >= 1");
    if (k > 0 && l.n_in != model.layers[k - 1].n_out) {
      return fail(error, where + "n_in " + std::to_string(l.n_in) + " != previous n_out " +
                             std::to_string(model.layers[k - 1].n_out));
    }
    if (l.weights.size() != static_cast<size_t>(l.n_in) * l.n_out) {
      return fail(error, where + "expected " + std::to_string(l.n_in * l.n_out) + " weights, got " +
                             std::to_string(l.weights.size()));
    }
    if (l.biases.size() != static_cast<size_t>(l.n_out)) {
      return fail(error, where + "expected " + std::to_string(l.n_out) + " biases, got " +
                             std::to_string(l.biases.size()));
    }
    const std::pair<const char*, const fixed::Spec*> specs[] = {
        {"weight_t", &l.weight},
        {"bias_t", &l.bias},
        {"accum_t", &l.accum},
        {"result_t", &l.result},
        {"activation result_t", &l.activation_result}};
    for (const auto& [name, spec] : specs) {
      if (!fixed::check_spec(*spec, &why)) return fail(error, where + name + ": " + why);
    }
    if (!raws_in_range(l.weights, l.weight)) {
      return fail(error, where + "a weight raw lies outside " + l.weight.str());
    }
    if (!raws_in_range(l.biases, l.bias)) {
      return fail(error, where + "a bias raw lies outside " + l.bias.str());
    }
    any_sigmoid = any_sigmoid || l.activation == Activation::kSigmoid;
  }
  if (any_sigmoid) {
    if (!fixed::check_spec(model.sigmoid_table, &why)) return fail(error, "table_t: " + why);
    if (model.sigmoid_table_size < 2 || model.sigmoid_table_size > kMaxSigmoidTable) {
      return fail(error, "sigmoid table size " + std::to_string(model.sigmoid_table_size) +
                             " out of range 2.." + std::to_string(kMaxSigmoidTable));
    }
  }
  return true;
}

int64_t load_input(int64_t raw, const FixedModel& model) {
  fixed::Spec wrap = model.input;
  wrap.overflow = fixed::Overflow::kWrap;
  wrap.sat_bits = 0;
  return fixed::cast_raw(raw, wrap.frac(), wrap);
}

FixedPredictor::FixedPredictor(const FixedModel& model) : model_(model) {
  const bool any_sigmoid = std::any_of(model_.layers.begin(), model_.layers.end(), [](auto& l) {
    return l.activation == Activation::kSigmoid;
  });
  if (any_sigmoid) table_ = nn::sigmoid_table(model_.sigmoid_table, model_.sigmoid_table_size);
}

void FixedPredictor::predict(const int64_t* x, int64_t* out, FixedTrace* trace) const {
  if (trace) {
    trace->dense.resize(model_.layers.size());
    trace->activation.resize(model_.layers.size());
  }
  std::vector<int64_t> in(model_.layers.front().n_in);
  for (size_t i = 0; i < in.size(); ++i) in[i] = load_input(x[i], model_);
  std::vector<int64_t> dense;
  std::vector<int64_t> act;
  const fixed::Spec* in_spec = &model_.input;
  for (size_t k = 0; k < model_.layers.size(); ++k) {
    const FixedDense& l = model_.layers[k];
    dense.assign(l.n_out, 0);
    act.assign(l.n_out, 0);
    dense_latency(l, *in_spec, in.data(), dense.data());
    activate(l, table_, model_.sigmoid_table, dense.data(), act.data());
    if (trace) {
      trace->dense[k] = dense;
      trace->activation[k] = act;
    }
    in.swap(act);
    in_spec = &l.activation_result;
  }
  std::copy(in.begin(), in.end(), out);
}

std::vector<int64_t> fixed_predict(const FixedModel& model, const int64_t* x, FixedTrace* trace) {
  std::vector<int64_t> out(model.layers.back().n_out);
  FixedPredictor(model).predict(x, out.data(), trace);
  return out;
}

}  // namespace l1t::nn
