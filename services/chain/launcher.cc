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

bool Launcher::start(Service& s, const std::vector<std::string>& extra, std::string* error) {
  s.ready_file = o_.work_dir + "/" + s.name + ".ready.json";
  s.stats_file = o_.work_dir + "/" + s.name + ".stats.json";
  s.log_file = o_.work_dir + "/" + s.name + ".log";
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
  for (const auto& v : o_.process.overrides) argv.insert(argv.end(), {"--set", v});
  for (const auto& v : extra) argv.insert(argv.end(), {"--set", v});
  if (!s.child.start(argv, s.log_file, error)) return false;
  const auto deadline = Clock::now() + std::chrono::seconds(300);
  while (Clock::now() < deadline && !runtime::stop_requested()) {
    if (fs::exists(s.ready_file) && runtime::read_json_file(s.ready_file, &s.ready)) {
      spdlog::info("chain: {} ready (pid {}, metrics :{})", s.name, s.child.pid(),
                   s.ready.value("metrics_port", 0));
      return true;
    }
    if (auto code = s.child.exit_code()) {
      *error = s.name + " exited with code " + std::to_string(*code) +
               " before it was ready; see " + s.log_file;
      return false;
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
