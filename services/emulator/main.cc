// l1t-emulator: generates bunch crossings with a time-dependent degradation and sends them,
// as L1 track words, to the inference nodes (PUSH) and, with truth, to subscribers (XPUB).
// Every event is stamped with its time (run, fill, lumisection, integrated luminosity, pile-up)
// and its degradation state from the scenario's run plan (config::RunPlan): the `timeline:`
// section when there is one (its pile-up also drives the generator), else the staircase.
// With --hepmc FILE (emulator.hepmc_file) the hard scatter of each event is the next event of
// a HepMC3 file instead of the built-in tt-bar; with --hepmc-pileup FILE
// (emulator.hepmc_pileup_file) each pile-up vertex is an interaction drawn from a HepMC3
// minimum-bias file instead of the built-in Tsallis model (event_inputs.h).
// Each event's messages are built without sockets (event_assembly.h); this file is wiring.
// Offline modes open no socket: --describe prints sample statistics, --export writes labelled
// track tables per degradation level.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "common/config/physics_settings.h"
#include "common/config/run_plan.h"
#include "common/device/device.h"
#include "common/metrics/metrics.h"
#include "common/physics/degradation_schedule.h"
#include "common/physics/event_generator.h"
#include "common/physics/event_statistics.h"
#include "common/physics/track_table_export.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"
#include "common/trigger/event_features.h"
#include "services/emulator/event_assembly.h"
#include "services/emulator/event_inputs.h"

using namespace l1t;
using Clock = std::chrono::steady_clock;

