// Scores many rows at once through a FixedModel, bit-exact with FixedPredictor (the scalar
// hls4ml reference) but fast: rows sit in SIMD lanes and, where the precisions allow, the
// accumulators run as plain wrapping integer adds. Layers whose modes the fast kernels cannot
// express fall back to the scalar arithmetic, so every model is scored exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/nn/inference/fixed_model.h"

namespace l1t::nn {

struct ScorerPlan;

class BatchScorer {
 public:
  // The model must pass check_fixed_model. The scorer keeps its own copy of what it needs.
  explicit BatchScorer(const FixedModel& model);
  ~BatchScorer();
  BatchScorer(BatchScorer&&) noexcept;
  BatchScorer& operator=(BatchScorer&&) noexcept;

  // x_raw: n_rows * n_in raws in model.input, row-major (out-of-range raws are wrapped, as
  // load_input does); out_raw: n_rows * n_out raws of the last layer's activation_result.
  // Thread-safe: const, no shared scratch.
  void score(const int64_t* x_raw, size_t n_rows, int64_t* out_raw) const;

  int n_in() const;
  int n_out() const;
  // How each layer is computed, e.g. "L0:mod32 L1:mod32 L2:exact32": for tests and logs.
  std::string describe() const;
  // Whether rows go through SIMD lanes at all (false: the scalar reference row by row).
  bool vectorised() const;

 private:
  std::unique_ptr<ScorerPlan> plan_;
};

}  // namespace l1t::nn
