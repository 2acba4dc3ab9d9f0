// The emulator's offline modes: --describe prints the statistics of generated events (what a
// trigger physicist checks: multiplicities, efficiency, resolution, vertexing, track quality,
// material losses), --export writes labelled track tables per degradation level. They open no
// socket and no metrics port, and a signal ends them at once.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "common/config/run_plan.h"
#include "common/config/scenario.h"

namespace l1t::emulator {

struct OfflineOptions {
  bool describe = false;
  std::string export_dir;
  uint64_t events = 1000;
  int level = 0;
  bool json = false;

  // Whether an offline mode was asked for (then the emulator runs it instead of the stream).
  bool active() const { return describe || !export_dir.empty(); }
};

// --describe, --export, --events, --level and --json.
void add_offline_options(CLI::App& app, OfflineOptions* o);

// The statistics of o.events events at level o.level, as a table or JSON on stdout. Exit code:
// 0, 1 (an event source failed), 2 (bad level or source).
int run_describe(const config::Scenario& cfg, const config::RunPlan& plan, const OfflineOptions& o);
// Track tables of o.events events per level of the plan into o.export_dir.
int run_export(const config::Scenario& cfg, const config::RunPlan& plan, const OfflineOptions& o);
// The mode o asks for (describe or export).
int run_offline(const config::Scenario& cfg, const config::RunPlan& plan, const OfflineOptions& o);

}  // namespace l1t::emulator
