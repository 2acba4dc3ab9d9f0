#include "common/experiment/pretrained_model.h"

#include "common/experiment/seeds.h"
#include "common/nn/training/pretrain.h"

namespace l1t::experiment {

nn::FloatMlp pretrained_model(const DataView& data, const PretrainSettings& settings, uint64_t seed,
                              std::vector<float>* losses) {
  nn::FloatMlp model(settings.sizes, derive_seed(seed, "initial-weights"));
  nn::PretrainConfig pc;
  pc.epochs = settings.epochs;
  pc.batch = settings.batch;
  pc.lr = settings.lr;
  pc.seed = derive_seed(seed, "pretrain-order");
  const auto l = nn::pretrain(model, data.x, data.y, data.n, pc);
  if (losses != nullptr) *losses = l;
  return model;
}

}  // namespace l1t::experiment
