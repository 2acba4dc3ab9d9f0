#include "common/nn/training/pretrain.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "common/nn/training/adam.h"

namespace l1t::nn {

std::vector<float> pretrain(FloatMlp& model, const float* x, const float* y, size_t n,
                            const PretrainConfig& config) {
  std::vector<float> losses;
  if (n == 0 || config.epochs <= 0) return losses;
  const size_t width = model.n_inputs();
  const size_t outs = model.n_outputs();
  const size_t batch = std::clamp<size_t>(config.batch, 1, n);
  AdamConfig adam_config;
  adam_config.lr = config.lr;
  Adam adam(adam_config);
  std::mt19937_64 rng(config.seed);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::vector<float> bx(batch * width);
  std::vector<float> by(batch * outs);
  Gradients grads = model.make_gradients();
  Workspace ws;
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    double total = 0.0;
    for (size_t start = 0; start < n; start += batch) {
      const size_t rows = std::min(batch, n - start);
      for (size_t r = 0; r < rows; ++r) {
        const size_t s = order[start + r];
        std::copy_n(x + s * width, width, &bx[r * width]);
        std::copy_n(y + s * outs, outs, &by[r * outs]);
      }
      const double loss =
          model.loss_and_gradients(bx.data(), by.data(), nullptr, rows, config.loss, &grads, &ws);
      adam.step(model, grads);
      total += loss * static_cast<double>(rows);
    }
    losses.push_back(static_cast<float>(total / static_cast<double>(n)));
  }
  return losses;
}

}  // namespace l1t::nn
