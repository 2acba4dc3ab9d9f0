#include "common/runtime/process_options.h"

#include <spdlog/spdlog.h>

#include <fstream>

#include "common/files/atomic_file.h"

namespace l1t::runtime {

void add_process_options(CLI::App& app, ProcessOptions* o) {
  app.add_option("-c,--config", o->config, "scenario YAML file")->capture_default_str();
  app.add_option("--set", o->overrides, "override a config key: key.path=value (repeatable)");
  app.add_option("--ready-file", o->ready_file, "write bound endpoints here once ready (JSON)");
  app.add_option("--stats-json", o->stats_file, "write final counters here at exit (JSON)");
  app.add_option("--log-level", o->log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
}

bool load_process_config(const ProcessOptions& o, config::Scenario* scenario) {
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  std::string error;
  if (!config::load_scenario(o.config, o.overrides, scenario, &error)) {
    spdlog::error("bad configuration: {}", error);
    return false;
  }
  return true;
}

bool write_json_file(const std::string& path, const nlohmann::json& value) {
  if (path.empty()) return true;
  std::string error;
  if (!files::write_atomically(path, value.dump(2) + "\n", &error)) {
    spdlog::warn("{}", error);  // callers report the failure; this says why
    return false;
  }
  return true;
}

bool read_json_file(const std::string& path, nlohmann::json* value) {
  std::ifstream in(path);
  if (!in) return false;
  *value = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  return !value->is_discarded();
}

}  // namespace l1t::runtime
