#include "common/nn/algorithm.h"

#include <utility>

namespace l1t::nn {

BackpropAlgorithm::BackpropAlgorithm(std::unique_ptr<Optimizer> optimizer, std::string name)
    : optimizer_(std::move(optimizer)), name_(std::move(name)) {}

double BackpropAlgorithm::step(FloatMlp& model, const float* x, const float* y, size_t n,
                               const LossOptions& loss, Strategy* strategy, double* penalty) {
  if (grads_.dw.size() != static_cast<size_t>(model.num_layers())) grads_ = model.make_gradients();
  const double data_loss = model.loss_and_gradients(x, y, nullptr, n, loss, &grads_, &ws_);
  double p = 0.0;
  if (strategy != nullptr) strategy->add_penalty_gradients(model, x, y, n, &grads_, &p);
  if (penalty != nullptr) *penalty = p;
  optimizer_->step(model, grads_);
  return data_loss;
}

std::string algorithm_names() { return "sgd, adam, am-adam"; }

std::unique_ptr<Algorithm> make_algorithm(const AlgorithmConfig& config, std::string* error) {
  if (config.name == "adam") {
    AdamConfig adam;
    adam.lr = config.learning_rate;
    return std::make_unique<BackpropAlgorithm>(std::make_unique<Adam>(adam), "adam");
  }
  if (config.name == "sgd") {
    SgdConfig sgd;
    sgd.lr = config.learning_rate;
    sgd.momentum = config.sgd_momentum;
    return std::make_unique<BackpropAlgorithm>(std::make_unique<Sgd>(sgd), "sgd");
  }
  if (error != nullptr) {
    *error = "unknown algorithm '" + config.name + "' (known: " + algorithm_names() + ")";
  }
  return nullptr;
}

}  // namespace l1t::nn
