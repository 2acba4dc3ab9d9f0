#include "common/experiment/cl_suite.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <cstdio>
#include <mutex>

#include "common/experiment/evaluation.h"
#include "common/experiment/json_numbers.h"
#include "common/experiment/seeds.h"
#include "common/experiment/svg_plot.h"

namespace l1t::experiment {
namespace {

// Short x-axis label of an experience: "3%" for a smear step, the scenario for the tracker.
std::string tick_label(const ExperienceSpec& s) {
  if (s.group == "tracker") return s.tracker;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%g%%", s.state.smear * 100);
  return buf;
}

std::string fmt(double v, int decimals = 4) {
  if (!std::isfinite(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

bool run_cl_suite(const ClSuiteOptions& options, ClSuiteResult* out, std::string* error) {
  ClSuiteResult r;
  r.algorithms = options.algorithms.empty() ? default_algorithms() : options.algorithms;
  r.strategies = options.strategies;
  if (r.strategies.empty()) {
    for (auto s : kStrategyNames) r.strategies.emplace_back(s);
  }
  for (const auto& s : r.strategies) {
    if (!is_strategy(s)) {
      *error = "unknown strategy '" + s + "' (known: " + strategy_names() + ")";
      return false;
    }
  }
  if (!check_algorithms(r.algorithms, options.run.algorithms, error)) return false;
  if (!experience_sequence(options.experience_groups, &r.experiences, error)) return false;
  if (options.events_per_experience <= 0 || options.test_events <= 0 ||
      options.pretrain_events <= 0) {
    *error = "events per experience, test events and pre-training events must be positive";
    return false;
  }
  const int threads = std::max(options.threads, 1);
  const SecondsClock clock = options.run.clock ? options.run.clock : SecondsClock(steady_seconds);

  // Data: the pre-training set, then every experience's stream and test set.
  const double t0 = clock();
  const auto pretrain_set =
      make_undegraded_set(options.generator, options.pretrain_events, options.seed, "pretrain");
  const auto experiences =
      make_experiences(r.experiences, options.generator,
                       {options.events_per_experience, options.test_events}, options.seed, threads);
  r.data_seconds = clock() - t0;
  for (const auto& e : experiences) {
    r.train_rows.push_back(e.train.rows());
    r.test_rows.push_back(e.test.rows());
  }
  r.pretrain_rows = pretrain_set.rows();

  const double t1 = clock();
  const nn::FloatMlp initial =
      pretrained_model(view_of(pretrain_set), options.pretrain, options.seed, &r.pretrain_loss);
  nn::Workspace ws;
  for (const auto& e : experiences) {
    r.initial_accuracy.push_back(evaluate(initial, view_of(e.test), &ws).accuracy);
  }

  ClInputs in;
  in.initial = &initial;
  in.experiences = &experiences;
  in.pretrain = view_of(pretrain_set);
  in.initial_accuracy = r.initial_accuracy;

  struct Job {
    std::string strategy, algorithm;
    ClRunResult result;
    std::string error;
    bool ok = false;
  };
  std::vector<Job> jobs;
  // The costliest first (joint), so the parallel runs finish together.
  for (const auto& s : r.strategies) {
    for (const auto& a : r.algorithms) jobs.push_back({s, a, {}, {}, false});
  }
  std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
    return (a.strategy == "joint") > (b.strategy == "joint");
  });
  std::mutex progress_mutex;
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(size_t{0}, jobs.size(), size_t{1}, [&](size_t k) {
      Job& job = jobs[k];
      ClRunConfig c = options.run;
      c.strategy = job.strategy;
      c.algorithm = job.algorithm;
      c.clock = clock;
      c.seed = derive_seed(options.seed, "run/" + job.strategy + "/" + job.algorithm);
      job.ok = run_cl(in, c, &job.result, &job.error);
      if (options.progress) {
        std::lock_guard lock(progress_mutex);
        options.progress(job.ok ? job.strategy + " x " + job.algorithm + ": average accuracy " +
                                      fmt(job.result.metrics.average_accuracy) + ", stream " +
                                      fmt(job.result.stream_accuracy) + " (" +
                                      fmt(job.result.seconds, 1) + " s)"
                                : job.strategy + " x " + job.algorithm + " failed: " + job.error);
      }
    });
  });
  for (auto& job : jobs) {
    if (!job.ok) {
      *error = job.strategy + " x " + job.algorithm + ": " + job.error;
      return false;
    }
    r.runs[job.strategy][job.algorithm] = std::move(job.result);
  }
  r.train_seconds = clock() - t1;
  *out = std::move(r);
  return true;
}

nlohmann::json cl_suite_json(const ClSuiteOptions& options, const ClSuiteResult& r) {
  nlohmann::json j;
  j["suite"] = "cl";
  j["seed"] = options.seed;
  nlohmann::json lr = nlohmann::json::object();
  for (const auto& a : r.algorithms) lr[a] = tidy(learning_rate_for(a, options.run.algorithms));
  j["settings"] = {
      {"events_per_experience", options.events_per_experience},
      {"test_events", options.test_events},
      {"pretrain_events", options.pretrain_events},
      {"pretrain_epochs", options.pretrain.epochs},
      {"batch", options.run.batch},
      {"epochs", options.run.epochs},
      {"replay_capacity", options.run.replay_capacity},
      {"replay_fraction", tidy(options.run.replay_fraction)},
      {"ewc_lambda", tidy(options.run.ewc.lambda)},
      {"ewc_gamma", tidy(options.run.ewc.gamma)},
      {"lwf_temperature", tidy(options.run.lwf.temperature)},
      {"lwf_weight", tidy(options.run.lwf.weight)},
      {"learning_rates", lr},
      {"sgd_momentum", tidy(options.run.algorithms.sgd_momentum)},
      {"threads", options.threads},
      {"experience_groups", options.experience_groups},
  };
  j["experiences"] = nlohmann::json::array();
  for (size_t i = 0; i < r.experiences.size(); ++i) {
    const auto& e = r.experiences[i];
    j["experiences"].push_back({{"name", e.name},
                                {"group", e.group},
                                {"smear", e.state.smear},
                                {"tracker", e.tracker},
                                {"train_rows", r.train_rows[i]},
                                {"test_rows", r.test_rows[i]}});
  }
  j["initial_accuracy"] = json_numbers(r.initial_accuracy);
  j["pretrain_rows"] = r.pretrain_rows;
  j["pretrain_loss"] = r.pretrain_loss;
  j["algorithms"] = r.algorithms;
  j["strategy_order"] = r.strategies;
  j["strategies"] = nlohmann::json::object();
  for (const auto& [s, by_alg] : r.runs) {
    for (const auto& [a, run] : by_alg) {
      nlohmann::json m = nlohmann::json::array();
      std::vector<double> current;
      for (size_t i = 0; i < run.acc.size(); ++i) {
        m.push_back(json_numbers(run.acc[i]));
        current.push_back(run.acc[i][i]);
      }
      j["strategies"][s][a] = {
          {"acc_matrix", m},
          {"accuracy_current", json_numbers(current)},
          {"stream_accuracy", json_number(run.stream_accuracy)},
          {"stream_accuracy_per_experience", json_numbers(run.stream_accuracy_per_experience)},
          {"stream_rows", run.stream_rows},
          {"average_accuracy", json_number(run.metrics.average_accuracy)},
          {"forgetting", json_number(run.metrics.forgetting)},
          {"bwt", json_number(run.metrics.bwt)},
          {"fwt", json_number(run.metrics.fwt)},
          {"steps", run.steps},
          {"seconds", run.seconds},
      };
    }
  }
  j["data_seconds"] = r.data_seconds;
  j["train_seconds"] = r.train_seconds;
  return j;
}

std::string cl_suite_table(const ClSuiteResult& r) {
  std::string o;
  char line[256];
  std::snprintf(line, sizeof line, "%-8s %-9s %9s %9s %10s %9s %9s %8s\n", "strategy", "algorithm",
                "avg_acc", "stream", "forgetting", "bwt", "fwt", "seconds");
  o += line;
  for (const auto& s : r.strategies) {
    for (const auto& a : r.algorithms) {
      const auto& run = r.runs.at(s).at(a);
      std::snprintf(line, sizeof line, "%-8s %-9s %9s %9s %10s %9s %9s %8.1f\n", s.c_str(),
                    a.c_str(), fmt(run.metrics.average_accuracy).c_str(),
                    fmt(run.stream_accuracy).c_str(), fmt(run.metrics.forgetting).c_str(),
                    fmt(run.metrics.bwt).c_str(), fmt(run.metrics.fwt).c_str(), run.seconds);
      o += line;
    }
  }
  for (const auto& a : r.algorithms) {
    o += "\naccuracy on each experience after training on it (" + a + ")\n";
    std::snprintf(line, sizeof line, "%-18s", "experience");
    o += line;
    for (const auto& s : r.strategies) {
      std::snprintf(line, sizeof line, " %8s", s.c_str());
      o += line;
    }
    o += "\n";
    for (size_t i = 0; i < r.experiences.size(); ++i) {
      std::snprintf(line, sizeof line, "%-18s", r.experiences[i].name.c_str());
      o += line;
      for (const auto& s : r.strategies) {
        std::snprintf(line, sizeof line, " %8s", fmt(r.runs.at(s).at(a).acc[i][i]).c_str());
        o += line;
      }
      o += "\n";
    }
  }
  return o;
}

bool write_cl_plots(const ClSuiteResult& r, const std::string& dir, std::vector<std::string>* files,
                    std::string* error) {
  std::vector<PlotTick> ticks;
  std::vector<double> xs;
  for (size_t i = 0; i < r.experiences.size(); ++i) {
    ticks.push_back({static_cast<double>(i), tick_label(r.experiences[i])});
    xs.push_back(static_cast<double>(i));
  }
  for (const auto& a : r.algorithms) {
    Plot current, final_model;
    current.title = "Accuracy after each experience, on that experience (" + a + ")";
    final_model.title = "Accuracy of the final model on every experience (" + a + ")";
    for (Plot* p : {&current, &final_model}) {
      p->x_label = "experience (degradation)";
      p->y_label = "track accuracy (score 0.5)";
      p->x_ticks = ticks;
    }
    for (const auto& s : r.strategies) {
      const auto& run = r.runs.at(s).at(a);
      PlotSeries c{s, xs, {}, s == "joint" || s == "none"};
      PlotSeries f{s, xs, run.acc.back(), c.dashed};
      for (size_t i = 0; i < run.acc.size(); ++i) c.y.push_back(run.acc[i][i]);
      current.series.push_back(std::move(c));
      final_model.series.push_back(std::move(f));
    }
    for (const auto& [name, plot] : {std::pair{"cl_" + a + "_accuracy.svg", &current},
                                     std::pair{"cl_" + a + "_final.svg", &final_model}}) {
      const std::string path = dir + "/" + name;
      if (!write_svg(path, *plot, error)) return false;
      files->push_back(path);
    }
  }
  return true;
}

}  // namespace l1t::experiment
