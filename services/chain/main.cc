// l1t-chain: runs the whole emulated chain as separate OS processes on loopback (trainer,
// emulator, inference, labeller), monitors decisions against truth, prints progress and a
// summary, and exits non-zero if any process failed or the scenario could not finish.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "common/config/run_plan.h"
#include "common/device/device.h"
#include "common/monitor/level_report.h"
#include "common/monitor/monitor_node.h"
#include "common/runtime/fault_point.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/security/key_store.h"
#include "common/transport/envelope.h"
#include "common/trigger/decision_monitor.h"
#include "services/chain/ceiling_report.h"
#include "services/chain/drift_report.h"
#include "services/chain/run_report.h"
#include "services/chain/launcher.h"
#include "services/chain/loss_book.h"
#include "services/chain/summary.h"
#include "services/chain/supervisor.h"

using namespace l1t;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
namespace fs = std::filesystem;

using chain::Options;
using chain::Service;

int main(int argc, char** argv) {
  CLI::App app{
      "l1t-chain: the emulated L1 trigger chain end to end (emulator, inference, labeller, "
      "trainer) as separate processes on loopback"};
  Options o;
  runtime::add_process_options(app, &o.process);
  app.add_option("--summary-json", o.summary_json, "write the run summary here");
  app.add_option("--report", o.report_dir,
                 "write a self-contained HTML report of the run to DIR/report.html");
  app.add_option("--bin-dir", o.bin_dir, "where the l1t-* programs are (default: beside this one)");
  app.add_option("--work-dir", o.work_dir, "logs, ready and stats files (default: a new temp dir)");
  app.add_flag(
      "--ephemeral-ports", o.ephemeral,
      "bind every socket and metrics server on a free port instead of the configured ones");
  app.add_option("--timeout", o.timeout_s, "give up after this many seconds")
      ->capture_default_str();
  app.add_option("--progress-interval", o.progress_s, "seconds between progress lines");
  app.add_option("--replay", o.replay,
                 "play this capture file (l1t-capture) with l1t-replay in the emulator's place");
  app.add_option("--capture", o.capture,
                 "record the run's events and truth to this file with l1t-capture");
  app.add_flag("--restart", o.restart,
               "start a process again when it dies, with the endpoints it had (the emulator "
               "goes on after the last event seen; the trainer from its checkpoint)");
  app.add_option("--max-restarts", o.max_restarts, "restarts per process with --restart")
      ->capture_default_str();
  app.add_option("--kill-at", o.kill_at,
                 "fault injection: kill the process with SIGKILL the N-th time it passes POINT "
                 "(POINT[:N]; emulator.event, inference.swap, labeller.label, "
                 "trainer.checkpoint, capture.record)");
  CLI11_PARSE(app, argc, argv);
  config::Scenario cfg;
  if (!runtime::load_process_config(o.process, &cfg)) return 2;
  runtime::install_stop_handlers();
  if (o.bin_dir.empty()) o.bin_dir = chain::self_dir();
  if (o.work_dir.empty()) {
    char tmpl[] = "/tmp/l1t-chain-XXXXXX";
    o.work_dir = mkdtemp(tmpl);
  }
  fs::create_directories(o.work_dir);
  // Keys for every process of this chain, when the config points at none: made in the work
  // directory, for this run only.
  if (cfg.security.curve && !security::has_keys(cfg.security.keys_dir)) {
    const std::string keys = o.work_dir + "/keys";
    if (std::string bad; !security::generate_keys(keys, /*overwrite=*/true, &bad)) {
      spdlog::error("chain: {}", bad);
      return 2;
    }
    spdlog::info("chain: no keys in security.keys_dir '{}': made a set for this run in {}",
                 cfg.security.keys_dir, keys);
    cfg.security.keys_dir = keys;
    o.process.overrides.push_back("security.keys_dir=" + keys);
  }
  config::RunPlan plan;  // the emulator's own: the events and levels to expect
  if (std::string plan_error; !config::RunPlan::build(cfg, &plan, &plan_error)) {
    spdlog::error("{}", plan_error);
    return 2;
  }
  spdlog::info("chain: scenario '{}', {} levels, {} events, logs in {}", cfg.name, plan.levels(),
               plan.total_events(), o.work_dir);

  auto any = [&](const std::string& key, const std::string& value) {
    return key + "=" + (o.ephemeral ? "tcp://127.0.0.1:*" : value);
  };
  auto metrics_port = [&](const std::string& key, int port) {
    return "metrics." + key + "=" + std::to_string(o.ephemeral ? 0 : port);
  };

  uint64_t replay_events = 0;  // a replay's length: its capture file's events
  if (std::string bad;
      !o.replay.empty() && !chain::count_captured_events(o.replay, &replay_events, &bad)) {
    spdlog::error("chain: {}", bad);
    return 2;
  }

  // The launcher is the local chain's monitor: the same node and series as l1t-monitor.
  // Started before any process, so that no truth queues up while its HTTP server starts.
  runtime::ProcessOptions monitor_options;
  monitor_options.ready_file = o.work_dir + "/monitor.ready.json";
  std::unique_ptr<device::Device> monitor_device;
  try {
    monitor_device = std::make_unique<device::Device>(
        "monitor", monitor_options, cfg.metrics.bind_address, o.ephemeral ? 0 : cfg.metrics.monitor,
        cfg.limits, cfg.security);
  } catch (const std::exception& e) {
    spdlog::error("chain: {}", e.what());
    return 2;
  }
  device::Device& dev = *monitor_device;
  monitor::MonitorNode node(dev.metrics(), cfg.inference);
  const trigger::DecisionMonitor& monitor = node.monitor();
  chain::LossBook losses(cfg.labeller);
  dev.open("decisions", zmq::socket_type::sub, device::Method::kBind,
           o.ephemeral ? "tcp://127.0.0.1:*" : cfg.endpoints.decisions);
  std::optional<Clock::time_point> t_first_decision, t_last_decision;
  dev.on<v1::Decision>("decisions", transport::kTopicDecision, [&](const v1::Decision& d) {
    losses.on_decision(d);
    node.on_decision(d);
    t_last_decision = Clock::now();
    if (!t_first_decision) t_first_decision = t_last_decision;
  });
  dev.ready();
  const std::string decisions_ep = dev.endpoint("decisions");

  chain::Launcher launcher(o);
  Service trainer("trainer"), emulator(o.replay.empty() ? "emulator" : "replay"),
      inference("inference"), labeller("labeller"), capture("capture");
  // Replayed events carry the replay's send time, so latencies are this run's.
  if (!o.replay.empty()) emulator.args = {"--in", o.replay, "--restamp"};
  // Fault injection: each POINT[:N] to the process its name begins with.
  for (const std::string& k : o.kill_at) {
    const std::string process = k.substr(0, k.find('.'));
    bool found = false;
    for (Service* s : {&trainer, &emulator, &inference, &labeller, &capture}) {
      if (s->name == process) {
        s->env.push_back(std::string(runtime::kKillAtVariable) + "=" + k);
        found = true;
      }
    }
    if (!found) {
      spdlog::error("chain: --kill-at {}: no process '{}' in this chain", k, process);
      return 2;
    }
  }
  // A restarted emulator goes on after the last event this monitor saw.
  emulator.restart_args = [&] {
    return std::vector<std::string>{"--resume-after", std::to_string(losses.last_event_id())};
  };
  std::string error;
  auto fail = [&](const std::string& why) {
    spdlog::error("chain: {}", why);
    return 1;
  };
  std::vector<std::string> trainer_sets{any("endpoints.labels", cfg.endpoints.labels),
                                        any("endpoints.weights", cfg.endpoints.weights),
                                        any("endpoints.control", cfg.endpoints.control),
                                        metrics_port("trainer", cfg.metrics.trainer)};
  // A restarted trainer goes on from its checkpoint, so its versions never go back.
  if (o.restart && cfg.trainer.checkpoint_dir.empty()) {
    trainer_sets.push_back("trainer.checkpoint_dir=" + o.work_dir + "/checkpoint");
  }
  if (!launcher.start(trainer, trainer_sets, &error)) return fail(error);
  const json& te = trainer.ready["endpoints"];
  trainer.restart_sets = trainer.sets;
  for (const char* name : {"labels", "weights", "control"}) {
    trainer.restart_sets.push_back(std::string("endpoints.") + name + "=" +
                                   te[name].get<std::string>());
  }
  // The emulator waits for its truth subscribers: this monitor, the labeller (and the capture).
  const std::string subscribers = o.capture.empty() ? "2" : "3";
  if (!launcher.start(
          emulator,
          {any("endpoints.events", cfg.endpoints.events),
           any("endpoints.truth", cfg.endpoints.truth), "emulator.min_subscribers=" + subscribers,
           metrics_port("emulator", cfg.metrics.emulator)},
          &error)) {
    return fail(error);
  }
  const json& ee = emulator.ready["endpoints"];
  emulator.restart_sets = emulator.sets;
  for (const char* name : {"events", "truth"}) {
    emulator.restart_sets.push_back(std::string("endpoints.") + name + "=" +
                                    ee[name].get<std::string>());
  }
  // Truth and the emulator's end-of-run heartbeat share its truth endpoint, known only now.
  std::optional<uint64_t> finished_with;  // events the emulator says the run had
  std::optional<Clock::time_point> t_finished;
  dev.open("truth", zmq::socket_type::sub, device::Method::kConnect,
           ee["truth"].get<std::string>());
  dev.on<v1::Truth>("truth", transport::kTopicTruth, [&](const v1::Truth& t) {
    losses.on_truth(t);
    node.on_truth(t);
  });
  dev.on<v1::Heartbeat>("truth", transport::kTopicHeartbeat, [&](const v1::Heartbeat& beat) {
    finished_with = beat.messages_out();
    t_finished = Clock::now();
  });
  // The labeller before the inference node: offline labels need its accepts endpoint.
  if (!launcher.start(labeller,
                      {"endpoints.truth=" + ee["truth"].get<std::string>(),
                       "endpoints.labels=" + te["labels"].get<std::string>(),
                       any("endpoints.accepts", cfg.endpoints.accepts),
                       any("endpoints.label_copies", cfg.endpoints.label_copies),
                       metrics_port("labeller", cfg.metrics.labeller)},
                      &error)) {
    return fail(error);
  }
  // A restarted labeller binds where the first did.
  const json& le = labeller.ready["endpoints"];
  const std::string accepts_ep = le.value("accepts", cfg.endpoints.accepts);
  const std::string copies_ep = le.value("label_copies", cfg.endpoints.label_copies);
  labeller.restart_sets = labeller.sets;
  labeller.restart_sets.push_back("endpoints.label_copies=" + copies_ep);
  if (le.contains("accepts")) labeller.restart_sets.push_back("endpoints.accepts=" + accepts_ep);
  if (!launcher.start(inference,
                      {"endpoints.events=" + ee["events"].get<std::string>(),
                       "endpoints.weights=" + te["weights"].get<std::string>(),
                       "endpoints.control=" + te["control"].get<std::string>(),
                       "endpoints.decisions=" + decisions_ep, "endpoints.accepts=" + accepts_ep,
                       "endpoints.label_copies=" + copies_ep, "inference.min_subscribers=1",
                       metrics_port("inference", cfg.metrics.inference)},
                      &error)) {
    return fail(error);
  }
  if (!o.capture.empty()) {
    capture.args = {"--out", o.capture, "--metrics-port", "0"};
    if (!launcher.start(capture, {"endpoints.truth=" + ee["truth"].get<std::string>()}, &error)) {
      return fail(error);
    }
  }

  const uint64_t expected = o.replay.empty() ? plan.total_events() : replay_events;
  const auto t_start = Clock::now();
  // A replay and a capture cannot go on from a dead incarnation's work: not restarted.
  chain::Supervisor supervisor(launcher, o, t_start);
  supervisor.watch(&trainer, true, false);
  supervisor.watch(&emulator, o.replay.empty(), true);
  supervisor.watch(&inference, true, false);
  supervisor.watch(&labeller, true, false);
  if (!o.capture.empty()) supervisor.watch(&capture, false, true);
  auto t_progress = t_start;
  uint64_t last_joined = 0;
  bool failed = false;
  std::string failure;

  dev.every(std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::duration<double>(o.progress_s)),
            [&] {
              const auto now = Clock::now();
              const double elapsed = std::chrono::duration<double>(now - t_start).count();
              const double rate = (monitor.joined() - last_joined) /
                                  std::chrono::duration<double>(now - t_progress).count();
              last_joined = monitor.joined();
              t_progress = now;
              node.flush();
              const auto [acc_live, acc_frozen] = monitor.rolling_accuracy();
              const auto& cur = monitor.current_level();
              std::printf(
                  "[%6.1f s] %7llu/%llu events  %6.0f ev/s  level %2u smear %4.1f%% tracker %s  "
                  "model v%-3llu acc live %.4f frozen %.4f  drift alarms %llu%s%s\n",
                  elapsed, static_cast<unsigned long long>(monitor.joined()),
                  static_cast<unsigned long long>(expected), rate, cur ? cur->level : 0,
                  cur ? 100 * cur->smear : 0.0, cur ? cur->tracker.c_str() : "none",
                  static_cast<unsigned long long>(monitor.latest_version()), acc_live, acc_frozen,
                  static_cast<unsigned long long>(monitor.drift_alarms()),
                  monitor.last_drift_alarm().empty() ? "" : " last ",
                  monitor.last_drift_alarm().c_str());
              std::fflush(stdout);
            });
  // Checked after every turn of the loop: a process died, the run is over, or it took too long.
  auto done = [&] {
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - t_start).count();
    if (!supervisor.check(now, &failure)) failed = true;
    if (failed) {
      spdlog::error("chain: {}", failure);
      return true;
    }
    if (finished_with && monitor.joined() + monitor.mismatched() >= *finished_with) return true;
    if (t_finished && now - *t_finished > std::chrono::seconds(10)) {
      spdlog::warn("chain: {} events never got a decision", *finished_with - monitor.joined());
      return true;
    }
    if (elapsed > o.timeout_s) {
      failed = true;
      failure = "the scenario did not finish within " + std::to_string(o.timeout_s) + " s";
      return true;
    }
    return false;
  };
  dev.run_until(done, std::chrono::milliseconds(50));
  if (runtime::stop_requested() && !finished_with) {
    failed = true;
    failure = "interrupted before the scenario finished";
  }

  // Stop in flow order so queued messages drain: emulator, labeller, inference, trainer.
  int exit_codes_bad = 0;
  // The capture ends by itself at the emulator's end-of-run heartbeat.
  std::vector<Service*> order{&emulator, &labeller, &inference, &trainer};
  if (!o.capture.empty()) order.insert(order.begin() + 1, &capture);
  for (Service* s : order) {
    const bool dead = supervisor.down(s);  // its death is on record
    const int code = s->child.stop(std::chrono::seconds(15));
    if (code != 0 && !dead) {
      ++exit_codes_bad;
      spdlog::error("chain: {} exited with code {}; see {}", s->name, code, s->log_file);
    }
    if (!runtime::read_json_file(s->stats_file, &s->stats) || !s->stats.is_object()) {
      s->stats = json::object();
    }
  }

  node.finish();
  const uint64_t generated = emulator.stats.value("events_generated", uint64_t{0});
  const double span =
      t_first_decision ? std::chrono::duration<double>(*t_last_decision - *t_first_decision).count()
                       : 0;
  json summary = {
      {"scenario", cfg.name},
      {"events_generated", generated},
      {"events_decided", inference.stats.value("events_decided", uint64_t{0})},
      {"events_joined", monitor.joined()},
      {"events_dropped", generated > monitor.joined() ? generated - monitor.joined() : 0},
      {"events_missing_around_swaps", monitor.events_missing_around_swaps()},
      {"model_versions_published", trainer.stats.value("model_versions_published", uint64_t{0})},
      {"model_versions_applied", inference.stats.value("model_versions_applied", uint64_t{0})},
      {"model_versions_refused", inference.stats.value("model_versions_refused", uint64_t{0})},
      {"model_versions_in_decisions", monitor.versions_seen()},
      {"throughput_events_per_s", span > 0 ? monitor.joined() / span : 0.0},
      {"decision_latency_p50_s", monitor.latency_quantile(0.50)},
      {"decision_latency_p99_s", monitor.latency_quantile(0.99)},
      {"messages_rejected_by_monitor", dev.rejected()},
      {"drops",
       {{"emulator_push", emulator.stats.value("events_dropped", uint64_t{0})},
        {"emulator_pub", emulator.stats.value("pub_dropped", uint64_t{0})},
        {"inference_decisions", inference.stats.value("decisions_dropped", uint64_t{0})},
        {"labeller_labels", labeller.stats.value("batches_dropped", uint64_t{0})},
        {"trainer_weights", trainer.stats.value("weights_dropped", uint64_t{0})}}},
      {"processes",
       {{"emulator", emulator.stats},
        {"inference", inference.stats},
        {"labeller", labeller.stats},
        {"trainer", trainer.stats}}},
      {"faults", supervisor.json()},
      {"working_point", monitor::working_point_json(monitor)},
      {"trigger", monitor::trigger_json(monitor)},
      {"levels", monitor::levels_json(monitor)},
      {"work_dir", o.work_dir},
      {"ok", !failed && exit_codes_bad == 0}};
  if (!o.capture.empty()) summary["processes"]["capture"] = capture.stats;
  // What was lost, from the event ids (a killed process reports nothing); the trainer's
  // samples_seen goes on over its restarts, from its checkpoint.
  summary["faults"].update(losses.json(expected, monitor.joined() + monitor.mismatched(),
                                       trainer.stats.value("samples_seen", uint64_t{0})));
  summary["faults"]["duplicates_ignored"] = monitor.duplicates();
  chain::add_drift(inference.stats, &summary);
  summary["labels"] = labeller.stats.value("labels", json::object());
  // The ceiling of the plan's levels; a replay's levels are the capture's, not the plan's.
  if (cfg.ceiling.enabled && o.replay.empty() && !failed) {
    json ceiling;
    if (std::string why; chain::compute_ceiling(cfg, plan, &ceiling, &why)) {
      chain::add_ceiling(ceiling, &summary["levels"]);
      summary["ceiling"] = ceiling;
    } else {
      spdlog::error("chain: no ceiling: {}", why);
    }
  }
  if (!o.summary_json.empty() && !runtime::write_json_file(o.summary_json, summary)) {
    spdlog::error("chain: cannot write {}", o.summary_json);
    return 1;
  }
  chain::print_summary(summary);
  if (!o.report_dir.empty()) {
    std::string path, why;
    if (chain::write_report(o.report_dir, summary, &path, &why)) {
      std::printf("report: %s\n", path.c_str());
    } else {
      spdlog::error("chain: {}", why);
    }
  }
  if (failed) return fail(failure);
  if (exit_codes_bad) return fail("a process did not exit cleanly");
  return 0;
}