namespace {

struct OfflineOptions {
  bool describe = false;
  std::string export_dir;
  uint64_t events = 1000;
  int level = 0;
  bool json = false;
};

void add_offline_options(CLI::App& app, OfflineOptions* o) {
  auto* describe = app.add_flag("--describe", o->describe,
                                "print statistics of generated events and exit (no sockets)");
  auto* exp = app.add_option("--export", o->export_dir,
                             "write labelled track tables (CSV, .npy) per level to this directory");
  describe->excludes(exp);
  app.add_option("--events", o->events, "events for --describe, or per level for --export")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--level", o->level, "degradation level for --describe")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->needs(describe);
  app.add_flag("--json", o->json, "--describe prints JSON instead of a table")->needs(describe);
}

int run_describe(const config::Scenario& cfg, const config::RunPlan& plan,
                 const OfflineOptions& o) {
  const size_t levels = plan.levels();
  if (o.level >= static_cast<int>(std::max<size_t>(levels, 1))) {
    spdlog::error("--level {} is beyond the schedule's {} levels", o.level, levels);
    return 2;
  }
  const config::EventConditions at = plan.level_start(static_cast<size_t>(o.level));
  const physics::DegradationState& state = at.degradation;
  physics::GeneratorConfig generator = config::generator_config(cfg);
  generator.pileup_mean = at.time.pileup_mean;         // the level's first lumisection
  if (o.json) spdlog::set_level(spdlog::level::warn);  // stdout holds the JSON alone
  emulator::EventInputs inputs;
  std::string error;
  if (!inputs.open(cfg.emulator, generator, &error)) {
    spdlog::error("{}", error);
    return 2;
  }
  physics::EventStatisticsSummary s;
  if (!physics::describe_events(generator, cfg.emulator.seed, state, o.events, inputs.hook(), &s,
                                &error)) {
    spdlog::error("{}", error);
    return 1;
  }
  const std::string scenario(physics::tracker_scenario_name(state.tracker));
  const std::string tracker = physics::to_string(state.tracker);
  if (o.json) {
    nlohmann::json j = physics::to_json(s);
    j["seed"] = cfg.emulator.seed;
    j["pileup_mean"] = generator.pileup_mean;
    j["hard_scatter"] = inputs.hard_scatter_name();
    j["pileup_source"] = inputs.pileup_name();
    j["tracker_scenario"] = scenario;  // "" when the state is no named scenario
    j["tracker_degradation"] = tracker;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    // "tracker bri+5bs (bias_rail=1 bad_strips=0.05)", or the parameters alone.
    const std::string shown =
        scenario.empty() || scenario == tracker ? tracker : scenario + " (" + tracker + ")";
    std::printf("scenario %s, seed %llu, <PU> %g, tracker %s\n%s", cfg.name.c_str(),
                static_cast<unsigned long long>(cfg.emulator.seed), generator.pileup_mean,
                shown.c_str(), physics::format_table(s).c_str());
  }
  return 0;
}

int run_export(const config::Scenario& cfg, const config::RunPlan& plan, const OfflineOptions& o) {
  physics::TrackTableExportOptions e;
  e.generator = config::generator_config(cfg);
  emulator::EventInputs inputs;
  std::string error;
  if (!inputs.open(cfg.emulator, e.generator, &error)) {
    spdlog::error("{}", error);
    return 2;
  }
  e.prepare = inputs.hook();
  e.seed = cfg.emulator.seed;
  e.smear_mode = cfg.degradation.smear_mode;  // the run plan's, for the staircase and timeline
  for (size_t l = 0; l < plan.levels(); ++l) {
    const physics::DegradationState s = plan.level_start(l).degradation;
    e.smear_levels.push_back(s.smear);
    e.tracker_levels.push_back(s.tracker);
  }
  e.events_per_level = o.events;
  e.dir = o.export_dir;
  e.features = trigger::event_features;  // the inference node's own feature code
  std::vector<physics::ExportedLevel> written;
  if (!physics::export_track_tables(e, &written, &error)) {
    spdlog::error("export failed: {}", error);
    return 1;
  }
  for (const auto& l : written) {
    spdlog::info("export: {}/{}.{{csv,npy,json}}: {} events, {} tracks", o.export_dir, l.basename,
                 l.events, l.rows);
  }
  return 0;
}

// The live stream: every event of the run plan, PUSHed to the inference nodes and published
// with its truth, then the end-of-run heartbeat.
int run_online(const runtime::ProcessOptions& options, const config::Scenario& cfg,
               const config::RunPlan& plan) {
  emulator::EventInputs inputs;
  {
    std::string error;
    if (!inputs.open(cfg.emulator, config::generator_config(cfg), &error)) {
      spdlog::error("{}", error);
      return 2;
    }
    spdlog::info("emulator: hard scatters: {}; pile-up: {}{}", inputs.hard_scatter_name(),
                 inputs.pileup_name(),
                 inputs.pileup_interactions() > 0
                     ? fmt::format(" ({} interactions)", inputs.pileup_interactions())
                     : std::string());
  }

  device::Device dev("emulator", options, cfg.metrics.bind_address, cfg.metrics.emulator);
  metrics::Metrics& metrics = dev.metrics();
  auto& events_total = metrics.counter("l1t_events_total", "Events generated");
  auto& tracks_total = metrics.counter("l1t_tracks_total", "L1 tracks generated");
  auto& level_gauge = metrics.gauge("l1t_degradation_level", "Index of the degradation level");
  auto& smear_gauge = metrics.gauge("l1t_degradation_smear", "Gaussian smear fraction in force");
  auto& bias_rail_gauge =
      metrics.gauge("l1t_degradation_bias_rail_fraction",
                    "Share of PS modules losing hits and stubs in bias-rail bands in force");
  auto& ps_z_loss_gauge = metrics.gauge("l1t_degradation_ps_z_loss_fraction",
                                        "Fraction of PS modules without macro-pixel z in force");
  auto& bad_strip_gauge =
      metrics.gauge("l1t_degradation_bad_strip_fraction", "Fraction of dead strips in force");

  // The same outlet and send policy as the replay's.
  device::Outlet& outlet = dev.open_outlet(cfg.endpoints.events, cfg.endpoints.truth);
  dev.ready();

  outlet.wait_for_truth_subscribers(cfg.emulator.min_subscribers, runtime::stop_requested);

  physics::EventGenerator generator(config::generator_config(cfg), cfg.emulator.seed);
  for (size_t l = 0; l < std::min<size_t>(plan.levels(), 50); ++l) {
    const config::EventConditions c = plan.level_start(l);
    spdlog::info("emulator: level {} from run {} LS {}: smear {}, tracker {}", l, c.time.run,
                 c.time.lumisection, c.degradation.smear,
                 physics::to_string(c.degradation.tracker));
  }
  if (plan.levels() > 50) spdlog::info("emulator: ... {} levels in all", plan.levels());
  const uint64_t total = plan.total_events();
  emulator::EventAssembly assembly;
  const bool paced = cfg.emulator.rate_hz > 0;
  const auto start = Clock::now();
  uint64_t generated = 0;
  std::string source_error;  // a bad HepMC3 record stops the run

  for (uint64_t i = 0; i < total && !runtime::stop_requested(); ++i) {
    if (paced) {
      std::this_thread::sleep_until(
          start + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * i / cfg.emulator.rate_hz)));
    }
    const config::EventConditions conditions = plan.at(i);
    const physics::DegradationState& state = conditions.degradation;
    if (plan.has_timeline()) generator.set_pileup_mean(conditions.time.pileup_mean);
    if (!inputs.prepare(generator, &source_error)) {
      spdlog::error("emulator: {}", source_error);
      break;
    }
    const physics::GeneratedEvent ev = generator.next(state);
    assembly.assemble(i, conditions, ev);
    const std::string& payload = assembly.event_payload();

