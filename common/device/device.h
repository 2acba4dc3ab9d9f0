// One process's lifecycle, as FairMQ's devices have it: init (options, config, metrics), channels
// named for what they carry (bound or connected to endpoints from the config), run (a poll loop
// that decodes each message and hands it to its channel's handler), drain, and stop (the stats
// file). A main says only what differs: its node, its channels and their handlers.
//
// What it refuses before a handler sees a message, in this order, each counted in
// l1t_messages_rejected_total{channel,reason} and logged (at most one line per second per
// channel and reason, with the number not logged): a message larger than the channel's
// max_message_bytes ("too_large", before parsing); bad framing ("malformed"); a topic without a
// handler ("wrong_topic"); bytes that do not parse ("malformed") or another schema version
// ("schema_version"); a repeated sequence number from one sender ("repeat", SequenceBook's
// rule: gaps and restarts are counted, in l1t_sequence_gaps_total and
// l1t_sequence_resets_total, not refused); a message whose fields mean nothing (validate.h:
// "degradation", "too_many_tracks", "event_numbers", "origin", "truth").
//
// With security.curve (the default) every socket is a CURVE server or client of its channel
// (security/roles.h): the Device starts the process's ZAP handler before any socket binds,
// counts failed handshakes in l1t_auth_failures_total{channel}, and on a bound channel refuses
// a topic the sender's role may not send ("unauthorised", counted there too).
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>
#include <zmq.hpp>

#include "common/config/scenario.h"
#include "common/device/log_limiter.h"
#include "common/device/outlet.h"
#include "common/device/sequence_book.h"
#include "common/device/validate.h"
#include "common/metrics/metrics.h"
#include "common/runtime/process_options.h"
#include "common/security/auth_monitor.h"
#include "common/security/keyring.h"
#include "common/security/zap_handler.h"
#include "common/transport/envelope.h"
#include "common/transport/socket.h"

namespace l1t::device {

enum class Method { kBind, kConnect };

// What a repeated sequence number does on one input. kCountOnly where a repeat is legitimate:
// the trainer answers every snapshot request with the stored update, its header as it was.
enum class Sequences { kRejectRepeats, kCountOnly };

// On a bound channel, libzmq drops the connection of a peer that sends a frame beyond this many
// times the channel's limit (ZMQ_MAXMSGSIZE), before reading it: memory stays bounded, but
// libzmq tells nobody, so between 1x and this the Device reads the frame and refuses it visibly
// ("too_large"); the peer reconnects. Not on connecting channels: libzmq 4.3 does not reconnect
// after such a protocol error, so one frame would cut the process off its configured peer for
// good; there every oversized message is read and refused ("too_large").
inline constexpr int64_t kSocketLimitFactor = 4;

class Device {
 public:
  // Installs the stop handlers: from here SIGINT/SIGTERM ask the loop to stop and drain.
  // limits: config.limits (max_message_bytes for every channel, tracks, senders); security:
  // config.security. Throws std::runtime_error, with the reason, when CURVE is on and the keys
  // cannot be read (run_main reports it and exits 2).
  Device(std::string process, const runtime::ProcessOptions& options,
         const std::string& metrics_address, int metrics_port, const config::Limits& limits,
         const config::Security& security);
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  const std::string& process() const { return process_; }
  metrics::Metrics& metrics() { return metrics_; }
  zmq::context_t& context() { return ctx_; }

  // A socket made the project's way, bound or connected. The
  // endpoints actually bound (port 0 resolved) go into the ready file under "endpoints".
  zmq::socket_t& open(const std::string& channel, zmq::socket_type type, Method how,
                      const std::string& endpoint);
  // An XPUB that reports a full queue instead of dropping (transport::make_publisher).
  zmq::socket_t& open_publisher(const std::string& channel, Method how,
                                const std::string& endpoint);
  // A stream source's outlet, bound to both endpoints; they go into the ready file as
  // "events" and "truth".
  Outlet& open_outlet(const std::string& events_endpoint, const std::string& truth_endpoint);
  zmq::socket_t& socket(const std::string& channel);
  const std::string& endpoint(const std::string& channel) const;

  // Each well-framed message on channel with this topic, decoded as Msg with its schema version
  // checked, its sender's sequence followed (per channel and topic; the sender is the header's
  // and, on a ROUTER, the peer's routing id) and validate()d, goes to handler(Msg&) or
  // handler(Msg&, const transport::Received&) (a ROUTER's routing id). Every message is
  // counted received; one that fails, or whose topic has no handler, is counted rejected by
  // reason, logged, and dropped. SUB channels subscribe here.
  template <class Msg, class F>
  void on(const std::string& channel, std::string_view topic, F handler,
          Sequences sequences = Sequences::kRejectRepeats);
  // Each well-framed message on channel with this topic as it came, undecoded (a capture keeps
  // the bytes on the wire).
  void on_frames(const std::string& channel, std::string_view topic,
                 std::function<void(const transport::Received&)> handler);
  // At most this many messages of channel per turn of the loop (default: all that are queued);
  // channels are served in the order their first handler was registered.
  void set_budget(const std::string& channel, size_t per_turn);
  // Another size limit for one channel than limits.max_message_bytes (on a bound channel
  // ZMQ_MAXMSGSIZE follows, for connections accepted from now on).
  void set_max_message_bytes(const std::string& channel, int64_t bytes);
  const config::Limits& limits() const { return limits_; }

