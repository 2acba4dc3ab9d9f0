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
// track tables per degradation level (offline_modes.h).
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "common/config/physics_settings.h"
#include "common/config/run_plan.h"
#include "common/device/device.h"
#include "common/metrics/metrics.h"
#include "common/physics/degradation_schedule.h"
#include "common/physics/event_generator.h"
#include "common/runtime/fault_point.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"
#include "services/emulator/event_assembly.h"
#include "services/emulator/event_inputs.h"
#include "services/emulator/offline_modes.h"

using namespace l1t;
using Clock = std::chrono::steady_clock;

namespace {

// The live stream: every event of the run plan, PUSHed to the inference nodes and published
// with its truth, then the end-of-run heartbeat.
// The events of this run (scenario, length) an earlier incarnation recorded as sent in its
// progress file; 0 when there is none, or it is of another run or unreadable.
uint64_t sent_before(const std::string& path, const std::string& scenario, uint64_t total) {
  nlohmann::json p;
  if (!std::filesystem::exists(path)) return 0;
  if (!runtime::read_json_file(path, &p) || !p.is_object()) {
    spdlog::warn("emulator: cannot read the progress file {}; starting from the first event", path);
    return 0;
  }
  const auto& sent = p["events_sent"];
  if (p.value("scenario", nlohmann::json()) != scenario ||
      p.value("run_events", nlohmann::json()) != total || !sent.is_number_unsigned() ||
      sent.get<uint64_t>() > total) {
    spdlog::warn("emulator: {} is of another run; starting from the first event", path);
    return 0;
  }
  spdlog::info("emulator: {} says {} events of this run were sent", path, sent.get<uint64_t>());
  return sent.get<uint64_t>();
}

// resume_after: the run's first events already sent by an earlier incarnation (a restart).
int run_online(const runtime::ProcessOptions& options, const config::Scenario& cfg,
               const config::RunPlan& plan, uint64_t resume_after) {
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

  device::Device dev("emulator", options, cfg.metrics.bind_address, cfg.metrics.emulator,
                     cfg.limits, cfg.security);
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
  uint64_t generated = 0;
  std::string source_error;  // a bad HepMC3 record stops the run

  // Where to go on: l1t-chain says (the last event its monitor saw), else the progress file
  // of an earlier incarnation of this run, if there is one.
  const std::string& progress = cfg.emulator.progress_file;
  if (resume_after == 0 && !progress.empty()) {
    resume_after = sent_before(progress, cfg.name, total);
  }
  auto record_progress = [&](uint64_t sent) {
    if (!progress.empty() &&
        !runtime::write_json_file(
            progress, {{"scenario", cfg.name}, {"run_events", total}, {"events_sent", sent}})) {
      spdlog::warn("emulator: cannot write {}", progress);
    }
  };
  auto next_progress = Clock::now() + std::chrono::seconds(1);
  // A restart runs the generator through the events sent before, unsent, so that the events
  // from here on are those of an uninterrupted run (one random stream for the whole run).
  const uint64_t first = std::min(resume_after, total);
  for (uint64_t i = 0; i < first && !runtime::stop_requested(); ++i) {
    const config::EventConditions conditions = plan.at(i);
    if (plan.has_timeline()) generator.set_pileup_mean(conditions.time.pileup_mean);
    if (!inputs.prepare(generator, &source_error)) break;
    generator.next(conditions.degradation);
  }
  if (first > 0) spdlog::info("emulator: resuming after event {} of {}", first, total);
  const auto resumed = Clock::now();

  for (uint64_t i = first; i < total && !runtime::stop_requested() && source_error.empty(); ++i) {
    if (paced) {
      std::this_thread::sleep_until(resumed + std::chrono::nanoseconds(static_cast<int64_t>(
                                                  1e9 * (i - first) / cfg.emulator.rate_hz)));
    }
    const config::EventConditions conditions = plan.at(i);
    const physics::DegradationState& state = conditions.degradation;
    if (plan.has_timeline()) generator.set_pileup_mean(conditions.time.pileup_mean);
    if (!inputs.prepare(generator, &source_error)) break;
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
    runtime::fault_point("emulator.event");
    events_total.Increment();
    tracks_total.Increment(static_cast<double>(ev.tracks.size()));
    level_gauge.Set(state.level);
    smear_gauge.Set(state.smear);
    bias_rail_gauge.Set(state.tracker.bias_rail_fraction);
    ps_z_loss_gauge.Set(state.tracker.ps_z_loss_fraction);
    bad_strip_gauge.Set(state.tracker.bad_strip_fraction);
    if ((i & 1023) == 0) outlet.drain_subscriptions();
    if ((i & 63) == 0 && Clock::now() >= next_progress) {
      record_progress(i + 1);
      next_progress += std::chrono::seconds(1);
    }
  }

  if (!source_error.empty()) spdlog::error("emulator: {}", source_error);
  const double seconds = std::chrono::duration<double>(Clock::now() - resumed).count();
  // The run's events, with those an earlier incarnation sent: what the run's end waits for.
  const uint64_t run_events = first + generated;
  record_progress(run_events);
  outlet.publish_last(transport::kTopicHeartbeat,
                      assembly.end_of_run(!source_error.empty()       ? "failed"
                                          : runtime::stop_requested() ? "stopped"
                                                                      : "finished",
                                          run_events));

  spdlog::info("emulator: {} events in {:.2f} s ({:.0f} events/s), dropped {} push / {} pub",
               generated, seconds, generated / std::max(seconds, 1e-9), outlet.push_dropped(),
               outlet.pub_dropped());
  dev.finish({{"events_generated", run_events},
              {"events_sent_here", generated},
              {"resumed_after", first},
              {"events_dropped", outlet.push_dropped()},
              {"pub_dropped", outlet.pub_dropped()},
              {"seconds", seconds}});
  return source_error.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  emulator::OfflineOptions offline;
  std::string hepmc_file, hepmc_pileup_file;
  uint64_t resume_after = 0;
  auto add_options = [&](CLI::App& app) {
    emulator::add_offline_options(app, &offline);
    app.add_option("--hepmc", hepmc_file,
                   "hard scatters from this HepMC3 ASCII file (sets emulator.hepmc_file)");
    app.add_option("--hepmc-pileup", hepmc_pileup_file,
                   "pile-up drawn from this HepMC3 minimum-bias file (sets "
                   "emulator.hepmc_pileup_file)");
    app.add_option("--resume-after", resume_after,
                   "a restart: the run's first N events were sent before; send the rest, as an "
                   "uninterrupted run would (l1t-chain --restart sets it)");
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
        if (offline.active()) return emulator::run_offline(cfg, plan, offline);
        return run_online(options, cfg, plan, resume_after);
      });
}
