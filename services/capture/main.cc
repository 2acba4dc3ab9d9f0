// l1t-capture: a tap on the emulator's truth endpoint (PUB/SUB, events + truth) that appends
// every message, as received, to a capture file (common/capture/capture_format.h). It stops at
// SIGINT/SIGTERM, after --events N events and their truth, or when the emulator (or l1t-replay)
// publishes its end-of-run heartbeat; the file is then closed complete. Heartbeats are not
// recorded: l1t-replay sends its own at the end. Malformed frames are counted and skipped.
// The work is the CaptureWriter's; this is its wiring.
#include <spdlog/spdlog.h>

#include <chrono>
#include <string>

#include "common/capture/capture_format.h"
#include "common/capture/capture_writer.h"
#include "common/device/device.h"
#include "common/runtime/fault_point.h"
#include "common/transport/envelope.h"

using namespace l1t;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  std::string out_path;
  uint64_t max_events = 0;
  int metrics_port = 0;
  auto add_options = [&](CLI::App& app) {
    app.add_option("-o,--out", out_path, "capture file to write (created or truncated)")
        ->required();
    app.add_option("--events", max_events,
                   "stop after this many events and their truth (0: no limit)")
        ->capture_default_str();
    app.add_option("--metrics-port", metrics_port,
                   "Prometheus port (0: a free one, in the ready file)")
        ->capture_default_str();
  };
  return device::run_main(
      argc, argv, "l1t-capture: record the emulator's events and truth to a capture file",
      add_options, [&](const runtime::ProcessOptions& options, const config::Scenario& cfg) {
        capture::CaptureWriter writer;
        std::string error;
        const nlohmann::json source{{"scenario", cfg.name},
                                    {"seed", cfg.emulator.seed},
                                    {"created_unix_ns", transport::unix_now_ns()},
                                    {"tool", "l1t-capture"},
                                    {"tool_version", std::string(capture::tool_version())},
                                    {"source_endpoint", cfg.endpoints.truth}};
        if (!writer.open(out_path, source, &error)) {
          spdlog::error("capture: {}", error);
          return 2;
        }

        device::Device dev("capture", options, cfg.metrics.bind_address, metrics_port, cfg.limits,
                           cfg.security);
        auto& records_total = dev.metrics().counter("l1t_capture_records_total", "Records written");
        auto& bytes_total =
            dev.metrics().counter("l1t_capture_bytes_total", "Bytes written to the capture file");

        uint64_t events = 0, truths = 0, announced = 0;
        uint64_t rejected_at_end = 0;  // the device reads on to the end of its batch; not counted
        std::string ended_by = "signal";
        bool write_failed = false, done = false;
        auto end = [&](std::string why) {
          ended_by = std::move(why);
          rejected_at_end = dev.rejected();
          done = true;
        };
        // Payloads as they came: neither parsed (a decode would drop a bad payload the replayed run
        // should see) nor reserialised (which could change their bytes).
        auto record = [&](const transport::Received& in) {
          if (done) return;  // what follows the end is not part of the capture
          const uint64_t before = writer.bytes();
          if (!writer.append(in.topic, in.payload_view(), &error)) {
            spdlog::error("capture: {}", error);
            write_failed = true;
            return end(ended_by);
          }
          runtime::fault_point("capture.record");
          records_total.Increment();
          bytes_total.Increment(static_cast<double>(writer.bytes() - before));
          ++(in.topic == transport::kTopicEvent ? events : truths);
          if (max_events > 0 && events >= max_events && truths >= max_events) end("--events");
        };

        dev.open("truth", zmq::socket_type::sub, device::Method::kConnect, cfg.endpoints.truth);
        dev.on_frames("truth", transport::kTopicEvent, record);
        dev.on_frames("truth", transport::kTopicTruth, record);
        // A fast publisher cannot keep the loop from its end check and its flush.
        dev.set_budget("truth", 1024);
        dev.on<v1::Heartbeat>("truth", transport::kTopicHeartbeat, [&](v1::Heartbeat& beat) {
          // The publisher's end of run: every message before it has arrived (one ordered stream).
          if (done) return;
          if (beat.state() == "finished" || beat.state() == "stopped" || beat.state() == "failed") {
            announced = beat.messages_out();
            end(beat.process() + " " + beat.state());
          }
        });
        // Flushed every second, so a killed tap loses at most the last second.
        dev.every(1s, [&] {
          if (write_failed) return;
          if (!writer.flush(&error)) {
            spdlog::error("capture: {}", error);
            write_failed = true;
            end(ended_by);
          }
        });

        dev.ready({{"out", out_path}});
        spdlog::info("capture: {} -> {}, metrics on :{}", cfg.endpoints.truth, out_path,
                     dev.metrics().port());
        dev.run_until([&] { return done; });
        if (!done) rejected_at_end = dev.rejected();

        if (!writer.close(&error)) {
          spdlog::error("capture: {}", error);
          write_failed = true;
        }
        spdlog::info("capture: {} events, {} truth, {} records, {} bytes in {}; ended by {}",
                     events, truths, writer.records(), writer.bytes(), out_path, ended_by);
        if (announced > 0 && events < announced) {
          spdlog::warn("capture: the publisher announced {} events, {} were captured", announced,
                       events);
        }
        dev.finish({{"out", out_path},
                    {"records", writer.records()},
                    {"bytes", writer.bytes()},
                    {"events", events},
                    {"truth", truths},
                    {"messages_rejected", rejected_at_end},
                    {"events_announced", announced},
                    {"ended_by", ended_by}});
        return write_failed ? 1 : 0;
      });
}
