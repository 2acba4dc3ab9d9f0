// Optimisers for FloatMlp behind one small interface, so strategies and later optimisers
// (e.g. AM-Adam) plug into the same training loops. Holds Adam and SGD with momentum.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/nn/state/state_blob.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/state_copy.h"

namespace l1t::nn {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // Applies one update to model from grads (dLoss/dparameter, shaped like the model).
  virtual void step(FloatMlp& model, const Gradients& grads) = 0;
  // Forgets the moment estimates and step count; the next step starts fresh.
  virtual void reset() = 0;
  virtual float learning_rate() const = 0;
  virtual void set_learning_rate(float lr) = 0;
  // For checkpoints (optimizer_state.cc): what the next step depends on besides the model, and
  // back; load_state refuses state that does not fit model, changing nothing. Default: nothing.
  virtual void save_state(StateBlob* /*out*/) const {}
  virtual bool load_state(const FloatMlp& /*model*/, const StateBlob& /*in*/,
                          std::string* /*error*/) {
    return true;
  }
  // For the continual learner's step guard (state_copy.h): the same state as save_state, in
  // memory, and back (put_back_state restores exactly what copy_state saw, including "no step
  // yet"); state_finite says whether all of it is finite. Default: nothing to keep.
  virtual void copy_state(StateCopy* /*out*/) const {}
  virtual void put_back_state(const StateCopy& /*in*/) {}
  virtual bool state_finite() const { return true; }
};

struct AdamConfig {
  float lr = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-7f;  // Keras' default (PyTorch uses 1e-8)
};

// Adam (Kingma & Ba), in the form Keras and the paper's section 2 use: the bias corrections are
// folded into the step size, alpha_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t), and
//   w -= alpha_t * m / (sqrt(v) + epsilon).
// Moment buffers are sized on the first step, so one Adam serves one model shape.
class Adam : public Optimizer {
 public:
  explicit Adam(const AdamConfig& config = {});
  void step(FloatMlp& model, const Gradients& grads) override;
  void reset() override;
  float learning_rate() const override { return config_.lr; }
  void set_learning_rate(float lr) override { config_.lr = lr; }
  int64_t steps() const { return t_; }
  const AdamConfig& config() const { return config_; }
  // m, v and t; the moments in FloatMlp::get_parameters order (empty before the first step).
  void save_state(StateBlob* out) const override;
  bool load_state(const FloatMlp& model, const StateBlob& in, std::string* error) override;
  // Format-1 checkpoints' Adam fields (optimizer_state.cc): the moments flattened layer by layer
  // in Eigen's storage order (empty before the first step), and back; set_state refuses sizes
  // that do not fit.
  void get_state(std::vector<float>* m, std::vector<float>* v) const;
  bool set_state(const FloatMlp& model, int64_t t, const std::vector<float>& m,
                 const std::vector<float>& v);
  // m and v of every layer and t.
  void copy_state(StateCopy* out) const override;
  void put_back_state(const StateCopy& in) override;
  bool state_finite() const override;

 private:
  AdamConfig config_;
  int64_t t_ = 0;
  std::vector<Matrix> m_w_, v_w_;
  std::vector<RowVector> m_b_, v_b_;
};

struct SgdConfig {
  float lr = 1e-2f;
  float momentum = 0.9f;  // 0 gives plain SGD
  bool nesterov = false;
};

// SGD with (optionally Nesterov) momentum, as Keras' SGD: velocity = momentum * velocity - lr * g;
// w += velocity (or, Nesterov, w += momentum * velocity - lr * g).
class Sgd : public Optimizer {
 public:
  explicit Sgd(const SgdConfig& config = {});
  void step(FloatMlp& model, const Gradients& grads) override;
  void reset() override;
  float learning_rate() const override { return config_.lr; }
  void set_learning_rate(float lr) override { config_.lr = lr; }
  const SgdConfig& config() const { return config_; }
  // The velocity in FloatMlp::get_parameters order (empty before the first step).
  void save_state(StateBlob* out) const override;
  bool load_state(const FloatMlp& model, const StateBlob& in, std::string* error) override;
  void copy_state(StateCopy* out) const override;
  void put_back_state(const StateCopy& in) override;
  bool state_finite() const override;

 private:
  SgdConfig config_;
  std::vector<Matrix> vel_w_;
  std::vector<RowVector> vel_b_;
};

}  // namespace l1t::nn
