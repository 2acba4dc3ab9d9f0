#include "services/chain/launcher.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "common/capture/capture_reader.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"

namespace l1t::chain {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool Launcher::spawn(Service& s, std::string* error) {
  const bool restart = s.incarnation > 0;
  s.ready_file = o_.work_dir + "/" + s.name + ".ready.json";
  s.stats_file = o_.work_dir + "/" + s.name + ".stats.json";
  // Each incarnation its own log: a restart keeps what the dead one said.
  s.log_file = o_.work_dir + "/" + s.name +
               (restart ? ".restart" + std::to_string(s.incarnation) : std::string()) + ".log";
  fs::remove(s.ready_file);
  fs::remove(s.stats_file);
  std::vector<std::string> argv{o_.bin_dir + "/l1t-" + s.name,
                                "--config",
                                o_.process.config,
                                "--ready-file",
                                s.ready_file,
                                "--stats-json",
                                s.stats_file,
                                "--log-level",
                                o_.process.log_level};
  argv.insert(argv.end(), s.args.begin(), s.args.end());
  if (restart && s.restart_args) {
    const auto more = s.restart_args();
    argv.insert(argv.end(), more.begin(), more.end());
  }
  for (const auto& v : o_.process.overrides) argv.insert(argv.end(), {"--set", v});
  for (const auto& v : restart ? s.restart_sets : s.sets) argv.insert(argv.end(), {"--set", v});
  return s.child.start(argv, s.log_file, error, restart ? std::vector<std::string>{} : s.env);
}

Launcher::Readiness Launcher::poll_ready(Service& s, std::string* error) {
  if (fs::exists(s.ready_file) && runtime::read_json_file(s.ready_file, &s.ready)) {
    spdlog::info(
        "chain: {} ready (pid {}, metrics :{}){}", s.name, s.child.pid(),
        s.ready.value("metrics_port", 0),
        s.incarnation > 0 ? " after restart " + std::to_string(s.incarnation) : std::string());
    return Readiness::kReady;
  }
  if (auto code = s.child.exit_code()) {
    *error = s.name + " exited with code " + std::to_string(*code) + " before it was ready; see " +
             s.log_file;
    return Readiness::kFailed;
  }
  return Readiness::kWaiting;
}

bool Launcher::start(Service& s, const std::vector<std::string>& sets, std::string* error) {
  s.sets = sets;
  if (s.restart_sets.empty()) s.restart_sets = sets;
  if (!spawn(s, error)) return false;
  const auto deadline = Clock::now() + std::chrono::seconds(300);
  while (Clock::now() < deadline && !runtime::stop_requested()) {
    switch (poll_ready(s, error)) {
      case Readiness::kReady:
        return true;
      case Readiness::kFailed:
        return false;
      case Readiness::kWaiting:
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *error = s.name + " did not become ready; see " + s.log_file;
  return false;
}

bool count_captured_events(const std::string& path, uint64_t* events, std::string* error) {
  capture::CaptureReader reader;
  if (!reader.open(path, error)) return false;
  *events = 0;
  std::string topic, payload;
  while (reader.next(&topic, &payload)) *events += topic == transport::kTopicEvent;
  return true;
}

std::string self_dir() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : p.parent_path().string();
}

}  // namespace l1t::chain
