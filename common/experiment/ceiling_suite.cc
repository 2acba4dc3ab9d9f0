#include "common/experiment/ceiling_suite.h"

#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>

#include "common/experiment/clock.h"
#include "common/experiment/json_numbers.h"
#include "common/experiment/seeds.h"
#include "common/experiment/svg_plot.h"
#include "common/fixed/cast.h"
#include "common/fixed/spec.h"
#include "common/nn/evaluation/classification_metrics.h"
#include "common/nn/inference/batch_scorer.h"
#include "common/trigger/event_features.h"

namespace l1t::experiment {
namespace {

constexpr size_t kChunk = 8192;   // rows scored at once: bounded scratch for any test set
constexpr int kScoreBins = 1025;  // scores 0, 2^-10, ..., 1 each in a bin of their own

double binomial_error(double e, uint64_t n) {
  if (n == 0 || !std::isfinite(e)) return std::numeric_limits<double>::quiet_NaN();
  return std::sqrt(e * (1 - e) / static_cast<double>(n));
}

std::string fmt(double v, int decimals = 4) {
  if (!std::isfinite(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string tick_label(const ExperienceSpec& s) {
  if (s.group == "tracker") return s.tracker;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%g%%", s.state.smear * 100);
  return buf;
}

nlohmann::json score_json(const CeilingScore& s) {
  return {{"efficiency", json_number(s.efficiency)},
          {"efficiency_error", json_number(s.efficiency_error)},
          {"pu_acceptance", json_number(s.pu_acceptance)},
          {"threshold", json_number(s.threshold)},
          {"efficiency_fixed", json_number(s.efficiency_fixed)},
          {"efficiency_fixed_error", json_number(s.efficiency_fixed_error)},
          {"pu_acceptance_fixed", json_number(s.pu_acceptance_fixed)},
          {"auc", json_number(s.auc)},
          {"accuracy", json_number(s.accuracy)},
          {"auc_float", json_number(s.auc_float)}};
}

}  // namespace

nn::HistogramAuc fixed_score_histogram(const nn::FixedModel& model, const DataView& data,
                                       size_t* correct) {
  nn::HistogramAuc h(kScoreBins, 0.0f, 1.0f + 1.0f / 1024.0f);
  size_t right = 0;
  if (model.layers.empty() || data.n == 0) {
    if (correct != nullptr) *correct = 0;
    return h;
  }
  const nn::BatchScorer scorer(model);
  const size_t width = static_cast<size_t>(model.layers.front().n_in);
  const size_t n_out = static_cast<size_t>(model.layers.back().n_out);
  const fixed::Spec& out_spec = model.layers.back().activation_result;
  std::vector<int64_t> raw, out;
  for (size_t start = 0; start < data.n; start += kChunk) {
    const size_t rows = std::min(kChunk, data.n - start);
    trigger::quantise_inputs({data.x + start * width, rows * width}, model.input, &raw);
    out.resize(rows * n_out);
    scorer.score(raw.data(), rows, out.data());
    for (size_t r = 0; r < rows; ++r) {
      const float p = static_cast<float>(fixed::to_double(out[r * n_out], out_spec));
      const bool positive = data.y[start + r] >= 0.5f;
      h.add(p, positive);
      right += (p >= 0.5f) == positive;
    }
  }
  if (correct != nullptr) *correct = right;
  return h;
}

double float_auc(const nn::FloatMlp& model, const DataView& data) {
  std::vector<float> logits(data.n);
  nn::Workspace ws;
  const size_t width = model.n_inputs();
  for (size_t start = 0; start < data.n; start += kChunk) {
    const size_t rows = std::min(kChunk, data.n - start);
    model.forward(data.x + start * width, rows, &ws);
    const nn::Matrix& z = ws.logits();
    for (size_t r = 0; r < rows; ++r) logits[start + r] = z(static_cast<Eigen::Index>(r), 0);
  }
  return nn::roc_auc(logits.data(), data.y, data.n);  // the sigmoid is monotonic: same AUC
}

CeilingScore ceiling_score(const nn::HistogramAuc& h, size_t correct, double pu_acceptance,
                           int fixed_bin) {
  CeilingScore s;
  const auto tuned = nn::working_point_for_acceptance(h, pu_acceptance);
  const auto fixed = nn::working_point_at(h, fixed_bin);
  s.efficiency = tuned.efficiency;
  s.pu_acceptance = tuned.negative_acceptance;
  s.threshold = tuned.threshold;
  s.efficiency_error = binomial_error(s.efficiency, h.positives());
  s.efficiency_fixed = fixed.efficiency;
  s.pu_acceptance_fixed = fixed.negative_acceptance;
  s.efficiency_fixed_error = binomial_error(s.efficiency_fixed, h.positives());
  s.auc = h.auc();
  const uint64_t n = h.positives() + h.negatives();
  s.accuracy = n == 0 ? std::numeric_limits<double>::quiet_NaN()
                      : static_cast<double>(correct) / static_cast<double>(n);
  return s;
}

bool run_ceiling_suite(const CeilingOptions& options, CeilingResult* out, std::string* error) {
  std::vector<ExperienceSpec> all, specs;
  if (!experience_sequence(options.experience_groups, &all, error)) return false;
  if (options.positions.empty()) {
    specs = all;
  } else {
    for (size_t k = 0; k < options.positions.size(); ++k) {
      const size_t p = options.positions[k];
      if (p >= all.size() || (k > 0 && p <= options.positions[k - 1])) {
        *error = "experience positions must increase and lie below " + std::to_string(all.size());
        return false;
      }
      specs.push_back(all[p]);
    }
  }
  if (options.train_events <= 0 || options.test_events <= 0 || options.pretrain_events <= 0) {
    *error = "train, test and pre-training events must be positive";
    return false;
  }
  if (options.ceiling_candidates < 1) {
    *error = "at least one ceiling candidate per experience";
    return false;
  }
  if (!(options.pu_acceptance > 0 && options.pu_acceptance < 1)) {
    *error = "the target pile-up acceptance must lie in (0, 1)";
    return false;
  }
  const int threads = std::max(options.threads, 1);
  tbb::task_arena arena(threads);

  CeilingResult r;
  r.target_pu_acceptance = options.pu_acceptance;
  const double t0 = steady_seconds();
  trigger::TrainingSet pretrain_set;
  std::vector<ExperienceData> data;
  arena.execute([&] {
    tbb::parallel_invoke(
        [&] {
          pretrain_set = make_undegraded_set(options.generator, options.pretrain_events,
                                             options.seed, "pretrain");
        },
        [&] {
          data =
              make_experiences(specs, options.generator,
                               {options.train_events, options.test_events}, options.seed, threads);
        });
  });
  r.data_seconds = steady_seconds() - t0;
  r.pretrain_rows = pretrain_set.rows();

  // Training: job 0 the frozen model (as the cl suite pre-trains it), then candidates of every
  // experience's ceiling, each with its own seed, so the models do not depend on the thread
  // count. Every candidate is scored in fixed point on its own training set (never the test
  // set): a seed whose quantised sums wrap loses AUC there, and the best candidate is kept.
  const double t1 = steady_seconds();
  const size_t T = specs.size();
  const size_t N = static_cast<size_t>(options.ceiling_candidates);
  std::vector<nn::FloatMlp> trained(1 + T * N, nn::FloatMlp(options.pretrain.sizes, 0));
  std::vector<std::vector<float>> trained_losses(1 + T * N);
  std::vector<double> train_auc(1 + T * N, 0);
  std::mutex progress_mutex;
  arena.execute([&] {
    tbb::parallel_for(size_t{0}, 1 + T * N, size_t{1}, [&](size_t job) {
      const double start = steady_seconds();
      std::string what = "frozen (undegraded)";
      if (job == 0) {
        trained[0] = pretrained_model(view_of(pretrain_set), options.pretrain, options.seed,
                                      &trained_losses[0]);
      } else {
        const size_t e = (job - 1) / N, k = (job - 1) % N;
        const uint64_t seed =
            k == 0 ? derive_seed(options.seed, "ceiling", e)
                   : derive_seed(options.seed, "ceiling-candidate-" + std::to_string(k), e);
        trained[job] =
            pretrained_model(view_of(data[e].train), options.pretrain, seed, &trained_losses[job]);
        if (N > 1) {
          train_auc[job] = fixed_score_histogram(nn::quantise(trained[job], options.quantisation),
                                                 view_of(data[e].train), nullptr)
                               .auc();
        }
        what = "ceiling " + specs[e].name + (N > 1 ? " #" + std::to_string(k) : "");
      }
      if (options.progress) {
        std::lock_guard lock(progress_mutex);
        const auto& l = trained_losses[job];
        options.progress(what + ": trained, last loss " + fmt(l.empty() ? NAN : l.back()) +
                         (N > 1 && job > 0 ? ", train AUC " + fmt(train_auc[job]) : "") + " (" +
                         fmt(steady_seconds() - start, 1) + " s)");
      }
    });
  });
  std::vector<nn::FloatMlp> models = {trained[0]};
  std::vector<std::vector<float>> losses = {trained_losses[0]};
  std::vector<int> chosen(T, 0);
  for (size_t e = 0; e < T; ++e) {
    size_t best = 1 + e * N;
    for (size_t k = 1; k < N; ++k) {
      if (train_auc[1 + e * N + k] > train_auc[best]) best = 1 + e * N + k;
    }
    chosen[e] = static_cast<int>(best - 1 - e * N);
    models.push_back(trained[best]);
    losses.push_back(trained_losses[best]);
  }
  std::vector<nn::FixedModel> fixed_models;
  for (const auto& m : models) fixed_models.push_back(nn::quantise(m, options.quantisation));

  // Scoring: both models on every experience's test set.
  std::vector<nn::HistogramAuc> h_frozen(T), h_ceiling(T);
  std::vector<size_t> c_frozen(T), c_ceiling(T);
  std::vector<double> auc_frozen(T), auc_ceiling(T);
  arena.execute([&] {
    tbb::parallel_for(size_t{0}, 2 * T, size_t{1}, [&](size_t job) {
      const size_t e = job / 2;
      if (job % 2 == 0) {
        h_frozen[e] = fixed_score_histogram(fixed_models[0], view_of(data[e].test), &c_frozen[e]);
        auc_frozen[e] = float_auc(models[0], view_of(data[e].test));
      } else {
        h_ceiling[e] =
            fixed_score_histogram(fixed_models[e + 1], view_of(data[e].test), &c_ceiling[e]);
        auc_ceiling[e] = float_auc(models[e + 1], view_of(data[e].test));
      }
    });
  });
  r.train_seconds = steady_seconds() - t1;

  // The deployed working point: set once by the frozen model on the first (undegraded)
  // experience, then held for every experience and both models.
  r.working_point = nn::working_point_for_acceptance(h_frozen[0], options.pu_acceptance);
  r.working_point_experience = specs[0].name;
  r.pretrain_loss = losses[0];
  for (size_t e = 0; e < T; ++e) {
    CeilingExperience x;
    x.spec = specs[e];
    x.train_rows = data[e].train.rows();
    x.n_primary = h_frozen[e].positives();
    x.n_pileup = h_frozen[e].negatives();
    x.frozen = ceiling_score(h_frozen[e], c_frozen[e], options.pu_acceptance, r.working_point.bin);
    x.ceiling =
        ceiling_score(h_ceiling[e], c_ceiling[e], options.pu_acceptance, r.working_point.bin);
    x.frozen.auc_float = auc_frozen[e];
    x.ceiling.auc_float = auc_ceiling[e];
    x.gap = x.ceiling.efficiency - x.frozen.efficiency;
    x.gap_error = std::hypot(x.frozen.efficiency_error, x.ceiling.efficiency_error);
    x.gap_fixed = x.ceiling.efficiency_fixed - x.frozen.efficiency_fixed;
    x.gap_fixed_error =
        std::hypot(x.frozen.efficiency_fixed_error, x.ceiling.efficiency_fixed_error);
    x.ceiling_loss = losses[e + 1];
    x.ceiling_candidate = chosen[e];
    r.experiences.push_back(std::move(x));
  }
  *out = std::move(r);
  return true;
}

nlohmann::json ceiling_json(const CeilingOptions& options, const CeilingResult& r) {
  nlohmann::json j;
  j["suite"] = "ceiling";
  j["seed"] = options.seed;
  j["settings"] = {
      {"experience_groups", options.experience_groups},
      {"positions", options.positions},
      {"train_events", options.train_events},
      {"test_events", options.test_events},
      {"pretrain_events", options.pretrain_events},
      {"epochs", options.pretrain.epochs},
      {"batch", options.pretrain.batch},
      {"lr", tidy(options.pretrain.lr)},
      {"sizes", options.pretrain.sizes},
      {"precision", options.quantisation.layer.weight.str()},
      {"ceiling_candidates", options.ceiling_candidates},
      {"threads", options.threads},
  };
  j["working_point"] = {{"target_pu_acceptance", r.target_pu_acceptance},
                        {"experience", r.working_point_experience},
                        {"bin", r.working_point.bin},
                        {"threshold", json_number(r.working_point.threshold)},
                        {"efficiency", json_number(r.working_point.efficiency)},
                        {"pu_acceptance", json_number(r.working_point.negative_acceptance)}};
  j["experiences"] = nlohmann::json::array();
  for (const auto& x : r.experiences) {
    j["experiences"].push_back({{"name", x.spec.name},
                                {"group", x.spec.group},
                                {"smear", x.spec.state.smear},
                                {"tracker", x.spec.tracker},
                                {"train_rows", x.train_rows},
                                {"n_primary", x.n_primary},
                                {"n_pileup", x.n_pileup},
                                {"frozen", score_json(x.frozen)},
                                {"ceiling", score_json(x.ceiling)},
                                {"gap", json_number(x.gap)},
                                {"gap_error", json_number(x.gap_error)},
                                {"gap_fixed", json_number(x.gap_fixed)},
                                {"gap_fixed_error", json_number(x.gap_fixed_error)},
                                {"ceiling_candidate", x.ceiling_candidate},
                                {"ceiling_loss", x.ceiling_loss}});
  }
  j["pretrain_rows"] = r.pretrain_rows;
  j["pretrain_loss"] = r.pretrain_loss;
  j["data_seconds"] = r.data_seconds;
  j["train_seconds"] = r.train_seconds;
  return j;
}

std::string ceiling_table(const CeilingResult& r) {
  std::string o;
  char line[320];
  std::snprintf(line, sizeof line,
                "PV-track efficiency at %.0f %% pile-up acceptance (re-tuned per level); at the "
                "fixed working point (threshold %s, set on '%s')\n",
                r.target_pu_acceptance * 100, fmt(r.working_point.threshold).c_str(),
                r.working_point_experience.c_str());
  o += line;
  std::snprintf(line, sizeof line, "%-18s %8s %8s %18s %8s %8s %8s %8s %15s %15s %15s\n", "level",
                "eff_frz", "eff_ceil", "gap +- error", "fix_frz", "fix_ceil", "pu_frz", "pu_ceil",
                "auc frz/ceil", "acc frz/ceil", "float auc");
  o += line;
  for (const auto& x : r.experiences) {
    const std::string gap = fmt(x.gap) + " +- " + fmt(x.gap_error);
    const std::string auc = fmt(x.frozen.auc) + "/" + fmt(x.ceiling.auc);
    const std::string acc = fmt(x.frozen.accuracy) + "/" + fmt(x.ceiling.accuracy);
    const std::string auc_float = fmt(x.frozen.auc_float) + "/" + fmt(x.ceiling.auc_float);
    std::snprintf(
        line, sizeof line, "%-18s %8s %8s %18s %8s %8s %8s %8s %15s %15s %15s\n",
        x.spec.name.c_str(), fmt(x.frozen.efficiency).c_str(), fmt(x.ceiling.efficiency).c_str(),
        gap.c_str(), fmt(x.frozen.efficiency_fixed).c_str(),
        fmt(x.ceiling.efficiency_fixed).c_str(), fmt(x.frozen.pu_acceptance_fixed).c_str(),
        fmt(x.ceiling.pu_acceptance_fixed).c_str(), auc.c_str(), acc.c_str(), auc_float.c_str());
    o += line;
  }
  return o;
}

bool write_ceiling_plots(const CeilingResult& r, const std::string& dir,
                         std::vector<std::string>* files, std::string* error) {
  Plot p;
  p.title = "PV-track efficiency: frozen deployed model against the from-scratch ceiling";
  p.x_label = "experience (degradation)";
  p.y_label = "PV-track efficiency";
  std::vector<double> xs;
  PlotSeries frozen{"frozen", {}, {}, false, 0}, ceiling{"ceiling", {}, {}, false, 1};
  PlotSeries frozen_fixed{"frozen, fixed working point", {}, {}, true, 0};
  PlotSeries ceiling_fixed{"ceiling, fixed working point", {}, {}, true, 1};
  for (size_t i = 0; i < r.experiences.size(); ++i) {
    const auto& x = r.experiences[i];
    const double xi = static_cast<double>(i);
    p.x_ticks.push_back({xi, tick_label(x.spec)});
    for (PlotSeries* s : {&frozen, &ceiling, &frozen_fixed, &ceiling_fixed}) s->x.push_back(xi);
    frozen.y.push_back(x.frozen.efficiency);
    ceiling.y.push_back(x.ceiling.efficiency);
    frozen_fixed.y.push_back(x.frozen.efficiency_fixed);
    ceiling_fixed.y.push_back(x.ceiling.efficiency_fixed);
  }
  p.series = {frozen, ceiling, frozen_fixed, ceiling_fixed};
  const std::string path = dir + "/ceiling_efficiency.svg";
  if (!write_svg(path, p, error)) return false;
  files->push_back(path);
  return true;
}

}  // namespace l1t::experiment
