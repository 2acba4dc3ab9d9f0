// l1t-emulator: generates bunch crossings with a time-dependent degradation and sends them,
// as L1 track words, to the inference nodes (PUSH) and, with truth, to subscribers (XPUB).
// Offline modes open no socket: --describe prints sample statistics, --export writes labelled
// track tables per degradation level.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "common/metrics/metrics.h"
#include "common/physics/degradation_schedule.h"
#include "common/physics/event_generator.h"
#include "common/physics/event_statistics.h"
#include "common/physics/track_table_export.h"
#include "common/physics/track_word.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"
#include "common/transport/socket.h"
#include "common/trigger/event_features.h"

using namespace l1t;
using Clock = std::chrono::steady_clock;

namespace {

physics::GeneratorConfig generator_config(const config::EmulatorSettings& e) {
  physics::GeneratorConfig g;
  g.pileup_mean = e.pileup_mean;
  g.beam_sigma_z_cm = e.beam_sigma_z_cm;
  return g;
}

// Reads XPUB subscription frames; returns how many subscribers asked for the truth topic.
int count_truth_subscriptions(zmq::socket_t& xpub) {
  int n = 0;
  zmq::message_t msg;
  while (xpub.recv(msg, zmq::recv_flags::dontwait)) {
    const auto* d = static_cast<const char*>(msg.data());
    if (msg.size() >= 1 && d[0] == 1 &&
        std::string_view(d + 1, msg.size() - 1) == transport::kTopicTruth) {
      ++n;
    }
  }
  return n;
}

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

int run_describe(const config::Scenario& cfg, const OfflineOptions& o) {
  const auto& levels = cfg.degradation.smear_levels;
  if (o.level >= static_cast<int>(std::max<size_t>(levels.size(), 1))) {
    spdlog::error("--level {} is beyond the schedule's {} levels", o.level, levels.size());
    return 2;
  }
  const physics::DegradationState state{o.level, levels.empty() ? 0.0 : levels[o.level]};
  const physics::EventStatisticsSummary s =
      physics::describe_events(generator_config(cfg.emulator), cfg.emulator.seed, state, o.events);
  if (o.json) {
    nlohmann::json j = physics::to_json(s);
    j["seed"] = cfg.emulator.seed;
    j["pileup_mean"] = cfg.emulator.pileup_mean;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("scenario %s, seed %llu, <PU> %g\n%s", cfg.name.c_str(),
                static_cast<unsigned long long>(cfg.emulator.seed), cfg.emulator.pileup_mean,
                physics::format_table(s).c_str());
  }
  return 0;
}

int run_export(const config::Scenario& cfg, const OfflineOptions& o) {
  physics::TrackTableExportOptions e;
  e.generator = generator_config(cfg.emulator);
  e.seed = cfg.emulator.seed;
  e.smear_levels = cfg.degradation.smear_levels;
  e.events_per_level = o.events;
  e.dir = o.export_dir;
  e.features = trigger::event_features;  // the inference node's own feature code
  std::vector<physics::ExportedLevel> written;
  std::string error;
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"l1t-emulator: detector events with time-dependent degradation"};
  runtime::ProcessOptions options;
  runtime::add_process_options(app, &options);
  OfflineOptions offline;
  add_offline_options(app, &offline);
  CLI11_PARSE(app, argc, argv);
  config::Scenario cfg;
  if (!runtime::load_process_config(options, &cfg)) return 2;
  // Offline modes return before any socket or metrics port is opened.
  if (offline.describe) return run_describe(cfg, offline);
  if (!offline.export_dir.empty()) return run_export(cfg, offline);
  runtime::install_stop_handlers();

  metrics::Metrics metrics(cfg.metrics.bind_address, cfg.metrics.emulator);
  auto& events_total = metrics.counter("l1t_events_total", "Events generated");
  auto& tracks_total = metrics.counter("l1t_tracks_total", "L1 tracks generated");
  auto& level_gauge = metrics.gauge("l1t_degradation_level", "Index of the degradation level");
  auto& smear_gauge = metrics.gauge("l1t_degradation_smear", "Gaussian smear fraction in force");
  auto& sent_events = metrics.sent("events");
  auto& sent_truth = metrics.sent("truth");
  auto& dropped_events = metrics.dropped("events");
  auto& dropped_truth = metrics.dropped("truth");

