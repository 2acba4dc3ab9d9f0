#include "services/emulator/offline_modes.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/config/physics_settings.h"
#include "common/physics/event_generator.h"
#include "common/physics/event_statistics.h"
#include "common/physics/track_table_export.h"
#include "common/physics/tracker_degradation.h"
#include "common/trigger/event_features.h"
#include "services/emulator/event_inputs.h"

namespace l1t::emulator {

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
  EventInputs inputs;
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
  EventInputs inputs;
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

int run_offline(const config::Scenario& cfg, const config::RunPlan& plan, const OfflineOptions& o) {
  return o.describe ? run_describe(cfg, plan, o) : run_export(cfg, plan, o);
}

}  // namespace l1t::emulator
