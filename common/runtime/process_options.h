// What every service's command line has in common, and the files through which a launcher
// learns that a process is ready (its bound endpoints) and what it counted (its stats).
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/config/scenario.h"

namespace l1t::runtime {

struct ProcessOptions {
  std::string config = "configs/default.yaml";
  std::vector<std::string> overrides;  // --set key.path=value, repeatable
  std::string ready_file;              // written once the process serves its sockets
  std::string stats_file;              // written at exit: what the process counted
  std::string log_level = "info";
};

void add_process_options(CLI::App& app, ProcessOptions* options);

// Loads the scenario and sets the log level; on a bad config logs the reason and returns false.
bool load_process_config(const ProcessOptions& options, config::Scenario* scenario);

// Writes JSON atomically (temporary file, then rename), so a reader never sees half of it.
bool write_json_file(const std::string& path, const nlohmann::json& value);
bool read_json_file(const std::string& path, nlohmann::json* value);

}  // namespace l1t::runtime
