// l1t-capture: a tap on the emulator's truth endpoint (PUB/SUB, events + truth) that appends
// every message, as received, to a capture file (common/capture/capture_format.h). It stops at
// SIGINT/SIGTERM, after --events N events and their truth, or when the emulator (or l1t-replay)
// publishes its end-of-run heartbeat; the file is then closed complete. Heartbeats are not
// recorded: l1t-replay sends its own at the end. Malformed frames are counted and skipped.
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/capture/capture_format.h"
#include "common/capture/capture_writer.h"
#include "common/metrics/metrics.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"
#include "common/transport/socket.h"

using namespace l1t;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  CLI::App app{"l1t-capture: record the emulator's events and truth to a capture file"};
  runtime::ProcessOptions options;
  runtime::add_process_options(app, &options);
  std::string out_path;
  uint64_t max_events = 0;
  int metrics_port = 0;
  app.add_option("-o,--out", out_path, "capture file to write (created or truncated)")->required();
  app.add_option("--events", max_events,
                 "stop after this many events and their truth (0: no limit)")
      ->capture_default_str();
  app.add_option("--metrics-port", metrics_port,
                 "Prometheus port (0: a free one, in the ready file)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  config::Scenario cfg;
  if (!runtime::load_process_config(options, &cfg)) return 2;
  runtime::install_stop_handlers();

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

  metrics::Metrics metrics(cfg.metrics.bind_address, metrics_port);
  auto& received = metrics.received("truth");
  auto& records_total = metrics.counter("l1t_capture_records_total", "Records written");
  auto& bytes_total =
      metrics.counter("l1t_capture_bytes_total", "Bytes written to the capture file");

  zmq::context_t ctx(1);
  auto sub = transport::make_socket(ctx, zmq::socket_type::sub);
  for (auto topic : {transport::kTopicEvent, transport::kTopicTruth, transport::kTopicHeartbeat}) {
    sub.set(zmq::sockopt::subscribe, topic);
  }
  sub.connect(cfg.endpoints.truth);
  runtime::write_json_file(
      options.ready_file,
      {{"process", "capture"}, {"metrics_port", metrics.port()}, {"out", out_path}});
  spdlog::info("capture: {} -> {}, metrics on :{}", cfg.endpoints.truth, out_path, metrics.port());

  uint64_t events = 0, truths = 0, rejected = 0, announced = 0;
  std::string ended_by = "signal";
  bool write_failed = false;
  auto reject = [&](const std::string& reason) {
    ++rejected;
    metrics.rejected("truth", reason).Increment();
    spdlog::warn("capture: skipped a message: {}", reason);
  };
  auto last_flush = Clock::now();
  v1::Heartbeat beat;
  bool done = false;
  while (!done && !runtime::stop_requested()) {
    zmq::pollitem_t items[] = {{sub.handle(), 0, ZMQ_POLLIN, 0}};
    transport::poll(items, 1, std::chrono::milliseconds(100));
    while (!done) {
      auto msg = transport::receive(sub);
      if (!msg) break;
      received.Increment();
      if (!msg->well_framed) {
        reject("malformed");
        continue;
      }
      if (msg->topic == transport::kTopicHeartbeat) {
        // The publisher's end of run: every message before it has arrived (one ordered stream).
        if (transport::decode(msg->topic, transport::kTopicHeartbeat, msg->payload_view(), &beat) !=
            transport::Reject::kOk) {
          reject("malformed");
        } else if (beat.state() == "finished" || beat.state() == "stopped" ||
                   beat.state() == "failed") {
          announced = beat.messages_out();
          ended_by = beat.process() + " " + beat.state();
          done = true;
        }
        continue;
      }
      if (msg->topic != transport::kTopicEvent && msg->topic != transport::kTopicTruth) {
        reject("wrong_topic");
        continue;
      }
      const uint64_t before = writer.bytes();
      if (!writer.append(msg->topic, msg->payload_view(), &error)) {
        spdlog::error("capture: {}", error);
        write_failed = done = true;
        break;
      }
      records_total.Increment();
      bytes_total.Increment(static_cast<double>(writer.bytes() - before));
      ++(msg->topic == transport::kTopicEvent ? events : truths);
      if (max_events > 0 && events >= max_events && truths >= max_events) {
        ended_by = "--events";
        done = true;
      }
    }
    // Flushed every second, so a killed tap loses at most the last second.
    if (Clock::now() - last_flush > std::chrono::seconds(1) && !write_failed) {
      if (!writer.flush(&error)) {
        spdlog::error("capture: {}", error);
        write_failed = true;
        break;
      }
      last_flush = Clock::now();
    }
  }
  if (!writer.close(&error)) {
    spdlog::error("capture: {}", error);
    write_failed = true;
  }
  spdlog::info("capture: {} events, {} truth, {} records, {} bytes in {}; ended by {}", events,
               truths, writer.records(), writer.bytes(), out_path, ended_by);
  if (announced > 0 && events < announced) {
    spdlog::warn("capture: the publisher announced {} events, {} were captured", announced, events);
  }
  runtime::write_json_file(options.stats_file, {{"process", "capture"},
                                                {"out", out_path},
                                                {"records", writer.records()},
                                                {"bytes", writer.bytes()},
                                                {"events", events},
                                                {"truth", truths},
                                                {"messages_rejected", rejected},
                                                {"events_announced", announced},
                                                {"ended_by", ended_by}});
  return write_failed ? 1 : 0;
}
