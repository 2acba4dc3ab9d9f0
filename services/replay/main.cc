// l1t-replay: plays a capture file (l1t-capture) out as the emulator would, so that it can stand
// in for l1t-emulator: Event payloads on PUSH endpoints.events, events and truth on XPUB
// endpoints.truth, the emulator's ready-file shape, emulator.min_subscribers and emulator.rate_hz
// (0: as fast as the PUSH side takes), an end-of-run heartbeat. Payloads go out byte for byte as
// recorded, except on later --loop passes and with --restamp (common/capture/replay_stamper.h).
// A damaged record is logged, counted (l1t_messages_rejected_total{channel="capture"}) and
// skipped; the rest of the file is played.
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "common/capture/capture_reader.h"
#include "common/capture/replay_stamper.h"
#include "common/device/device.h"
#include "common/metrics/metrics.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"

using namespace l1t;
using Clock = std::chrono::steady_clock;

namespace {

struct ReplayOptions {
  std::string in_path;
  uint64_t loops = 1;
  bool restamp = false;
};

void add_replay_options(CLI::App& app, ReplayOptions* o) {
  app.add_option("-i,--in", o->in_path, "capture file to play (written by l1t-capture)")
      ->required();
  app.add_option("--loop", o->loops, "play the file this many times")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--restamp", o->restamp,
               "set event timestamps and header send times to the replay's clock");
}

int run_replay(const runtime::ProcessOptions& options, const config::Scenario& cfg,
               const ReplayOptions& o) {
  const std::string& in_path = o.in_path;
  const uint64_t loops = o.loops;
  capture::CaptureReader reader;
  std::string error;
  if (!reader.open(in_path, &error)) {
    spdlog::error("replay: {}", error);
    return 2;
  }
  spdlog::info("replay: {} (format {}, source {})", in_path, reader.format_version(),
               reader.source().dump());

  device::Device dev("replay", options, cfg.metrics.bind_address, cfg.metrics.emulator, cfg.limits,
                     cfg.security);
  metrics::Metrics& metrics = dev.metrics();
  auto& events_total = metrics.counter("l1t_events_total", "Events replayed");
  auto& records_total = metrics.counter("l1t_replay_records_total", "Good records read");
  auto& corrupt = metrics.rejected("capture", "corrupt_record");

  // The same outlet and send policy as the emulator's.
  device::Outlet& outlet = dev.open_outlet(cfg.endpoints.events, cfg.endpoints.truth);
  dev.ready();
  outlet.wait_for_truth_subscribers(cfg.emulator.min_subscribers, runtime::stop_requested);

  capture::ReplayStamper stamper(o.restamp);
  const bool paced = cfg.emulator.rate_hz > 0;
  const auto start = Clock::now();
  uint64_t events = 0, truths = 0, skipped = 0;
  uint64_t unreadable = 0, other_topics = 0, passes = 0, read = 0, bytes_skipped = 0;
  bool truncated = false;
  std::string topic, recorded, rewritten;
  auto log_damage = [&] {
    for (const auto& d : reader.take_damage()) {
      spdlog::warn("replay: {}", d.message);
      corrupt.Increment();
    }
  };
  for (uint64_t pass = 0; pass < loops && !runtime::stop_requested(); ++pass) {
    if (pass > 0 && !reader.open(in_path, &error)) {
      spdlog::error("replay: {}", error);
      break;
    }
    while (!runtime::stop_requested() && reader.next(&topic, &recorded)) {
      log_damage();
      records_total.Increment();
      if (loops > 1 && pass == 0) stamper.observe(topic, recorded);
      std::string_view payload = recorded;
      if (stamper.rewrites(pass)) {
        if (!stamper.rewrite(topic, recorded, pass, transport::unix_now_ns(), &rewritten)) {
          ++unreadable;
          metrics.rejected("capture", "malformed").Increment();
          spdlog::warn("replay: a '{}' record does not parse; skipped", topic);
          continue;
        }
        payload = rewritten;
      }
      if (topic == transport::kTopicEvent) {
        if (paced) {
          std::this_thread::sleep_until(start + std::chrono::nanoseconds(static_cast<int64_t>(
                                                    1e9 * events / cfg.emulator.rate_hz)));
        }
        // As the emulator: unpaced waits for the inference nodes, paced drops and counts.
        outlet.push_event(payload, /*wait=*/!paced, runtime::stop_requested);
        ++events;
        events_total.Increment();
      } else if (topic == transport::kTopicTruth) {
        ++truths;
      } else {
        ++other_topics;
        metrics.rejected("capture", "wrong_topic").Increment();
        spdlog::warn("replay: a record of unknown topic '{}'; skipped", topic);
        continue;
      }
      outlet.publish(topic, payload);
      if ((events & 1023) == 0) outlet.drain_subscriptions();
    }
    log_damage();
    if (reader.truncated()) spdlog::warn("replay: {}", reader.truncation_note());
    skipped += reader.records_skipped();
    bytes_skipped += reader.bytes_skipped();
    read += reader.records_read();
    truncated = truncated || reader.truncated();
    ++passes;
  }

  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  v1::Heartbeat beat;
  transport::HeaderStamper("replay").stamp(beat.mutable_header());
  beat.set_process("replay");
  beat.set_state(runtime::stop_requested() ? "stopped" : "finished");
  beat.set_messages_out(events);
  outlet.publish_last(transport::kTopicHeartbeat, beat);

  spdlog::info(
      "replay: {} events, {} truth in {:.2f} s ({:.0f} events/s), {} passes; {} records "
      "skipped, dropped {} push / {} pub",
      events, truths, seconds, events / std::max(seconds, 1e-9), passes, skipped,
      outlet.push_dropped(), outlet.pub_dropped());
  dev.finish({{"in", in_path},
              {"events_replayed", events},
              {"events_generated", events},
              {"truth_replayed", truths},
              {"records_read", read},
              {"records_skipped", skipped},
              {"records_unreadable", unreadable},
              {"records_other_topic", other_topics},
              {"bytes_skipped", bytes_skipped},
              {"truncated", truncated},
              {"passes", passes},
              {"events_dropped", outlet.push_dropped()},
              {"pub_dropped", outlet.pub_dropped()},
              {"seconds", seconds}});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ReplayOptions replay;
  return device::run_main(
      argc, argv, "l1t-replay: play a capture file out in the emulator's place",
      [&](CLI::App& app) { add_replay_options(app, &replay); },
      [&](const runtime::ProcessOptions& options, const config::Scenario& cfg) {
        return run_replay(options, cfg, replay);
      });
}
