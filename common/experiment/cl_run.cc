#include "common/experiment/cl_run.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <random>

#include "common/experiment/epoch_trainer.h"
#include "common/experiment/evaluation.h"
#include "common/experiment/seeds.h"
#include "common/nn/continual/continual_learner.h"

namespace l1t::experiment {
namespace {

// The model after an experience, scored on every experience's test set.
std::vector<double> score_row(const nn::FloatMlp& model, const std::vector<ExperienceData>& exps,
                              nn::Workspace* ws) {
  std::vector<double> row;
  for (const auto& e : exps) row.push_back(evaluate(model, view_of(e.test), ws).accuracy);
  return row;
}

double ratio(uint64_t a, uint64_t b) {
  return b == 0 ? std::numeric_limits<double>::quiet_NaN()
                : static_cast<double>(a) / static_cast<double>(b);
}

// `joint`: after each experience, `epochs` shuffled passes over every experience so far.
bool run_joint(const ClInputs& in, const ClRunConfig& config, nn::Algorithm& algorithm,
               ClRunResult* out) {
  const auto& exps = *in.experiences;
  nn::FloatMlp model = *in.initial;
  EpochTrainer trainer(model.n_inputs());
  std::mt19937_64 rng(derive_seed(config.seed, "joint-order"));
  std::vector<DataView> seen;
  nn::Workspace ws;
  uint64_t correct_total = 0;
  for (const auto& e : exps) {
    // Prequential: joint trains only at the experience's end, so every row of the stream meets
    // the model of the previous step.
    const size_t correct =
        count_correct(model, e.train.x.data(), e.train.y.data(), e.train.rows(), &ws);
    out->stream_accuracy_per_experience.push_back(ratio(correct, e.train.rows()));
    correct_total += correct;
    out->stream_rows += e.train.rows();
    seen.push_back(view_of(e.train));
    uint64_t rows = 0;
    for (const auto& v : seen) rows += v.n;
    for (int epoch = 0; epoch < config.epochs; ++epoch) {
      trainer.run_epoch(algorithm, model, seen, config.batch, rng);
      out->steps += (rows + config.batch - 1) / config.batch;
    }
    out->acc.push_back(score_row(model, exps, &ws));
    if (in.after_experience) in.after_experience(out->acc.size() - 1, model);
  }
  out->stream_accuracy = ratio(correct_total, out->stream_rows);
  return true;
}

// The streaming strategies, through ContinualLearner as the trainer service runs them.
bool run_streaming(const ClInputs& in, const ClRunConfig& config,
                   std::unique_ptr<nn::Algorithm> algorithm, ClRunResult* out) {
  const auto& exps = *in.experiences;
  const bool frozen = config.strategy == "none";
  const bool replay = config.strategy == "replay";
  nn::ContinualConfig cc;
  cc.batch_size = std::max<size_t>(config.batch, 1);
  cc.replay_capacity = replay ? config.replay_capacity : 0;
  cc.replay_fraction = replay ? config.replay_fraction : 0.0f;
  cc.publish_every = std::numeric_limits<size_t>::max();  // published at experience ends
  cc.seed = derive_seed(config.seed, "replay");
  nn::ContinualLearner learner(*in.initial, cc);
  learner.set_algorithm(std::move(algorithm));
  if (config.strategy == "ewc") {
    auto ewc = std::make_unique<nn::Ewc>(config.ewc);
    // What the pre-trained model knows: its Fisher on (part of) the pre-training data.
    const size_t rows = std::min(config.fisher_rows, in.pretrain.n);
    const size_t width = in.initial->n_inputs();
    for (size_t start = 0; start < rows; start += 1024) {
      const size_t n = std::min<size_t>(1024, rows - start);
      ewc->accumulate_fisher(*in.initial, in.pretrain.x + start * width, in.pretrain.y + start, n);
    }
    ewc->consolidate(*in.initial);
    learner.set_strategy(std::move(ewc));
  } else if (config.strategy == "lwf") {
    learner.set_strategy(std::make_unique<nn::Lwf>(*in.initial, config.lwf));
  }

  nn::Workspace ws;
  const size_t width = in.initial->n_inputs();
  const size_t chunk = learner.fresh_per_step();
  uint64_t correct_total = 0;
  for (const auto& e : exps) {
    const size_t n = e.train.rows();
    const float* x = e.train.x.data();
    const float* y = e.train.y.data();
    uint64_t correct = 0;
    if (frozen) {
      correct = count_correct(learner.model(), x, y, n, &ws);
    } else {
      for (int epoch = 0; epoch < config.epochs; ++epoch) {
        for (size_t start = 0; start < n; start += chunk) {
          const size_t rows = std::min(chunk, n - start);
          // Prequential: score the rows with the model as it is, then learn from them.
          if (epoch == 0)
            correct += count_correct(learner.model(), x + start * width, y + start, rows, &ws);
          learner.add_samples(x + start * width, y + start, rows);
        }
      }
      learner.mark_published();
    }
    out->stream_accuracy_per_experience.push_back(ratio(correct, n));
    correct_total += correct;
    out->stream_rows += n;
    out->acc.push_back(score_row(learner.model(), exps, &ws));
    if (in.after_experience) in.after_experience(out->acc.size() - 1, learner.model());
  }
  out->steps = learner.steps();
  out->stream_accuracy = ratio(correct_total, out->stream_rows);
  return true;
}

}  // namespace

std::string strategy_names() {
  std::string s;
  for (auto n : kStrategyNames) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

bool is_strategy(std::string_view name) {
  return std::find(kStrategyNames.begin(), kStrategyNames.end(), name) != kStrategyNames.end();
}

bool run_cl(const ClInputs& in, const ClRunConfig& config, ClRunResult* out, std::string* error) {
  if (!is_strategy(config.strategy)) {
    *error = "unknown strategy '" + config.strategy + "' (known: " + strategy_names() + ")";
    return false;
  }
  if (in.initial == nullptr || in.experiences == nullptr || in.experiences->empty()) {
    *error = "continual-learning run needs an initial model and at least one experience";
    return false;
  }
  if (in.initial->n_outputs() != 1) {
    *error = "continual-learning run needs a model with one output";
    return false;
  }
  auto algorithm = make_study_algorithm(config.algorithm, config.algorithms, error);
  if (!algorithm) return false;
  const double t0 = config.clock ? config.clock() : 0.0;
  ClRunResult r;
  const bool ok = config.strategy == "joint" ? run_joint(in, config, *algorithm, &r)
                                             : run_streaming(in, config, std::move(algorithm), &r);
  if (!ok) return false;
  std::vector<double> initial = in.initial_accuracy;
  if (initial.empty()) {
    nn::Workspace ws;
    initial = score_row(*in.initial, *in.experiences, &ws);
  }
  if (!compute_cl_metrics(r.acc, initial, &r.metrics, error)) return false;
  r.seconds = config.clock ? config.clock() - t0 : 0.0;
  *out = std::move(r);
  return true;
}

}  // namespace l1t::experiment
