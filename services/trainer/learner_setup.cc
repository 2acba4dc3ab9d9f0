#include "services/trainer/learner_setup.h"

#include "common/fixed/spec.h"
#include "common/nn/continual/ewc.h"
#include "common/nn/continual/lwf.h"
#include "common/physics/features.h"

namespace l1t::trainer {

bool make_learner_setup(const config::Scenario& cfg, LearnerSetup* out, std::string* error) {
  const config::TrainerSettings& t = cfg.trainer;
  LearnerSetup s;
  s.sizes = {physics::kNumFeatures};
  s.sizes.insert(s.sizes.end(), cfg.model.hidden.begin(), cfg.model.hidden.end());
  s.sizes.push_back(1);
  if (!nn::model_quantisation(cfg.model.precision, cfg.model.accum_precision, &s.quantisation,
                              error)) {
    return false;
  }

  s.learning = t.strategy != "none";
  const bool replay = t.strategy == "replay";
  s.continual.learning_rate = static_cast<float>(t.learning_rate);
  s.continual.batch_size = static_cast<size_t>(t.batch_size);
  s.continual.replay_capacity = replay ? static_cast<size_t>(t.replay_capacity) : 0;
  s.continual.replay_fraction = replay ? static_cast<float>(t.replay_fraction) : 0.0f;
  s.continual.publish_every = static_cast<size_t>(t.publish_every);
  s.continual.seed = t.seed;
  s.continual.sgd_momentum = static_cast<float>(t.sgd_momentum);

  s.algorithm.name = t.algorithm;
  s.algorithm.learning_rate = static_cast<float>(t.learning_rate);
  s.algorithm.sgd_momentum = static_cast<float>(t.sgd_momentum);
  s.algorithm.quantisation_aware = t.quantisation == "qat";
  s.algorithm.quantisation = s.quantisation;
  // Made once here so a bad name or parameter stops the trainer before it does any work.
  std::string why;
  if (nn::make_algorithm(s.algorithm, &why) == nullptr) {
    *error = "config key 'trainer.algorithm' (or 'trainer.quantisation'): " + why;
    return false;
  }

  s.gate.window = static_cast<size_t>(t.gate_window);
  s.gate.margin = t.gate_margin;
  s.gate.reference_margin = t.gate_reference_margin;
  s.gate.threshold = static_cast<float>(cfg.inference.score_threshold);
  s.gate.pu_acceptance = cfg.inference.working_point_pu_acceptance;
  if (!trigger::parse_update_policy(t.update_policy, &s.policy)) {
    *error =
        "config key 'trainer.update_policy' must be one of: " + trigger::update_policy_names() +
        " (got '" + t.update_policy + "')";
    return false;
  }
  *out = std::move(s);
  return true;
}

std::unique_ptr<nn::Strategy> make_strategy(const config::TrainerSettings& t,
                                            const nn::FloatMlp& in_service) {
  if (t.strategy == "ewc") {
    nn::EwcConfig c;
    c.lambda = t.ewc_lambda;
    c.gamma = t.ewc_decay;
    return std::make_unique<nn::Ewc>(c);
  }
  if (t.strategy == "lwf") {
    nn::LwfConfig c;
    c.temperature = t.lwf_temperature;
    c.weight = t.lwf_weight;
    return std::make_unique<nn::Lwf>(in_service, c);
  }
  return nullptr;
}

std::unique_ptr<nn::ContinualLearner> make_learner(const config::Scenario& cfg,
                                                   const LearnerSetup& setup,
                                                   const nn::FloatMlp& start) {
  auto learner = std::make_unique<nn::ContinualLearner>(start, setup.continual);
  learner->set_algorithm(nn::make_algorithm(setup.algorithm, nullptr));
  learner->set_strategy(make_strategy(cfg.trainer, start));
  return learner;
}

}  // namespace l1t::trainer
