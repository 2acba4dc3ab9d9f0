// Online alternating minimisation with Adam, "AM-Adam" (Choromanska et al. 2019, "Beyond
// Backprop"; the reference is IBM's online-alternating-minimization-with-auxiliary-variables and
// the seed paper's C++ fastAltmin). Per batch:
//   1. a forward pass keeps every hidden layer's pre-activations as codes;
//   2. the codes move from the top down (altmin_losses.h): the last hidden layer's against the
//      task loss through the output block, each lower one against the MSE to the next layer's
//      updated codes, with a pull (mu) towards the forward codes; code_steps steps of SGD with
//      Nesterov momentum, started afresh every batch as the reference does;
//   3. every layer's weights take weight_steps Adam steps on its own local loss (a hidden layer:
//      MSE of its output on its input codes to its codes; the output block: the task loss), the
//      layers in parallel (tbb::parallel_for; they are independent once the codes are fixed).
//
// Small batches. The reference's losses are means over the batch, so the gradient with respect
// to one sample's code scales as 1/n, and the task term is further divided by mu: its code step
// is lr_codes * (1 + momentum) / (mu n) times a per-sample quantity. At n = 1 that is ~190 times
// the per-sample gradient, and the codes (and the targets the weights then chase) overshoot and
// oscillate from batch to batch. Here each layer's code step is capped at 1 / L, with L a bound
// on the Lipschitz constant of the code objective's gradient (altmin_losses.h; it scales as 1/n
// too), so a step is a descent step on the code objective at any batch size, a sample's code
// moves by the same amount whatever batch it is in, and its logit by at most 4 |sigmoid - y|.
// The reference's step is smaller than the cap only for n > lr_codes (1 + momentum) |W_out|^2 /
// (4 mu) (~100 for a fresh 5-25-30-1 network, thousands once trained), so in practice the step
// is the cap. stable_codes = false keeps the reference recipe, for comparison.
//
// Strategies (EWC, LwF): their penalty gradient with respect to all parameters, computed once per
// batch at the pre-step parameters, is added to each layer's local gradient before its Adam step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/nn/training/algorithm.h"
#include "common/nn/training/altmin_losses.h"
#include "common/nn/training/float_mlp.h"

namespace l1t::nn {

struct AmAdamConfig {
  float lr_codes = 0.3f;  // the reference's defaults
  float lr_weights = 0.008f;
  float mu = 0.003f;
  int code_steps = 1;          // per layer per batch
  int weight_steps = 1;        // per layer per batch
  float code_momentum = 0.9f;  // Nesterov, as the reference's per-batch SGD on codes
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;        // PyTorch's Adam, as the reference
  bool stable_codes = true;     // cap the code step at 1/L (see above); false: the reference
  bool parallel_layers = true;  // weight step over layers with TBB (respects global_control)
};

class AmAdam final : public Algorithm {
 public:
  explicit AmAdam(const AmAdamConfig& config = {});

  double step(FloatMlp& model, const float* x, const float* y, size_t n, const LossOptions& loss,
              Strategy* strategy, double* penalty) override;
  void reset() override;
  std::string_view name() const override { return "am-adam"; }
  // Every layer's Adam moments and the step count (am_adam_state.cc). The codes and their
  // momentum start afresh from the forward pass at every batch, so they are not state.
  void save_state(StateBlob* out) const override;
  bool load_state(const FloatMlp& model, const StateBlob& in, std::string* error) override;
  // The same moments and step count for the step guard; step_finite also checks the last
  // step's local gradients.
  void copy_state(StateCopy* out) const override;
  void put_back_state(const StateCopy& in) override;
  bool state_finite() const override;
  bool step_finite() const override;

  const AmAdamConfig& config() const { return config_; }
  // What the last step did, for tests and monitoring: the forward pass's pre-activations (the
  // hidden layers' forward codes, then the logits), the updated codes of each hidden layer
  // (n x k), and the code step size each hidden layer used.
  const std::vector<Matrix>& forward_codes() const { return ws_.z; }
  const std::vector<Matrix>& codes() const { return codes_; }
  const std::vector<float>& code_step_sizes() const { return code_lr_; }
  int64_t weight_steps_taken() const { return t_; }

 private:
  // Per layer: Adam moments and the scratch of its local loss.
  struct LayerState {
    Matrix m_w, v_w, dw, pred, dlogits, act;
    RowVector m_b, v_b, db;
  };

  void ensure_shape(const FloatMlp& model);
  // Sizes the per-batch scratch (codes, penalty gradients) after the layers' moments.
  void size_scratch();
  void update_codes(const FloatMlp& model, const float* y, size_t n, const LossOptions& loss);
  void update_layer(FloatMlp& model, int l, const float* y, const LossOptions& loss,
                    bool with_penalty);

  AmAdamConfig config_;
  int64_t t_ = 0;  // Adam steps per layer so far
  Workspace ws_;   // the forward pass; ws_.z[l] are the forward codes
  Matrix input_;   // the batch, column-major like the codes
  std::vector<Matrix> codes_, code_grad_, code_velocity_;
  std::vector<float> code_lr_;
  std::vector<CodeScratch> code_scratch_;
  std::vector<LayerState> layers_;
  Gradients penalty_;
};

}  // namespace l1t::nn
