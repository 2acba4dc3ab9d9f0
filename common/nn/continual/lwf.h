// Learning without forgetting (Li & Hoiem 2017) for sigmoid outputs: the student is also
// trained to reproduce, on the batch's own inputs, the softened outputs of a frozen teacher
// (the model in service), with Hinton's temperature and T^2 scaling:
//   penalty = alpha * T^2 * mean BCE(sigmoid(z_student / T), sigmoid(z_teacher / T)),
// the BCE taken with the teacher's probability as a soft target.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/nn/training/float_mlp.h"
#include "common/nn/training/strategy.h"

namespace l1t::nn {

struct LwfConfig {
  float temperature = 2.0f;
  float weight = 1.0f;             // alpha
  bool refresh_on_publish = true;  // the published model becomes the teacher
};

class Lwf : public Strategy {
 public:
  // teacher: the model in service when learning starts (normally the initial model).
  explicit Lwf(const FloatMlp& teacher, const LwfConfig& config = {});

  void add_penalty_gradients(const FloatMlp& model, const float* x, const float* y, size_t n,
                             Gradients* grads, double* loss) override;
  void on_published(const FloatMlp& model) override;
  const char* name() const override { return "lwf"; }

  // The penalty for student on the n rows x (allocates; for tests and monitoring).
  double distillation_loss(const FloatMlp& student, const float* x, size_t n) const;

  const FloatMlp& teacher() const { return teacher_; }
  uint64_t refreshes() const { return refreshes_; }
  const LwfConfig& config() const { return config_; }

  // The teacher's parameters and the refresh count (lwf_state.cc).
  void save_state(StateBlob* out) const override;
  bool load_state(const FloatMlp& model, const StateBlob& in, std::string* error) override;
  // The same for the step guard. A step never changes the teacher (only a publication does), so
  // this is belt and braces at the cost of one copy of the parameters.
  void copy_state(StateCopy* out) const override;
  void put_back_state(const StateCopy& in) override;
  bool state_finite() const override;

 private:
  // Penalty from the two logit matrices; if grad is non-null it receives dPenalty/dz_student.
  double distill(const Matrix& student, const Matrix& teacher, Matrix* grad) const;

  LwfConfig config_;
  FloatMlp teacher_;
  uint64_t refreshes_ = 0;
  Workspace student_ws_;
  Workspace teacher_ws_;
};

}  // namespace l1t::nn
