#include "common/experiment/evaluation.h"

#include <algorithm>
#include <limits>

namespace l1t::experiment {
namespace {
constexpr size_t kChunk = 4096;
}

size_t count_correct(const nn::FloatMlp& model, const float* x, const float* y, size_t n,
                     nn::Workspace* ws) {
  size_t correct = 0;
  const size_t width = model.n_inputs();
  for (size_t start = 0; start < n; start += kChunk) {
    const size_t rows = std::min(kChunk, n - start);
    model.forward(x + start * width, rows, ws);
    const nn::Matrix& z = ws->logits();
    for (size_t r = 0; r < rows; ++r) {
      // sigmoid(z) >= 0.5 exactly when z >= 0.
      correct += (z(static_cast<Eigen::Index>(r), 0) >= 0.0f) == (y[start + r] >= 0.5f);
    }
  }
  return correct;
}

Evaluation evaluate(const nn::FloatMlp& model, const DataView& data, nn::Workspace* ws,
                    const nn::LossOptions& loss) {
  Evaluation e;
  if (data.n == 0) {
    e.accuracy = e.loss = std::numeric_limits<double>::quiet_NaN();
    return e;
  }
  const size_t width = model.n_inputs();
  double loss_sum = 0;
  for (size_t start = 0; start < data.n; start += kChunk) {
    const size_t rows = std::min(kChunk, data.n - start);
    loss_sum += model.loss(data.x + start * width, data.y + start, nullptr, rows, loss, ws) *
                static_cast<double>(rows);
  }
  e.loss = loss_sum / static_cast<double>(data.n);
  e.accuracy = static_cast<double>(count_correct(model, data.x, data.y, data.n, ws)) /
               static_cast<double>(data.n);
  return e;
}

}  // namespace l1t::experiment