    // Unpaced runs wait for the inference nodes (back-pressure); paced runs drop and count.
    outlet.push_event(payload, /*wait=*/!paced, runtime::stop_requested);
    for (auto [topic, bytes] : {std::pair{transport::kTopicEvent, &payload},
                                {transport::kTopicTruth, &assembly.truth_payload()}}) {
      outlet.publish(topic, *bytes);
    }
    ++generated;
    events_total.Increment();
    tracks_total.Increment(static_cast<double>(ev.tracks.size()));
    level_gauge.Set(state.level);
    smear_gauge.Set(state.smear);
    bias_rail_gauge.Set(state.tracker.bias_rail_fraction);
    ps_z_loss_gauge.Set(state.tracker.ps_z_loss_fraction);
    bad_strip_gauge.Set(state.tracker.bad_strip_fraction);
    if ((i & 1023) == 0) outlet.drain_subscriptions();
  }

  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  outlet.publish_last(transport::kTopicHeartbeat,
                      assembly.end_of_run(!source_error.empty()       ? "failed"
                                          : runtime::stop_requested() ? "stopped"
                                                                      : "finished",
                                          generated));

  spdlog::info("emulator: {} events in {:.2f} s ({:.0f} events/s), dropped {} push / {} pub",
               generated, seconds, generated / std::max(seconds, 1e-9), outlet.push_dropped(),
               outlet.pub_dropped());
  dev.finish({{"events_generated", generated},
              {"events_dropped", outlet.push_dropped()},
              {"pub_dropped", outlet.pub_dropped()},
              {"seconds", seconds}});
  return source_error.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  OfflineOptions offline;
  std::string hepmc_file, hepmc_pileup_file;
  auto add_options = [&](CLI::App& app) {
    add_offline_options(app, &offline);
    app.add_option("--hepmc", hepmc_file,
                   "hard scatters from this HepMC3 ASCII file (sets emulator.hepmc_file)");
    app.add_option("--hepmc-pileup", hepmc_pileup_file,
                   "pile-up drawn from this HepMC3 minimum-bias file (sets "
                   "emulator.hepmc_pileup_file)");
  };
  return device::run_main(
      argc, argv, "l1t-emulator: detector events with time-dependent degradation", add_options,
      [&](const runtime::ProcessOptions& options, const config::Scenario& loaded) {
        config::Scenario cfg = loaded;
        if (!hepmc_file.empty()) cfg.emulator.hepmc_file = hepmc_file;
        if (!hepmc_pileup_file.empty()) cfg.emulator.hepmc_pileup_file = hepmc_pileup_file;
        config::RunPlan plan;
        std::string plan_error;
        if (!config::RunPlan::build(cfg, &plan, &plan_error)) {
          spdlog::error("{}", plan_error);
          return 2;
        }
        // Each event's messages are built without sockets (event_assembly.h); this file is wiring.
        // Offline modes open no socket or metrics port, and a signal ends them at once.
        if (offline.describe || !offline.export_dir.empty()) {
          return offline.describe ? run_describe(cfg, plan, offline)
                                  : run_export(cfg, plan, offline);
        }
        return run_online(options, cfg, plan);
      });
}
