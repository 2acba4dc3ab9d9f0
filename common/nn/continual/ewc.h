// Online elastic weight consolidation (Kirkpatrick et al. 2017; the online form of Schwarz et
// al. 2018, "Progress & Compress"): a quadratic pull towards the parameters theta* of the last
// consolidation, weighted per parameter by a running diagonal Fisher information F,
//   penalty = (lambda / 2) * sum_i F_i (theta_i - theta*_i)^2,
// so parameters that mattered for what was learnt move little and the others stay free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/nn/training/float_mlp.h"
#include "common/nn/training/strategy.h"

namespace l1t::nn {

struct EwcConfig {
  float lambda = 100.0f;
  float gamma = 0.9f;  // decay of the old Fisher at each consolidation: F <- gamma * F + F_new
  // Batch rows seen by the penalty between consolidations; 0 consolidates only at publication.
  size_t consolidate_every = 0;
  bool consolidate_on_publish = true;
};

class Ewc : public Strategy {
 public:
  explicit Ewc(const EwcConfig& config = {});

  // Estimates the Fisher on the batch at the current (pre-step) parameters, then adds the
  // penalty. Consolidates first when consolidate_every rows have gone by.
  void add_penalty_gradients(const FloatMlp& model, const float* x, const float* y, size_t n,
                             Gradients* grads, double* loss) override;
  void on_published(const FloatMlp& model) override;
  const char* name() const override { return "ewc"; }

  // Adds one batch to the Fisher estimate of the current window: the empirical Fisher, the mean
  // over samples of the squared gradient of the sample's negative log-likelihood (unweighted
  // BCE of its labels y). The window's estimate is the mean of its batches' estimates.
  void accumulate_fisher(const FloatMlp& model, const float* x, const float* y, size_t n);

  // Ends the window: F <- gamma * F + F_window (F unchanged if the window saw no batch) and
  // theta* <- model's parameters.
  void consolidate(const FloatMlp& model);

  // The penalty at model's parameters (0 before the first consolidation).
  double penalty(const FloatMlp& model) const;

  // Flat views in FloatMlp::get_parameters order (empty before the first use).
  std::vector<float> fisher() const;
  std::vector<float> anchor() const;
  uint64_t consolidations() const { return consolidations_; }
  size_t window_batches() const { return window_batches_; }
  const EwcConfig& config() const { return config_; }

  // The Fisher, the current window's sum, the anchor and the counters of the online update
  // (ewc_state.cc).
  void save_state(StateBlob* out) const override;
  bool load_state(const FloatMlp& model, const StateBlob& in, std::string* error) override;
  // The same for the step guard: a step adds to the window (and may consolidate), so a
  // non-finite batch would otherwise leave an infinite Fisher behind.
  void copy_state(StateCopy* out) const override;
  void put_back_state(const StateCopy& in) override;
  bool state_finite() const override;

 private:
  void ensure_shape(const FloatMlp& model);

  EwcConfig config_;
  bool shaped_ = false;
  bool anchored_ = false;
  // Per-parameter tensors stored in the model's own shapes, so the penalty is one Eigen
  // expression per layer and needs no flattening in the step.
  Gradients fisher_;
  Gradients window_;  // sum over the window's batches of their mean squared gradients
  Gradients anchor_;
  size_t window_batches_ = 0;
  size_t rows_since_consolidation_ = 0;
  uint64_t consolidations_ = 0;
  Workspace ws_;
  std::vector<Matrix> sq_in_, sq_delta_;  // per layer, so sizes never change between steps
};

}  // namespace l1t::nn