  zmq::context_t ctx(1);
  auto push = transport::make_socket(ctx, zmq::socket_type::push);
  push.set(zmq::sockopt::sndtimeo, 100);  // blocking sends wake up to check for a stop request
  auto pub = transport::make_publisher(ctx);
  pub.set(zmq::sockopt::xpub_verbose, 1);  // see every subscriber, not only the first per topic
  const std::string events_ep = transport::bind(push, cfg.endpoints.events);
  const std::string truth_ep = transport::bind(pub, cfg.endpoints.truth);
  runtime::write_json_file(options.ready_file,
                           {{"process", "emulator"},
                            {"metrics_port", metrics.port()},
                            {"endpoints", {{"events", events_ep}, {"truth", truth_ep}}}});
  spdlog::info("emulator: events on {}, events+truth on {}, metrics on :{}", events_ep, truth_ep,
               metrics.port());

  int subscribers = 0;
  while (subscribers < cfg.emulator.min_subscribers && !runtime::stop_requested()) {
    subscribers += count_truth_subscriptions(pub);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  physics::EventGenerator generator(generator_config(cfg.emulator), cfg.emulator.seed);
  const physics::DegradationSchedule schedule{cfg.degradation.smear_levels,
                                              cfg.degradation.events_per_level};
  const uint64_t total = schedule.total_events();
  transport::HeaderStamper event_stamp("emulator"), truth_stamp("emulator"), beat_stamp("emulator");
  v1::Event event;
  v1::Truth truth;
  std::string payload, truth_payload;
  const bool paced = cfg.emulator.rate_hz > 0;
  const auto start = Clock::now();
  uint64_t generated = 0, push_dropped = 0, pub_dropped = 0;

  for (uint64_t i = 0; i < total && !runtime::stop_requested(); ++i) {
    if (paced) {
      std::this_thread::sleep_until(
          start + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * i / cfg.emulator.rate_hz)));
    }
    const physics::DegradationState state = schedule.at(i);
    const physics::GeneratedEvent ev = generator.next(state);

    event.Clear();
    event_stamp.stamp(event.mutable_header());
    event.set_event_id(i + 1);
    event.set_run(1);
    event.set_fill(1);
    event.set_lumisection(static_cast<uint32_t>(i / 1000 + 1));
    event.set_timestamp_ns(transport::unix_now_ns());
    event.mutable_degradation()->set_level(state.level);
    event.mutable_degradation()->set_smear(state.smear);
    event.set_n_tracks(static_cast<uint32_t>(ev.tracks.size()));
    physics::pack_tracks(ev.tracks, event.mutable_track_words());
    event.SerializeToString(&payload);

    truth.Clear();
    truth_stamp.stamp(truth.mutable_header());
    truth.set_event_id(i + 1);
    truth.set_pv_z0(ev.pv_z0);
    *truth.mutable_degradation() = event.degradation();
    auto* origin = truth.mutable_origin();
    origin->resize(ev.origin.size());
    for (size_t t = 0; t < ev.origin.size(); ++t) (*origin)[t] = static_cast<char>(ev.origin[t]);
    truth.SerializeToString(&truth_payload);

    // Unpaced runs wait for the inference nodes (back-pressure); paced runs drop and count.
    transport::SendResult r;
    do {
      r = transport::send(push, transport::kTopicEvent, payload, /*block=*/true);
    } while (!paced && r == transport::SendResult::kWouldBlock && !runtime::stop_requested());
    if (r == transport::SendResult::kSent) {
      sent_events.Increment();
    } else {
      dropped_events.Increment();
      ++push_dropped;
    }
    for (auto [topic, bytes] :
         {std::pair{transport::kTopicEvent, &payload}, {transport::kTopicTruth, &truth_payload}}) {
      if (transport::send(pub, topic, *bytes, false) == transport::SendResult::kSent) {
        sent_truth.Increment();
      } else {
        dropped_truth.Increment();
        ++pub_dropped;
      }
    }
    ++generated;
    events_total.Increment();
    tracks_total.Increment(static_cast<double>(ev.tracks.size()));
    level_gauge.Set(state.level);
    smear_gauge.Set(state.smear);
    if ((i & 1023) == 0) count_truth_subscriptions(pub);  // keep the XPUB inbox empty
  }

  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  // Tell subscribers the scenario is over and how many events it had.
  v1::Heartbeat beat;
  beat_stamp.stamp(beat.mutable_header());
  beat.set_process("emulator");
  beat.set_state(runtime::stop_requested() ? "stopped" : "finished");
  beat.set_messages_out(generated);
  transport::send(pub, transport::kTopicHeartbeat, beat, /*block=*/true);

  spdlog::info("emulator: {} events in {:.2f} s ({:.0f} events/s), dropped {} push / {} pub",
               generated, seconds, generated / std::max(seconds, 1e-9), push_dropped, pub_dropped);
  runtime::write_json_file(options.stats_file, {{"process", "emulator"},
                                                {"events_generated", generated},
                                                {"events_dropped", push_dropped},
                                                {"pub_dropped", pub_dropped},
                                                {"seconds", seconds}});
  return 0;
}
