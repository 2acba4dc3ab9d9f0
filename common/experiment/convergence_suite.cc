#include "common/experiment/convergence_suite.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <cstdio>
#include <mutex>

#include "common/experiment/epoch_trainer.h"
#include "common/experiment/evaluation.h"
#include "common/experiment/experiences.h"
#include "common/experiment/json_numbers.h"
#include "common/experiment/seeds.h"
#include "common/experiment/svg_plot.h"

namespace l1t::experiment {
bool run_convergence_suite(const ConvergenceOptions& options, ConvergenceResult* out,
                           std::string* error) {
  ConvergenceResult r;
  r.algorithms = options.algorithms.empty() ? default_algorithms() : options.algorithms;
  if (!check_algorithms(r.algorithms, options.settings, error)) return false;
  if (options.train_events <= 0 || options.test_events <= 0 || options.epochs <= 0 ||
      options.batch == 0) {
    *error = "training events, test events, epochs and batch must be positive";
    return false;
  }
  const auto train = make_undegraded_set(options.generator, options.train_events, options.seed,
                                         "undegraded-train");
  const auto test =
      make_undegraded_set(options.generator, options.test_events, options.seed, "undegraded-test");
  r.train_rows = train.rows();
  r.test_rows = test.rows();
  const nn::FloatMlp start(options.sizes, derive_seed(options.seed, "initial-weights"));
  const SecondsClock clock = options.clock ? options.clock : SecondsClock(steady_seconds);

  std::vector<ConvergenceCurve> curves(r.algorithms.size());
  std::vector<std::string> errors(r.algorithms.size());
  std::mutex progress_mutex;
  tbb::task_arena arena(std::max(options.threads, 1));
  arena.execute([&] {
    tbb::parallel_for(size_t{0}, r.algorithms.size(), size_t{1}, [&](size_t k) {
      const std::string& name = r.algorithms[k];
      auto algorithm = make_study_algorithm(name, options.settings, &errors[k]);
      if (!algorithm) return;
      nn::FloatMlp model = start;
      // The same order for every algorithm: only the update rule differs.
      std::mt19937_64 rng(derive_seed(options.seed, "convergence-order"));
      EpochTrainer trainer(model.n_inputs());
      nn::Workspace ws;
      const DataView tr = view_of(train);
      ConvergenceCurve& c = curves[k];
      const Evaluation e0 = evaluate(model, view_of(test), &ws);
      c.initial_test_loss = e0.loss;
      c.initial_test_accuracy = e0.accuracy;
      const double t0 = clock();
      for (int epoch = 0; epoch < options.epochs; ++epoch) {
        c.train_loss.push_back(trainer.run_epoch(
            *algorithm, model, std::span<const DataView>(&tr, 1), options.batch, rng));
        const Evaluation e = evaluate(model, view_of(test), &ws);
        c.test_loss.push_back(e.loss);
        c.test_accuracy.push_back(e.accuracy);
        if (options.progress) {
          char line[160];
          std::snprintf(line, sizeof line,
                        "%s epoch %d: train loss %.4f, test loss %.4f, accuracy %.4f", name.c_str(),
                        epoch + 1, c.train_loss.back(), e.loss, e.accuracy);
          std::lock_guard lock(progress_mutex);
          options.progress(line);
        }
      }
      c.seconds = clock() - t0;
    });
  });
  for (size_t k = 0; k < r.algorithms.size(); ++k) {
    if (!errors[k].empty()) {
      *error = errors[k];
      return false;
    }
    r.curves[r.algorithms[k]] = std::move(curves[k]);
  }
  *out = std::move(r);
  return true;
}

nlohmann::json convergence_json(const ConvergenceOptions& o, const ConvergenceResult& r) {
  nlohmann::json j;
  j["suite"] = "convergence";
  j["seed"] = o.seed;
  nlohmann::json lr = nlohmann::json::object();
  for (const auto& a : r.algorithms) lr[a] = tidy(learning_rate_for(a, o.settings));
  j["settings"] = {{"train_events", o.train_events},
                   {"test_events", o.test_events},
                   {"epochs", o.epochs},
                   {"batch", o.batch},
                   {"sizes", o.sizes},
                   {"learning_rates", lr},
                   {"sgd_momentum", tidy(o.settings.sgd_momentum)}};
  j["train_rows"] = r.train_rows;
  j["test_rows"] = r.test_rows;
  j["algorithms"] = nlohmann::json::object();
  for (const auto& [name, c] : r.curves) {
    j["algorithms"][name] = {
        {"train_loss", json_numbers(c.train_loss)},
        {"test_loss", json_numbers(c.test_loss)},
        {"test_accuracy", json_numbers(c.test_accuracy)},
        {"initial_test_loss", c.initial_test_loss},
        {"initial_test_accuracy", c.initial_test_accuracy},
        {"final_test_accuracy", c.test_accuracy.back()},
        {"best_test_accuracy", *std::max_element(c.test_accuracy.begin(), c.test_accuracy.end())},
        {"seconds", c.seconds}};
  }
  return j;
}

std::string convergence_table(const ConvergenceResult& r) {
  std::string o;
  char line[200];
  std::snprintf(line, sizeof line, "%-6s", "epoch");
  o += line;
  for (const auto& a : r.algorithms) {
    std::snprintf(line, sizeof line, " %12s %12s", (a + " loss").c_str(), (a + " acc").c_str());
    o += line;
  }
  o += "\n";
  const size_t epochs = r.curves.at(r.algorithms.front()).train_loss.size();
  for (size_t e = 0; e < epochs; ++e) {
    std::snprintf(line, sizeof line, "%-6zu", e + 1);
    o += line;
    for (const auto& a : r.algorithms) {
      const auto& c = r.curves.at(a);
      std::snprintf(line, sizeof line, " %12.4f %12.4f", c.train_loss[e], c.test_accuracy[e]);
      o += line;
    }
    o += "\n";
  }
  return o;
}

bool write_convergence_plots(const ConvergenceResult& r, const std::string& dir,
                             std::vector<std::string>* files, std::string* error) {
  Plot loss, acc;
  loss.title = "Loss per epoch on undegraded tracks (train solid, test dashed)";
  loss.x_label = "epoch";
  loss.y_label = "binary cross-entropy";
  acc.title = "Test accuracy per epoch on undegraded tracks";
  acc.x_label = "epoch";
  acc.y_label = "track accuracy (score 0.5)";
  for (size_t k = 0; k < r.algorithms.size(); ++k) {
    const std::string& a = r.algorithms[k];
    const auto& c = r.curves.at(a);
    std::vector<double> xs;
    for (size_t e = 0; e < c.train_loss.size(); ++e) xs.push_back(static_cast<double>(e + 1));
    const int colour = static_cast<int>(k);  // an algorithm's train and test share a colour
    loss.series.push_back({a + " train", xs, c.train_loss, false, colour});
    loss.series.push_back({a + " test", xs, c.test_loss, true, colour});
    acc.series.push_back({a, xs, c.test_accuracy, false, colour});
  }
  for (const auto& [name, plot] :
       {std::pair{"convergence_loss.svg", &loss}, std::pair{"convergence_accuracy.svg", &acc}}) {
    const std::string path = dir + "/" + name;
    if (!write_svg(path, *plot, error)) return false;
    files->push_back(path);
  }
  return true;
}

}  // namespace l1t::experiment
