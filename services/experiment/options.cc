#include "services/experiment/options.h"

#include <charconv>

#include <sstream>
#include <thread>
#include "common/config/physics_settings.h"
#include "common/config/scenario.h"
#include "common/fixed/spec.h"

namespace l1t::experiment_tool {
namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) {
    const auto b = item.find_first_not_of(' ');
    const auto e = item.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// The flag's value if given, else --quick's, else the default.
template <typename T>
T pick(T given, bool quick, T quick_value, T default_value) {
  if (given != T{}) return given;
  return quick ? quick_value : default_value;
}

int hardware_threads() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

bool common(const CommandLine& cl, experiment::AlgorithmSettings* settings,
            std::vector<std::string>* algorithms, std::string* error) {
  *algorithms = split(cl.algorithms);
  if (!cl.algorithms.empty() && algorithms->empty()) {
    *error = "--algorithms: empty list";
    return false;
  }
  if (!experiment::parse_learning_rates(cl.learning_rates, settings, error)) {
    *error = "--lr: " + *error;
    return false;
  }
  if (cl.threads < 0) {
    *error = "--threads must be at least 1 (0: all hardware threads)";
    return false;
  }
  return true;
}

}  // namespace

void add_options(CLI::App& app, CommandLine* cl) {
  app.add_option("--config", cl->config,
                 "scenario YAML whose physics (physics:, emulator.pileup_mean, "
                 "emulator.beam_sigma_z_cm) the generated data follow (default: built-in values, "
                 "those of configs/default.yaml)");
  app.add_option("--set", cl->overrides, "override a scenario key, e.g. --set physics.pt_min=3");
  app.add_option("--suite", cl->suite, "convergence | speed | cl | ceiling")
      ->check(CLI::IsMember({"convergence", "speed", "cl", "ceiling"}));
  app.add_option("--json", cl->json, "write the results as JSON to this file");
  app.add_option("--plot-dir", cl->plot_dir,
                 "write SVG plots here (default: the directory of --json; none without either)");
  app.add_option("--export-data", cl->export_dir,
                 "write the convergence/speed data and starting weights as .npy to DIR and exit");
  app.add_flag("--quick", cl->quick, "small sizes, for tests (explicit sizes still win)");
  app.add_option("--seed", cl->seed, "every data set and run derives from it")->default_val(1);
  app.add_option("--algorithms", cl->algorithms, "comma list of sgd, adam, am-adam (default all)");
  app.add_option("--strategies", cl->strategies,
                 "cl: comma list of none, naive, replay, ewc, lwf, joint (default all); "
                 "ceiling: the continual learners beside frozen and ceiling (naive,replay; "
                 "none: no learner)");
  app.add_option("--experiences", cl->experiences,
                 "cl, ceiling: experience groups in order: smear (11 steps), tracker (5 "
                 "scenarios)")
      ->default_val("smear");
  app.add_option("--threads", cl->threads,
                 "cl/convergence: runs in parallel; speed: the 'all threads' count "
                 "(default: hardware threads)");
  app.add_option("--epochs", cl->epochs,
                 "convergence: epochs (15); cl: passes over each experience (1)");
  app.add_option("--batch", cl->batch, "rows per step (convergence 50, cl 64)");
  app.add_option("--events-per-experience", cl->events_per_experience,
                 "cl: events in each experience's stream (1500)");
  app.add_option("--test-events", cl->test_events, "events in each test set (400)");
  app.add_option("--pretrain-events", cl->pretrain_events,
                 "cl: undegraded events to pre-train on (1500); ceiling: the frozen model's "
                 "(default: --train-events)");
  app.add_option("--pretrain-epochs", cl->pretrain_epochs,
                 "cl: pre-training epochs (8); ceiling: both models' epochs (8)");
  app.add_option("--pu-acceptance", cl->pu_acceptance,
                 "ceiling: pile-up acceptance of the working point (0.10)")
      ->default_val(0.10)
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--positions", cl->positions,
                 "ceiling: only these 0-based positions of the experience sequence, e.g. 0,5,10 "
                 "(default all; the working point is set on the first)");
  app.add_option("--ceiling-candidates", cl->ceiling_candidates,
                 "ceiling: from-scratch models per experience (own seeds), the best in fixed "
                 "point on its training set kept (1)")
      ->default_val(1)
      ->check(CLI::Range(1, 100));
  app.add_option("--train-events", cl->train_events,
                 "convergence (1000), speed and --export-data (300), ceiling (each "
                 "experience's, 1500): training events");
  app.add_option("--replay-capacity", cl->replay_capacity, "cl: replay memory in tracks")
      ->default_val(20000);
  app.add_option("--replay-fraction", cl->replay_fraction,
                 "cl: share of each replay batch drawn from memory")
      ->default_val(0.5)
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--ewc-lambda", cl->ewc_lambda, "cl: EWC penalty strength")->default_val(100);
  app.add_option("--ewc-gamma", cl->ewc_gamma, "cl: decay of the old Fisher per consolidation")
      ->default_val(0.9)
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--lwf-temperature", cl->lwf_temperature, "cl: LwF distillation temperature")
      ->default_val(2.0);
  app.add_option("--lwf-weight", cl->lwf_weight, "cl: LwF distillation weight")->default_val(1.0);
  app.add_option("--lr", cl->learning_rates,
                 "learning rate per algorithm, e.g. --lr adam=0.003 --lr sgd=0.02 "
                 "(defaults: sgd 0.01, adam 0.001, am-adam 0.008)");
  app.add_option("--batches", cl->batches,
                 "speed: comma list of batch sizes (1,10,50,100,200,500,1000)");
  app.add_option("--seconds-per-point", cl->seconds_per_point,
                 "speed: timed seconds per algorithm x batch x threads (0.5)");
  app.add_option("--repeats", cl->repeats, "speed: timed windows per point, the fastest counts (1)")
      ->default_val(1)
      ->check(CLI::Range(1, 100));
}

