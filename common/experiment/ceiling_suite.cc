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

nlohmann::json ceiling_score_json(const CeilingScore& s) {
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

bool ceiling_score_from_json(const nlohmann::json& j, CeilingScore* out) {
  if (!j.is_object()) return false;
  CeilingScore s;
  const std::pair<const char*, double*> fields[] = {
      {"efficiency", &s.efficiency},
      {"efficiency_error", &s.efficiency_error},
      {"pu_acceptance", &s.pu_acceptance},
      {"threshold", &s.threshold},
      {"efficiency_fixed", &s.efficiency_fixed},
      {"efficiency_fixed_error", &s.efficiency_fixed_error},
      {"pu_acceptance_fixed", &s.pu_acceptance_fixed},
      {"auc", &s.auc},
      {"accuracy", &s.accuracy},
      {"auc_float", &s.auc_float}};
  for (const auto& [key, value] : fields) {
    const auto it = j.find(key);
    if (it == j.end()) return false;
    if (it->is_null()) {
      *value = std::numeric_limits<double>::quiet_NaN();
    } else if (it->is_number()) {
      *value = it->get<double>();
    } else {
      return false;
    }
  }
  *out = s;
  return true;
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

double recovered_fraction(double model, double frozen, double gap, double gap_error) {
  if (!(std::isfinite(model) && std::isfinite(frozen) && std::isfinite(gap) &&
        std::isfinite(gap_error) && gap > kRecoveredFractionMinSignificance * gap_error)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return (model - frozen) / gap;
}

bool ceiling_experiences(const CeilingOptions& options, std::vector<ExperienceSpec>* out,
                         std::string* error) {
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
  *out = std::move(specs);
  return true;
}

bool run_ceiling_suite(const CeilingOptions& options, CeilingResult* out, std::string* error) {
  std::vector<ExperienceSpec> specs;
  return ceiling_experiences(options, &specs, error) &&
         run_ceiling_levels(specs, options, out, error);
}

bool run_ceiling_levels(const std::vector<ExperienceSpec>& specs, const CeilingOptions& options,
                        CeilingResult* out, std::string* error) {
  if (specs.empty()) {
    *error = "no experiences to score";
    return false;
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
  for (const auto& l : options.learners) {
    if (!is_strategy(l) || l == "none") {
      *error = "unknown learner '" + l + "' (known: " + strategy_names() +
               ", except none: the frozen model is scored anyway)";
      return false;
    }
  }
  {
    std::string why;
    if (!options.learners.empty() && !make_study_algorithm(options.learner_run.algorithm,
                                                           options.learner_run.algorithms, &why)) {
      *error = "learners: " + why;
      return false;
    }
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
  trained.clear();
  std::vector<nn::FixedModel> fixed_models;
  for (const auto& m : models) fixed_models.push_back(nn::quantise(m, options.quantisation));

  // Scoring of both models on every experience's test set (jobs 0 .. 2T-1), and the learners
  // (jobs 2T ..): each streams through the experiences from the frozen model, its model after
  // experience e scored on e's test set. The learners' seeds are the cl suite's.
  const size_t L = options.learners.size();
  std::vector<nn::HistogramAuc> h_frozen(T), h_ceiling(T);
  std::vector<size_t> c_frozen(T), c_ceiling(T);
  std::vector<double> auc_frozen(T), auc_ceiling(T);
  std::vector<std::vector<nn::HistogramAuc>> h_learner(L, std::vector<nn::HistogramAuc>(T));
  std::vector<std::vector<size_t>> c_learner(L, std::vector<size_t>(T, 0));
  std::vector<std::vector<double>> auc_learner(L, std::vector<double>(T, 0));
  std::vector<std::string> learner_error(L);
  arena.execute([&] {
    tbb::parallel_for(size_t{0}, L + 2 * T, size_t{1}, [&](size_t j) {
      if (j < L) {  // the learners first: they take longest
        const double start = steady_seconds();
        ClInputs in;
        in.initial = &models[0];
        in.experiences = &data;
        in.pretrain = view_of(pretrain_set);
        in.after_experience = [&, j](size_t e, const nn::FloatMlp& m) {
          h_learner[j][e] = fixed_score_histogram(nn::quantise(m, options.quantisation),
                                                  view_of(data[e].test), &c_learner[j][e]);
          auc_learner[j][e] = float_auc(m, view_of(data[e].test));
        };
        ClRunConfig c = options.learner_run;
        c.strategy = options.learners[j];
        c.seed = derive_seed(options.seed, "run/" + c.strategy + "/" + c.algorithm);
        ClRunResult result;
        std::string why;
        if (!run_cl(in, c, &result, &why)) learner_error[j] = why.empty() ? "failed" : why;
        if (options.progress) {
          std::lock_guard lock(progress_mutex);
          options.progress(options.learners[j] + " x " + c.algorithm +
                           (learner_error[j].empty()
                                ? ": streamed " + std::to_string(T) + " experiences, " +
                                      std::to_string(result.steps) + " steps"
                                : ": " + learner_error[j]) +
                           " (" + fmt(steady_seconds() - start, 1) + " s)");
        }
        return;
      }
      const size_t e = (j - L) / 2;
      if ((j - L) % 2 == 0) {
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
  for (size_t j = 0; j < L; ++j) {
    if (!learner_error[j].empty()) {
      *error = "learner " + options.learners[j] + ": " + learner_error[j];
      return false;
    }
  }

  // The deployed working point: set once by the frozen model on the first (undegraded)
  // experience, then held for every experience and every model.
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
    x.gap_significant = x.gap > kRecoveredFractionMinSignificance * x.gap_error;
    x.gap_fixed_significant = x.gap_fixed > kRecoveredFractionMinSignificance * x.gap_fixed_error;
    x.ceiling_loss = losses[e + 1];
    x.ceiling_candidate = chosen[e];
    for (size_t j = 0; j < L; ++j) {
      CeilingLearner l;
      l.strategy = options.learners[j];
      l.score = ceiling_score(h_learner[j][e], c_learner[j][e], options.pu_acceptance,
                              r.working_point.bin);
      l.score.auc_float = auc_learner[j][e];
      l.gain = l.score.efficiency - x.frozen.efficiency;
      l.gain_error = std::hypot(x.frozen.efficiency_error, l.score.efficiency_error);
      l.gain_fixed = l.score.efficiency_fixed - x.frozen.efficiency_fixed;
      l.gain_fixed_error =
          std::hypot(x.frozen.efficiency_fixed_error, l.score.efficiency_fixed_error);
      l.recovered_fraction =
          recovered_fraction(l.score.efficiency, x.frozen.efficiency, x.gap, x.gap_error);
      l.recovered_fraction_fixed = recovered_fraction(
          l.score.efficiency_fixed, x.frozen.efficiency_fixed, x.gap_fixed, x.gap_fixed_error);
      x.learners.push_back(std::move(l));
    }
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
      {"learners", options.learners},
      {"learner_algorithm", options.learner_run.algorithm},
      {"learner_batch", options.learner_run.batch},
      {"learner_epochs", options.learner_run.epochs},
      {"replay_capacity", options.learner_run.replay_capacity},
      {"replay_fraction", tidy(options.learner_run.replay_fraction)},
      {"threads", options.threads},
  };
  j["recovered_fraction_definition"] =
      "(model - frozen) / (ceiling - frozen) of PV-track efficiency, per level; null where the "
      "gap ceiling - frozen is not above 2 of its errors (gap_significant false; at the fixed "
      "working point: gap_fixed_significant)";
  j["working_point"] = {{"target_pu_acceptance", r.target_pu_acceptance},
                        {"experience", r.working_point_experience},
                        {"bin", r.working_point.bin},
                        {"threshold", json_number(r.working_point.threshold)},
                        {"efficiency", json_number(r.working_point.efficiency)},
                        {"pu_acceptance", json_number(r.working_point.negative_acceptance)}};
  j["experiences"] = nlohmann::json::array();
  for (const auto& x : r.experiences) {
    nlohmann::json e = {{"name", x.spec.name},
                        {"group", x.spec.group},
                        {"smear", x.spec.state.smear},
                        {"tracker", x.spec.tracker},
                        {"train_rows", x.train_rows},
                        {"n_primary", x.n_primary},
                        {"n_pileup", x.n_pileup},
                        {"frozen", ceiling_score_json(x.frozen)},
                        {"ceiling", ceiling_score_json(x.ceiling)},
                        {"gap", json_number(x.gap)},
                        {"gap_error", json_number(x.gap_error)},
                        {"gap_significant", x.gap_significant},
                        {"gap_fixed", json_number(x.gap_fixed)},
                        {"gap_fixed_error", json_number(x.gap_fixed_error)},
                        {"gap_fixed_significant", x.gap_fixed_significant},
                        {"ceiling_candidate", x.ceiling_candidate},
                        {"ceiling_loss", x.ceiling_loss}};
    nlohmann::json recovered = nlohmann::json::object(), recovered_fixed = nlohmann::json::object();
    for (const auto& l : x.learners) {
      nlohmann::json m = ceiling_score_json(l.score);
      m["gain"] = json_number(l.gain);
      m["gain_error"] = json_number(l.gain_error);
      m["gain_fixed"] = json_number(l.gain_fixed);
      m["gain_fixed_error"] = json_number(l.gain_fixed_error);
      m["recovered_fraction"] = json_number(l.recovered_fraction);
      m["recovered_fraction_fixed"] = json_number(l.recovered_fraction_fixed);
      e[l.strategy] = m;
      recovered[l.strategy] = json_number(l.recovered_fraction);
      recovered_fixed[l.strategy] = json_number(l.recovered_fraction_fixed);
    }
    e["recovered_fraction"] = recovered;
    e["recovered_fraction_fixed"] = recovered_fixed;
    j["experiences"].push_back(std::move(e));
  }
  j["pretrain_rows"] = r.pretrain_rows;
  j["pretrain_loss"] = r.pretrain_loss;
  j["data_seconds"] = r.data_seconds;
  j["train_seconds"] = r.train_seconds;
  return j;
}

namespace {

// "0.9878+-0.0009"
std::string with_error(double v, double e) { return fmt(v) + "+-" + fmt(e); }

// One table of efficiencies (tuned: at the target acceptance; else at the fixed working point).
void efficiency_table(const CeilingResult& r, bool tuned, std::string* o) {
  const std::vector<std::string> learners =
      r.experiences.empty() ? std::vector<std::string>{} : [&] {
        std::vector<std::string> names;
        for (const auto& l : r.experiences.front().learners) names.push_back(l.strategy);
        return names;
      }();
  char cell[64];
  auto add = [&](const std::string& text, int width, bool left = false) {
    std::snprintf(cell, sizeof cell, left ? "%-*s " : "%*s ", width, text.c_str());
    *o += cell;
  };
  add("level", 18, true);
  add("frozen", 15);
  for (const auto& n : learners) add(n, 15);
  add("ceiling", 15);
  add("gap +- error", 17);
  for (const auto& n : learners) add("rec " + n, 11);
  if (!tuned) add("pu frz/ceil", 13);
  o->back() = '\n';
  for (const auto& x : r.experiences) {
    const auto eff = [&](const CeilingScore& s) {
      return tuned ? with_error(s.efficiency, s.efficiency_error)
                   : with_error(s.efficiency_fixed, s.efficiency_fixed_error);
    };
    add(x.spec.name, 18, true);
    add(eff(x.frozen), 15);
    for (const auto& l : x.learners) add(eff(l.score), 15);
    add(eff(x.ceiling), 15);
    add(tuned ? fmt(x.gap) + " +- " + fmt(x.gap_error)
              : fmt(x.gap_fixed) + " +- " + fmt(x.gap_fixed_error),
        17);
    for (const auto& l : x.learners) {
      const double f = tuned ? l.recovered_fraction : l.recovered_fraction_fixed;
      add(std::isfinite(f) ? fmt(f, 2) : "-", 11);
    }
    if (!tuned)
      add(fmt(x.frozen.pu_acceptance_fixed) + "/" + fmt(x.ceiling.pu_acceptance_fixed), 13);
    o->back() = '\n';
  }
}

}  // namespace

std::string ceiling_table(const CeilingResult& r) {
  std::string o;
  char line[320];
  std::snprintf(line, sizeof line,
                "PV-track efficiency at %.0f %% pile-up acceptance (threshold re-tuned per level "
                "and model), binomial errors:\n",
                r.target_pu_acceptance * 100);
  o += line;
  efficiency_table(r, true, &o);
  std::snprintf(line, sizeof line,
                "\nAt the frozen model's fixed working point (threshold %s, set on '%s'):\n",
                fmt(r.working_point.threshold).c_str(), r.working_point_experience.c_str());
  o += line;
  efficiency_table(r, false, &o);
  o += "\nrec = (model - frozen) / (ceiling - frozen); '-' where the gap is not above 2 of its "
       "errors.\n\n";
  const std::string models = [&] {
    std::string m = "frozen/ceiling";
    if (!r.experiences.empty()) {
      for (const auto& l : r.experiences.front().learners) m += "/" + l.strategy;
    }
    return m;
  }();
  std::snprintf(line, sizeof line, "AUC, accuracy at score 0.5 and float AUC of %s:\n",
                models.c_str());
  o += line;
  std::snprintf(line, sizeof line, "%-18s %34s %34s %34s\n", "level", "auc", "acc at 0.5",
                "float auc");
  o += line;
  for (const auto& x : r.experiences) {
    std::string auc = fmt(x.frozen.auc), acc = fmt(x.frozen.accuracy),
                auc_float = fmt(x.frozen.auc_float);
    for (const CeilingScore* s : {&x.ceiling}) {
      auc += "/" + fmt(s->auc);
      acc += "/" + fmt(s->accuracy);
      auc_float += "/" + fmt(s->auc_float);
    }
    for (const auto& l : x.learners) {
      auc += "/" + fmt(l.score.auc);
      acc += "/" + fmt(l.score.accuracy);
      auc_float += "/" + fmt(l.score.auc_float);
    }
    std::snprintf(line, sizeof line, "%-18s %34s %34s %34s\n", x.spec.name.c_str(), auc.c_str(),
                  acc.c_str(), auc_float.c_str());
    o += line;
  }
  return o;
}

bool write_ceiling_plots(const CeilingResult& r, const std::string& dir,
                         std::vector<std::string>* files, std::string* error) {
  Plot p;
  p.title = "PV-track efficiency: frozen, continual learners and the from-scratch ceiling";
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
  const size_t L = r.experiences.empty() ? 0 : r.experiences.front().learners.size();
  for (size_t j = 0; j < L; ++j) {
    PlotSeries s{
        r.experiences.front().learners[j].strategy, {}, {}, false, static_cast<int>(2 + j)};
    for (size_t i = 0; i < r.experiences.size(); ++i) {
      s.x.push_back(static_cast<double>(i));
      s.y.push_back(r.experiences[i].learners[j].score.efficiency);
    }
    p.series.push_back(std::move(s));
  }
  const std::string path = dir + "/ceiling_efficiency.svg";
  if (!write_svg(path, p, error)) return false;
  files->push_back(path);
  return true;
}

}  // namespace l1t::experiment