  // A task run from the loop at most every period (metrics flushes, heartbeats, progress).
  void every(std::chrono::milliseconds period, std::function<void()> task);

  // Turns the loop until done() holds or a stop is requested (SIGINT/SIGTERM); returns done().
  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds poll = std::chrono::milliseconds(100));
  // Turns the loop until a stop is requested.
  void run(std::chrono::milliseconds poll = std::chrono::milliseconds(100));
  // Handles what is already queued on channel, without waiting (the drain after a stop).
  void drain(const std::string& channel);

  // The ready file: process, metrics port, bound endpoints, and extra fields.
  void ready(const nlohmann::json& extra = nlohmann::json::object());
  // The stats file at exit: process, messages rejected by the device, and the node's counters.
  void finish(const nlohmann::json& stats);

  uint64_t rejected() const { return rejected_; }
  uint64_t rejected(const std::string& channel, std::string_view reason) const;
  uint64_t sequence_gaps() const { return sequence_gaps_; }
  uint64_t sequence_resets() const { return sequence_resets_; }
  bool secured() const { return keys_ != nullptr; }
  // Failed handshakes and unauthorised topics, over every channel.
  uint64_t auth_failures() const { return auth_failures_; }

 private:
  using Decoder = std::function<void(const transport::Received&)>;
  struct Channel {
    std::string name;
    zmq::socket_t socket;
    bool router = false;
    std::string endpoint;
    bool bound = false;
    size_t budget = 0;  // 0: no limit
    int64_t max_bytes = 0;
    prometheus::Counter* gaps = nullptr;
    prometheus::Counter* resets = nullptr;
    std::map<std::string, Decoder, std::less<>> topics;
  };
  struct Task {
    std::chrono::milliseconds period;
    std::function<void()> run;
    std::chrono::steady_clock::time_point last;
  };

  Channel& channel(const std::string& name);
  Channel& add(const std::string& name, zmq::socket_t socket, zmq::socket_type type, Method how,
               const std::string& endpoint);
  void subscribe(Channel& c, std::string_view topic);
  void add_handler(Channel& c, std::string_view topic, Decoder decoder);
  void turn(std::chrono::milliseconds poll);
  size_t serve(Channel& c, size_t limit);
  void reject(const std::string& channel, std::string_view reason, std::string_view detail = {});
  // CURVE options for a socket of channel before it binds or connects (nothing without CURVE).
  void secure(zmq::socket_t& socket, const std::string& channel, Method how);
  void count_auth_failure(const std::string& channel, std::string_view reason);
  prometheus::Counter& auth_counter(const std::string& channel);
  // Follows in's sender on book; false (rejected) for a repeat that sequences refuses.
  bool follow(Channel& c, SequenceBook& book, Sequences sequences, const v1::Header& header,
              const transport::Received& in);

  std::string process_;
  runtime::ProcessOptions options_;
  metrics::Metrics metrics_;
  zmq::context_t ctx_{1};
  // After ctx_, so destroyed before it: the handler's socket closes before the context ends.
  std::unique_ptr<security::Keyring> keys_;
  std::unique_ptr<security::ZapHandler> zap_;
  std::unique_ptr<security::AuthMonitor> auth_monitor_;
  uint64_t auth_failures_ = 0;
  std::vector<std::unique_ptr<Channel>> channels_;
  std::vector<Channel*> served_;  // channels with handlers, in registration order
  std::vector<Task> tasks_;
  std::unique_ptr<Outlet> outlet_;
  config::Limits limits_;
  uint64_t rejected_ = 0;
  uint64_t sequence_gaps_ = 0, sequence_missed_ = 0, sequence_resets_ = 0;
  std::map<std::string, std::map<std::string, uint64_t, std::less<>>, std::less<>> rejected_by_;
  LogLimiter log_limiter_;
  std::vector<std::shared_ptr<SequenceBook>> books_;
};

// Parses the common options (and those add_options adds), loads the config, then returns
// body(options, config); 2 on bad options or a bad config. The stop handlers come with the
// Device, so a tool mode that makes none still ends at the first signal.
int run_main(
    int argc, char** argv, const std::string& about,
    const std::function<void(CLI::App&)>& add_options,
    const std::function<int(const runtime::ProcessOptions&, const config::Scenario&)>& body);

template <class Msg, class F>
void Device::on(const std::string& name, std::string_view topic, F handler, Sequences sequences) {
  Channel& c = channel(name);
  subscribe(c, topic);
  auto book = std::make_shared<SequenceBook>(static_cast<size_t>(limits_.max_senders));
  books_.push_back(book);
  auto decoder = [this, &c, topic = std::string(topic), handler = std::move(handler),
                  msg = std::make_shared<Msg>(), book, sequences,
                  refusal = Refusal{}](const transport::Received& in) mutable {
    msg->Clear();
    const auto r = transport::decode(in.topic, topic, in.payload_view(), msg.get());
    if (r != transport::Reject::kOk) return reject(c.name, transport::reject_name(r));
    if (!follow(c, *book, sequences, msg->header(), in)) return;
    if (!validate(*msg, limits_, &refusal)) return reject(c.name, refusal.reason, refusal.detail);
    if constexpr (std::is_invocable_v<F&, Msg&, const transport::Received&>) {
      handler(*msg, in);
    } else {
      handler(*msg);
    }
  };
  add_handler(c, topic, std::move(decoder));
}

}  // namespace l1t::device