bool cl_options(const CommandLine& cl, experiment::ClSuiteOptions* o, std::string* error) {
  if (!common(cl, &o->run.algorithms, &o->algorithms, error) ||
      !generator_options(cl, &o->generator, error)) {
    return false;
  }
  o->strategies = split(cl.strategies);
  o->experience_groups = split(cl.experiences);
  o->seed = cl.seed;
  o->threads = cl.threads > 0 ? cl.threads : hardware_threads();
  o->events_per_experience = pick(cl.events_per_experience, cl.quick, 60, 1500);
  o->test_events = pick(cl.test_events, cl.quick, 40, 400);
  o->pretrain_events = pick(cl.pretrain_events, cl.quick, 150, 1500);
  o->pretrain.epochs = pick(cl.pretrain_epochs, cl.quick, 4, 8);
  o->run.epochs = pick(cl.epochs, cl.quick, 1, 1);
  o->run.batch = pick(cl.batch, cl.quick, size_t{64}, size_t{64});
  o->run.replay_capacity = cl.replay_capacity;
  o->run.replay_fraction = cl.replay_fraction;
  o->run.ewc.lambda = cl.ewc_lambda;
  o->run.ewc.gamma = cl.ewc_gamma;
  o->run.lwf.temperature = cl.lwf_temperature;
  o->run.lwf.weight = cl.lwf_weight;
  if (!(cl.lwf_temperature > 0)) {
    *error = "--lwf-temperature must be positive";
    return false;
  }
  return true;
}

