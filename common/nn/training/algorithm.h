// How one batch moves the weights: backpropagation with an Optimizer (SGD, Adam), or online
// alternating minimisation (AM-Adam, am_adam.h). The continual learner and the experiments
// train through this interface, so any strategy works with any algorithm.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/nn/state/state_blob.h"
#include "common/nn/training/adam.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/quantise.h"
#include "common/nn/training/state_copy.h"
#include "common/nn/training/strategy.h"

namespace l1t::nn {

class Algorithm {
 public:
  virtual ~Algorithm() = default;

  // One update of model on n rows (x row-major n x n_inputs, y n x n_outputs targets in [0, 1]).
  // A non-null strategy adds its penalty to the objective: its parameter gradient joins every
  // parameter update. Returns the batch's data loss before the update; *penalty, when non-null,
  // gets the strategy's penalty. Does not throw; allocates nothing once warm for a batch size.
  virtual double step(FloatMlp& model, const float* x, const float* y, size_t n,
                      const LossOptions& loss, Strategy* strategy, double* penalty) = 0;

  // Forgets optimiser state (moments, codes); the next step starts fresh.
  virtual void reset() = 0;
  // "sgd", "adam" or "am-adam": the names configs and experiment reports use.
  virtual std::string_view name() const = 0;

  // For checkpoints: everything the next step depends on besides the model (moments, step
  // counts), and back, so a restored algorithm continues bit for bit. load_state refuses state
  // that does not fit model (missing key, wrong size), changing nothing, with *error saying what.
  // The caller checks the blob's name. Default: nothing to keep.
  virtual void save_state(StateBlob* /*out*/) const {}
  virtual bool load_state(const FloatMlp& /*model*/, const StateBlob& /*in*/,
                          std::string* /*error*/) {
    return true;
  }

  // For the continual learner's step guard (state_copy.h): what save_state keeps, copied in
  // memory before a step, and put back if the step went non-finite, so that the next step sees
  // exactly the state before the bad one. Neither allocates once warm for a model shape.
  // state_finite: whether that state is all finite (a finite parameter can hide an overflowed
  // moment, e.g. Adam's v = g^2 at g ~ 1e20, which would freeze that parameter for good);
  // step_finite: that and the last step's gradients (scratch, so not part of state_finite: a
  // step that was undone leaves them behind). Default: nothing to keep, always finite.
  virtual void copy_state(StateCopy* /*out*/) const {}
  virtual void put_back_state(const StateCopy& /*in*/) {}
  virtual bool state_finite() const { return true; }
  virtual bool step_finite() const { return state_finite(); }
};

// Backpropagation of the whole network's loss, then one Optimizer step.
class BackpropAlgorithm final : public Algorithm {
 public:
  BackpropAlgorithm(std::unique_ptr<Optimizer> optimizer, std::string name);
  double step(FloatMlp& model, const float* x, const float* y, size_t n, const LossOptions& loss,
              Strategy* strategy, double* penalty) override;
  void reset() override { optimizer_->reset(); }
  std::string_view name() const override { return name_; }
  // The optimiser's state: the gradients and workspace are scratch, rebuilt every step.
  void save_state(StateBlob* out) const override { optimizer_->save_state(out); }
  bool load_state(const FloatMlp& model, const StateBlob& in, std::string* error) override {
    return optimizer_->load_state(model, in, error);
  }
  void copy_state(StateCopy* out) const override { optimizer_->copy_state(out); }
  void put_back_state(const StateCopy& in) override { optimizer_->put_back_state(in); }
  bool state_finite() const override { return optimizer_->state_finite(); }
  bool step_finite() const override;  // also the last step's gradients
  Optimizer& optimizer() { return *optimizer_; }

 private:
  std::unique_ptr<Optimizer> optimizer_;
  std::string name_;
  Gradients grads_;
  Workspace ws_;
};

struct AlgorithmConfig {
  std::string name = "adam";    // sgd | adam | am-adam
  float learning_rate = 1e-3f;  // sgd and adam (am-adam has lr_weights)
  float sgd_momentum = 0.9f;    // sgd only
  // am-adam only (am_adam.h), the reference implementation's defaults.
  float lr_codes = 0.3f;
  float lr_weights = 0.008f;
  float mu = 0.003f;
  int code_steps = 1;
  int weight_steps = 1;
  bool parallel_layers = true;  // am-adam's weight step over layers with TBB
  // Quantisation-aware training (qat.h): the named algorithm sees the weights at the deployed
  // precisions, with straight-through updates of float master weights. Off: train in float and
  // quantise at publication (post-training quantisation).
  bool quantisation_aware = false;
  QuantisationConfig quantisation;
};

// "sgd, adam, am-adam": for error messages.
std::string algorithm_names();
// The named algorithm (wrapped for quantisation-aware training if asked), or null with *error
// naming the unknown algorithm or the bad parameter.
std::unique_ptr<Algorithm> make_algorithm(const AlgorithmConfig& config, std::string* error);

}  // namespace l1t::nn
