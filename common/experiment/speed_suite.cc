#include "common/experiment/speed_suite.h"

#include <tbb/global_control.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/experiment/experiences.h"
#include "common/experiment/json_numbers.h"
#include "common/experiment/seeds.h"
#include "common/experiment/svg_plot.h"

namespace l1t::experiment {

bool run_speed_suite(const SpeedOptions& options, SpeedResult* out, std::string* error) {
  SpeedResult r;
  const auto algorithms = options.algorithms.empty() ? default_algorithms() : options.algorithms;
  if (!check_algorithms(algorithms, options.settings, error)) return false;
  if (options.batches.empty() || options.threads.empty() || !(options.seconds_per_point > 0)) {
    *error = "speed suite needs batch sizes, thread counts and a positive time per point";
    return false;
  }
  for (int t : options.threads) {
    if (t < 1) {
      *error = "thread counts must be at least 1, got " + std::to_string(t);
      return false;
    }
  }
  const auto data = make_undegraded_set(options.generator, options.train_events, options.seed,
                                        "undegraded-train");
  r.train_rows = data.rows();
  const size_t max_batch = *std::max_element(options.batches.begin(), options.batches.end());
  if (options.batches.end() != std::find(options.batches.begin(), options.batches.end(), 0u) ||
      max_batch > data.rows()) {
    *error = "batch sizes must be between 1 and the " + std::to_string(data.rows()) +
             " training rows (raise the training events)";
    return false;
  }
  const nn::FloatMlp start(options.sizes, derive_seed(options.seed, "initial-weights"));
  const size_t width = start.n_inputs();
  const SecondsClock clock = options.clock ? options.clock : SecondsClock(steady_seconds);
  for (int threads : options.threads) {
    tbb::global_control cap(tbb::global_control::max_allowed_parallelism,
                            static_cast<size_t>(threads));
    for (const auto& name : algorithms) {
      for (size_t batch : options.batches) {
        auto algorithm = make_study_algorithm(name, options.settings, error);
        if (!algorithm) return false;
        nn::FloatMlp model = start;
        size_t offset = 0;
        auto step = [&] {
          if (offset + batch > data.rows()) offset = 0;
          algorithm->step(model, &data.x[offset * width], &data.y[offset], batch, {}, nullptr,
                          nullptr);
          offset += batch;
        };
        for (int i = 0; i < options.warmup_steps; ++i) step();
        SpeedRow row{name, batch, threads, 0, 0, 0};
        for (int rep = 0; rep < std::max(options.repeats, 1); ++rep) {
          uint64_t steps = 0;
          const double t0 = clock();
          double now = t0;
          do {
            step();
            ++steps;
            now = clock();
          } while (now - t0 < options.seconds_per_point);
          const double rate = static_cast<double>(steps * batch) / (now - t0);
          if (rate > row.samples_per_s) row = {name, batch, threads, rate, steps, now - t0};
        }
        if (options.progress) {
          char line[160];
          std::snprintf(line, sizeof line, "%s batch %zu threads %d: %.0f samples/s", name.c_str(),
                        batch, threads, row.samples_per_s);
          options.progress(line);
        }
        r.rows.push_back(row);
      }
    }
  }
  *out = std::move(r);
  return true;
}

nlohmann::json speed_json(const SpeedOptions& o, const SpeedResult& r) {
  nlohmann::json j;
  j["suite"] = "speed";
  j["seed"] = o.seed;
  nlohmann::json lr = nlohmann::json::object();
  for (const auto& row : r.rows)
    lr[row.algorithm] = tidy(learning_rate_for(row.algorithm, o.settings));
  j["settings"] = {{"batches", o.batches},
                   {"threads", o.threads},
                   {"seconds_per_point", o.seconds_per_point},
                   {"repeats", o.repeats},
                   {"train_events", o.train_events},
                   {"sizes", o.sizes},
                   {"learning_rates", lr}};
  j["train_rows"] = r.train_rows;
  j["rows"] = nlohmann::json::array();
  for (const auto& row : r.rows) {
    j["rows"].push_back({{"algorithm", row.algorithm},
                         {"batch", row.batch},
                         {"threads", row.threads},
                         {"samples_per_s", row.samples_per_s},
                         {"steps", row.steps},
                         {"seconds", row.seconds}});
  }
  return j;
}

std::string speed_table(const SpeedResult& r) {
  std::string o = "algorithm  threads    batch    samples/s\n";
  char line[120];
  for (const auto& row : r.rows) {
    std::snprintf(line, sizeof line, "%-9s  %7d  %7zu  %11.0f\n", row.algorithm.c_str(),
                  row.threads, row.batch, row.samples_per_s);
    o += line;
  }
  return o;
}

bool write_speed_plot(const SpeedResult& r, const std::string& dir, std::vector<std::string>* files,
                      std::string* error) {
  Plot p;
  p.title = "Training throughput against batch size";
  p.x_label = "batch size";
  p.y_label = "samples/s";
  p.log_x = p.log_y = true;
  std::vector<std::pair<std::string, int>> keys;  // series in first-seen order
  std::map<std::pair<std::string, int>, PlotSeries> series;
  for (const auto& row : r.rows) {
    const auto key = std::pair{row.algorithm, row.threads};
    if (!series.count(key)) {
      keys.push_back(key);
      series[key].name = row.algorithm + ", " + std::to_string(row.threads) +
                         (row.threads == 1 ? " thread" : " threads");
      series[key].dashed = row.threads != 1;
      // One colour per algorithm; the thread count is the dash.
      std::vector<std::string> algs;
      for (const auto& k : keys) {
        if (std::find(algs.begin(), algs.end(), k.first) == algs.end()) algs.push_back(k.first);
      }
      series[key].colour =
          static_cast<int>(std::find(algs.begin(), algs.end(), row.algorithm) - algs.begin());
    }
    series[key].x.push_back(static_cast<double>(row.batch));
    series[key].y.push_back(row.samples_per_s);
  }
  for (const auto& k : keys) p.series.push_back(series[k]);
  const std::string path = dir + "/speed.svg";
  if (!write_svg(path, p, error)) return false;
  files->push_back(path);
  return true;
}

}  // namespace l1t::experiment
