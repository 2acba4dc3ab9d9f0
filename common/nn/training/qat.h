// Quantisation-aware training: any Algorithm trained against the weights the FPGA will hold.
// Before each inner step the float master weights are set aside and the model gets them
// quantised to the deployed precisions (exactly as quantise() converts them at publication);
// the inner step's forward and backward passes (and a strategy's penalty) see those deployed
// values; then the straight-through estimator carries the update back to the masters:
//   master += updated - quantised,
// i.e. the rounding is treated as the identity in the backward pass (Bengio et al. 2013; the
// QKeras/hls4ml practice). Between steps the model holds the float masters, so publication
// quantises them as usual. The alternative, post-training quantisation, is training without
// this wrapper. Activations stay in float here: only parameters are quantised.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "common/nn/training/algorithm.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/quantise.h"

namespace l1t::nn {

// Replaces every weight and bias of model by the value its deployed fixed-point type holds
// (quantise_parameter with the config's saturation and text rules, back to float): the same
// numbers as dequantise(quantise(model, config)), without allocating.
void fake_quantise(FloatMlp& model, const QuantisationConfig& config);

class QuantisationAware final : public Algorithm {
 public:
  QuantisationAware(std::unique_ptr<Algorithm> inner, const QuantisationConfig& config);

  double step(FloatMlp& model, const float* x, const float* y, size_t n, const LossOptions& loss,
              Strategy* strategy, double* penalty) override;
  void reset() override { inner_->reset(); }
  // The inner algorithm's name: quantisation awareness is an option, not another algorithm.
  std::string_view name() const override { return inner_->name(); }
  // The inner algorithm's state only: between steps the model's parameters are the float master
  // weights, and the master/quantised copies below are scratch, rewritten at every step.
  void save_state(StateBlob* out) const override { inner_->save_state(out); }
  bool load_state(const FloatMlp& model, const StateBlob& in, std::string* error) override {
    return inner_->load_state(model, in, error);
  }
  void copy_state(StateCopy* out) const override { inner_->copy_state(out); }
  void put_back_state(const StateCopy& in) override { inner_->put_back_state(in); }
  bool state_finite() const override { return inner_->state_finite(); }
  bool step_finite() const override { return inner_->step_finite(); }

  Algorithm& inner() { return *inner_; }
  const QuantisationConfig& config() const { return config_; }

 private:
  std::unique_ptr<Algorithm> inner_;
  QuantisationConfig config_;
  std::vector<Matrix> master_w_, quant_w_;
  std::vector<RowVector> master_b_, quant_b_;
};

}  // namespace l1t::nn
