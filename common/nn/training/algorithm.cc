#include "common/nn/training/algorithm.h"

#include <string>
#include <utility>

#include "common/fixed/spec.h"
#include "common/nn/training/am_adam.h"
#include "common/nn/training/qat.h"

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

bool BackpropAlgorithm::step_finite() const {
  return optimizer_->state_finite() && all_finite(grads_.dw) && all_finite(grads_.db);
}

std::string algorithm_names() { return "sgd, adam, am-adam"; }

namespace {

std::unique_ptr<Algorithm> fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return nullptr;
}

// The first am-adam parameter out of its range, named as in AlgorithmConfig; empty if none.
std::string check_am_adam(const AlgorithmConfig& c) {
  auto positive = [](const char* key, float v) {
    return v > 0.0f ? std::string()
                    : std::string(key) + " must be > 0 (got " + std::to_string(v) + ")";
  };
  for (const std::string& e : {positive("lr_codes", c.lr_codes),
                               positive("lr_weights", c.lr_weights), positive("mu", c.mu)}) {
    if (!e.empty()) return e;
  }
  if (c.code_steps < 0) return "code_steps must be >= 0 (got " + std::to_string(c.code_steps) + ")";
  if (c.weight_steps < 1) {
    return "weight_steps must be >= 1 (got " + std::to_string(c.weight_steps) + ")";
  }
  return {};
}

// The first unsupported precision of a quantisation config, named; empty if none.
std::string check_quantisation(const QuantisationConfig& q) {
  auto check = [](const std::string& key, const fixed::Spec& spec) {
    std::string why;
    return fixed::check_spec(spec, &why) ? std::string() : key + ": " + why;
  };
  for (size_t l = 0; l <= q.per_layer.size(); ++l) {
    const bool base = l == q.per_layer.size();
    const LayerPrecision& p = base ? q.layer : q.per_layer[l];
    const std::string where =
        base ? "quantisation.layer" : "quantisation.per_layer[" + std::to_string(l) + "]";
    for (const std::string& e :
         {check(where + ".weight", p.weight), check(where + ".bias", p.bias)}) {
      if (!e.empty()) return e;
    }
  }
  return {};
}

}  // namespace

std::unique_ptr<Algorithm> make_algorithm(const AlgorithmConfig& config, std::string* error) {
  std::unique_ptr<Algorithm> algorithm;
  if (config.name == "adam") {
    AdamConfig adam;
    adam.lr = config.learning_rate;
    algorithm = std::make_unique<BackpropAlgorithm>(std::make_unique<Adam>(adam), "adam");
  } else if (config.name == "sgd") {
    SgdConfig sgd;
    sgd.lr = config.learning_rate;
    sgd.momentum = config.sgd_momentum;
    algorithm = std::make_unique<BackpropAlgorithm>(std::make_unique<Sgd>(sgd), "sgd");
  } else if (config.name == "am-adam") {
    const std::string bad = check_am_adam(config);
    if (!bad.empty()) return fail(error, "am-adam: " + bad);
    AmAdamConfig am;
    am.lr_codes = config.lr_codes;
    am.lr_weights = config.lr_weights;
    am.mu = config.mu;
    am.code_steps = config.code_steps;
    am.weight_steps = config.weight_steps;
    am.parallel_layers = config.parallel_layers;
    algorithm = std::make_unique<AmAdam>(am);
  } else {
    return fail(error,
                "unknown algorithm '" + config.name + "' (known: " + algorithm_names() + ")");
  }
  if (!config.quantisation_aware) return algorithm;
  const std::string bad = check_quantisation(config.quantisation);
  if (!bad.empty()) return fail(error, "quantisation-aware training: " + bad);
  return std::make_unique<QuantisationAware>(std::move(algorithm), config.quantisation);
}

}  // namespace l1t::nn
