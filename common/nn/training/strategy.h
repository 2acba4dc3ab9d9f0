// Continual-learning strategies that shape the loss a ContinualLearner minimises (EWC, LwF):
// each adds a penalty and its gradient to every training step and reacts to publications.
#pragma once

#include <cstddef>
#include <string>

#include "common/nn/state/state_blob.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/state_copy.h"

namespace l1t::nn {

class Strategy {
 public:
  virtual ~Strategy() = default;

  // Called in every training step after the data loss's gradients are in *grads and before the
  // optimiser step. x is the step's batch (row-major n x n_inputs), y its n x n_outputs labels.
  // Adds the penalty's gradient to *grads and the penalty to *loss. Must not throw and should
  // not allocate once warmed up for a batch size.
  virtual void add_penalty_gradients(const FloatMlp& model, const float* x, const float* y,
                                     size_t n, Gradients* grads, double* loss) = 0;

  // The learner has just published `model`: it is now the model in service.
  virtual void on_published(const FloatMlp& model) = 0;

  virtual const char* name() const = 0;

  // For checkpoints: what the strategy carries between steps (EWC's Fisher and anchor, LwF's
  // teacher), and back, so a restored strategy continues bit for bit. load_state refuses state
  // that does not fit model, changing nothing, with *error saying what. The caller checks the
  // blob's name. Default: nothing to keep.
  virtual void save_state(StateBlob* /*out*/) const {}
  virtual bool load_state(const FloatMlp& /*model*/, const StateBlob& /*in*/,
                          std::string* /*error*/) {
    return true;
  }

  // For the continual learner's step guard (state_copy.h): what save_state keeps, in memory,
  // taken before every step and put back if the step went non-finite; state_finite says whether
  // all of it is finite. Neither copy allocates once warm. Default: nothing, always finite.
  virtual void copy_state(StateCopy* /*out*/) const {}
  virtual void put_back_state(const StateCopy& /*in*/) {}
  virtual bool state_finite() const { return true; }
};

}  // namespace l1t::nn