bool ceiling_options(const CommandLine& cl, experiment::CeilingOptions* o, std::string* error) {
  std::vector<std::string> algorithms;
  if (!common(cl, &o->learner_run.algorithms, &algorithms, error) ||
      !generator_options(cl, &o->generator, error)) {
    return false;
  }
  // The continual learners beside frozen and ceiling, run as the cl suite runs them.
  if (algorithms.size() > 1) {
    *error = "--algorithms: the ceiling suite's learners take one algorithm (default adam)";
    return false;
  }
  if (!algorithms.empty()) o->learner_run.algorithm = algorithms.front();
  o->learners =
      cl.strategies.empty() ? std::vector<std::string>{"naive", "replay"} : split(cl.strategies);
  if (cl.strategies == "none") o->learners.clear();  // frozen and ceiling only
  o->learner_run.batch = pick(cl.batch, cl.quick, size_t{64}, size_t{64});
  o->learner_run.epochs = pick(cl.epochs, cl.quick, 1, 1);
  o->learner_run.replay_capacity = cl.replay_capacity;
  o->learner_run.replay_fraction = cl.replay_fraction;
  o->learner_run.ewc.lambda = cl.ewc_lambda;
  o->learner_run.ewc.gamma = cl.ewc_gamma;
  o->learner_run.lwf.temperature = cl.lwf_temperature;
  o->learner_run.lwf.weight = cl.lwf_weight;
  // The deployed precision: the scenario's model.precision (and accum_precision), as the
  // trainer quantises at publication.
  config::Scenario s;
  if (!(cl.config.empty() ? config::parse_scenario("", cl.overrides, &s, error)
                          : config::load_scenario(cl.config, cl.overrides, &s, error))) {
    return false;
  }
  if (!nn::model_quantisation(s.model.precision, s.model.accum_precision, &o->quantisation,
                              error)) {
    return false;
  }
  o->experience_groups = split(cl.experiences);
  o->positions.clear();
  for (const auto& p : split(cl.positions)) {
    size_t v = 0;
    const auto r = std::from_chars(p.data(), p.data() + p.size(), v);
    if (r.ec != std::errc() || r.ptr != p.data() + p.size()) {
      *error = "--positions: '" + p + "' is not a non-negative integer";
      return false;
    }
    o->positions.push_back(v);
  }
  if (!cl.positions.empty() && o->positions.empty()) {
    *error = "--positions: empty list";
    return false;
  }
  if (!(cl.pu_acceptance > 0 && cl.pu_acceptance < 1)) {
    *error = "--pu-acceptance must lie in (0, 1)";
    return false;
  }
  o->pu_acceptance = cl.pu_acceptance;
  o->ceiling_candidates = cl.ceiling_candidates;
  o->seed = cl.seed;
  o->threads = cl.threads > 0 ? cl.threads : hardware_threads();
  o->train_events = pick(cl.train_events, cl.quick, 60, 1500);
  o->test_events = pick(cl.test_events, cl.quick, 40, 400);
  // By default the frozen model sees as many (undegraded) events as each ceiling, so on the
  // undegraded experience the two differ only by their seeds.
  o->pretrain_events = cl.pretrain_events > 0 ? cl.pretrain_events : o->train_events;
  o->pretrain.epochs = pick(cl.pretrain_epochs, cl.quick, 4, 8);
  return true;
}

bool convergence_options(const CommandLine& cl, experiment::ConvergenceOptions* o,
                         std::string* error) {
  if (!common(cl, &o->settings, &o->algorithms, error) ||
      !generator_options(cl, &o->generator, error)) {
    return false;
  }
  o->seed = cl.seed;
  o->threads = cl.threads > 0 ? cl.threads : hardware_threads();
  o->train_events = pick(cl.train_events, cl.quick, 100, 1000);
  o->test_events = pick(cl.test_events, cl.quick, 60, 400);
  o->epochs = pick(cl.epochs, cl.quick, 3, 15);
  o->batch = pick(cl.batch, cl.quick, size_t{50}, size_t{50});
  return true;
}

bool speed_options(const CommandLine& cl, experiment::SpeedOptions* o, std::string* error) {
  if (!common(cl, &o->settings, &o->algorithms, error) ||
      !generator_options(cl, &o->generator, error)) {
    return false;
  }
  o->seed = cl.seed;
  const int all = cl.threads > 0 ? cl.threads : hardware_threads();
  o->threads = all > 1 ? std::vector<int>{1, all} : std::vector<int>{1};
  o->train_events = pick(cl.train_events, cl.quick, 20, 300);
  o->seconds_per_point = pick(cl.seconds_per_point, cl.quick, 0.05, 0.5);
  o->repeats = cl.repeats;
  if (!cl.batches.empty()) {
    o->batches.clear();
    for (const auto& b : split(cl.batches)) {
      size_t v = 0;
      const auto r = std::from_chars(b.data(), b.data() + b.size(), v);
      if (r.ec != std::errc() || r.ptr != b.data() + b.size() || v == 0) {
        *error = "--batches: '" + b + "' is not a positive integer";
        return false;
      }
      o->batches.push_back(v);
    }
  }
  return true;
}

bool generator_options(const CommandLine& cl, physics::GeneratorConfig* g, std::string* error) {
  config::Scenario s;
  const bool ok = cl.config.empty() ? config::parse_scenario("", cl.overrides, &s, error)
                                    : config::load_scenario(cl.config, cl.overrides, &s, error);
  if (!ok) return false;
  *g = config::generator_config(s);
  return true;
}

bool export_options(const CommandLine& cl, experiment::ExportOptions* o, std::string* error) {
  std::vector<std::string> unused;
  if (!common(cl, &o->settings, &unused, error) || !generator_options(cl, &o->generator, error)) {
    return false;
  }
  o->dir = cl.export_dir;
  o->seed = cl.seed;
  o->train_events = pick(cl.train_events, cl.quick, 20, 300);
  o->test_events = pick(cl.test_events, cl.quick, 60, 400);
  return true;
}

}  // namespace l1t::experiment_tool
