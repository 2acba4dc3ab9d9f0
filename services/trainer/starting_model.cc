#include "services/trainer/starting_model.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "common/config/physics_settings.h"
#include "common/nn/training/pretrain.h"
#include "common/nn/training/quantise.h"
#include "common/physics/event_generator.h"
#include "common/physics/features.h"
#include "common/transport/model_codec.h"
#include "common/trigger/checked_model.h"

namespace l1t::trainer {
namespace {

using config::signal_generator_config;  // the emulator's detector, made in one place

}  // namespace

bool starting_model(const config::Scenario& cfg, const std::vector<int>& sizes,
                    nn::FloatMlp* model) {
  if (!cfg.trainer.initial_model.empty()) {
    v1::ModelUpdate update;
    trigger::CheckedModel loaded;
    std::string error;
    if (!transport::read_model_file(cfg.trainer.initial_model, &update, &error) ||
        trigger::check_model_weights(update, nullptr, &loaded, &error) !=
            trigger::Verdict::kAccepted) {
      spdlog::error("trainer: config key 'trainer.initial_model': cannot load '{}': {}",
                    cfg.trainer.initial_model, error);
      return false;
    }
    *model = nn::dequantise(loaded.model);
    if (model->sizes() != sizes) {
      spdlog::error(
          "trainer: config key 'trainer.initial_model': '{}' has another architecture than "
          "model.hidden",
          cfg.trainer.initial_model);
      return false;
    }
    spdlog::info("trainer: starting from {}", cfg.trainer.initial_model);
    return true;
  }
  const auto t0 = std::chrono::steady_clock::now();
  // A seed of its own: the model is trained on other collisions than the ones it will see.
  physics::EventGenerator generator(signal_generator_config(cfg),
                                    cfg.trainer.seed ^ 0x9e3779b97f4a7c15ULL);
  const auto data = trigger::make_training_set(generator, cfg.trainer.pretrain_events);
  *model = nn::FloatMlp(sizes, cfg.trainer.seed);
  nn::PretrainConfig pc;
  pc.epochs = cfg.trainer.pretrain_epochs;
  pc.lr = 3e-3f;
  pc.seed = cfg.trainer.seed;
  const auto losses = nn::pretrain(*model, data.x.data(), data.y.data(), data.rows(), pc);
  spdlog::info(
      "trainer: pre-trained on {} tracks from {} undegraded events in {:.1f} s, loss {:.4f}",
      data.rows(), cfg.trainer.pretrain_events,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
      losses.empty() ? 0.0 : losses.back());
  return true;
}

trigger::TrainingSet reference_rows(const config::Scenario& cfg, size_t rows) {
  trigger::TrainingSet data;
  if (rows == 0) return data;
  physics::EventGenerator generator(signal_generator_config(cfg),
                                    cfg.trainer.seed ^ 0x5bd1e9955bd1e995ULL);
  while (data.rows() < rows) {
    const auto more = trigger::make_training_set(generator, 5);
    if (more.rows() == 0) break;
    data.x.insert(data.x.end(), more.x.begin(), more.x.end());
    data.y.insert(data.y.end(), more.y.begin(), more.y.end());
  }
  const size_t n = std::min(rows, data.rows());
  data.x.resize(n * physics::kNumFeatures);
  data.y.resize(n);
  return data;
}

}  // namespace l1t::trainer
