// The scalar reference for a whole FixedModel: hls4ml's arithmetic, one row at a time. Slow and
// obviously right; BatchScorer is checked against it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/nn/inference/fixed_model.h"

namespace l1t::nn {

// Every layer's outputs for one row: dense[k] in layers[k].result, activation[k] in
// layers[k].activation_result.
struct FixedTrace {
  std::vector<std::vector<int64_t>> dense;
  std::vector<std::vector<int64_t>> activation;
};

// Whether the model is well formed: at least one layer, chained shapes, weight and bias
// counts, supported Specs (fixed::check_spec), raws inside their Specs, and a usable sigmoid
// table (2 <= size <= 2^20) if any layer needs one. Says what is wrong in *error.
bool check_fixed_model(const FixedModel& model, std::string* error);

// The raw bits of an input as an ap_fixed register of `model.input` would hold them: inputs
// outside the Spec's range are wrapped (the low W bits kept), never trusted as they are.
int64_t load_input(int64_t raw, const FixedModel& model);

class FixedPredictor {
 public:
  // The model must pass check_fixed_model. Builds the sigmoid table once.
  explicit FixedPredictor(const FixedModel& model);

  // x: layers[0].n_in raws in model.input (see load_input); out: the last layer's n_out
  // activation raws. trace, if given, receives every layer's outputs.
  void predict(const int64_t* x, int64_t* out, FixedTrace* trace = nullptr) const;

  const FixedModel& model() const { return model_; }
  const std::vector<int64_t>& sigmoid_table() const { return table_; }

 private:
  FixedModel model_;
  std::vector<int64_t> table_;
};

// One-shot convenience (builds the sigmoid table on every call).
std::vector<int64_t> fixed_predict(const FixedModel& model, const int64_t* x,
                                   FixedTrace* trace = nullptr);

}  // namespace l1t::nn
