// What l1t-chain starts and how: its options, one child process per service (its ready,
// stats and log files), and the launcher that starts one and waits until it is ready.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/runtime/child_process.h"
#include "common/runtime/process_options.h"

namespace l1t::chain {

struct Options {
  runtime::ProcessOptions process;
  std::string summary_json;
  std::string report_dir;  // report.html goes here (run_report.h); empty: none
  std::string bin_dir;
  std::string work_dir;
  bool ephemeral = false;
  double timeout_s = 900;
  double progress_s = 1.0;
  std::string replay;    // a capture file played by l1t-replay in the emulator's place
  std::string capture;   // a capture file written by l1t-capture from the emulator's truth
  bool restart = false;  // start a process again when it dies (Supervisor)
  int max_restarts = 5;  // per process
  // Fault injection: "POINT[:N]" (runtime::fault_point), given to the first incarnation of the
  // process POINT names (the part before its first '.').
  std::vector<std::string> kill_at;
};

struct Service {
  explicit Service(std::string n) : name(std::move(n)) {}
  std::string name;
  std::vector<std::string> args;  // before the --set overrides, e.g. l1t-replay's --in FILE
  // The --set values of its first start; a restart's are the same with the endpoints it bound
  // (restart_sets), so that its peers, which reconnect by themselves, find it again.
  std::vector<std::string> sets, restart_sets;
  // More arguments for a restart, asked for at the moment of the restart (the emulator's
  // --resume-after N).
  std::function<std::vector<std::string>()> restart_args;
  std::vector<std::string> env;  // for the first incarnation only (fault injection)
  int incarnation = 0;           // 0 the first start, n the n-th restart
  runtime::ChildProcess child;
  std::string ready_file, stats_file, log_file;
  nlohmann::json ready = nlohmann::json::object();
  // Stays empty if the process died before writing it.
  nlohmann::json stats = nlohmann::json::object();
};

class Launcher {
 public:
  explicit Launcher(const Options& o) : o_(o) {}
  // Starts s with the chain's config, overrides and s.sets (first start) or s.restart_sets and
  // s.restart_args() (a restart), without waiting; false with *error when it cannot start.
  bool spawn(Service& s, std::string* error);
  enum class Readiness { kWaiting, kReady, kFailed };
  // Whether a spawned s has written its ready file (then read into s.ready), or exited first.
  Readiness poll_ready(Service& s, std::string* error);
  // spawn, then wait for the ready file; false with *error when it exits first or never becomes
  // ready.
  bool start(Service& s, const std::vector<std::string>& sets, std::string* error);

 private:
  const Options& o_;
};

// Events in a capture file, for the progress line of a replayed run.
bool count_captured_events(const std::string& path, uint64_t* events, std::string* error);
// The directory of the running program: where the other l1t-* programs are.
std::string self_dir();

}  // namespace l1t::chain
