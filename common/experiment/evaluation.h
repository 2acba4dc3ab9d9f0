// How well a float model classifies labelled tracks: accuracy at score 0.5 (logit >= 0) and the
// mean binary cross-entropy, computed in chunks so a large test set needs no large buffer.
#pragma once

#include "common/experiment/data_view.h"
#include "common/nn/training/float_mlp.h"

namespace l1t::experiment {

struct Evaluation {
  double accuracy = 0;  // NaN for no rows
  double loss = 0;      // NaN for no rows
};

// ws is reused between calls (no allocation once warm).
Evaluation evaluate(const nn::FloatMlp& model, const DataView& data, nn::Workspace* ws,
                    const nn::LossOptions& loss = {});

// Rows whose prediction at score 0.5 matches the label (label >= 0.5 is positive).
size_t count_correct(const nn::FloatMlp& model, const float* x, const float* y, size_t n,
                     nn::Workspace* ws);

}  // namespace l1t::experiment
