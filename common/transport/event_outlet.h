// Where a stream of events leaves its source (l1t-emulator, l1t-replay): Event payloads PUSHed
// to the inference nodes, events and truth published on an XPUB to the labeller, monitors and
// capture taps. One place for the emulator's send policy, so a replayed stream behaves like a
// generated one.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <zmq.hpp>

#include <google/protobuf/message_lite.h>

namespace l1t::transport {

// Called with each socket and its channel ("events", "truth") before it binds: where the
// Device makes it a CURVE server.
using PrepareSocket = std::function<void(zmq::socket_t&, const std::string&)>;

class EventOutlet {
 public:
  // Binds both sockets (port 0 / tcp://127.0.0.1:* give free ports).
  EventOutlet(zmq::context_t& ctx, const std::string& events_endpoint,
              const std::string& truth_endpoint, const PrepareSocket& prepare = {});

  const std::string& events_endpoint() const { return events_ep_; }
  const std::string& truth_endpoint() const { return truth_ep_; }

  // Waits until n subscribers asked for truth, or stop() says so.
  void wait_for_truth_subscribers(int n, const std::function<bool()>& stop);
  // PUSHes an Event payload. wait: retry while the inference nodes are busy (back-pressure,
  // unpaced runs) until stop(); else one bounded try (paced runs drop). True if it was sent.
  bool push_event(std::string_view payload, bool wait, const std::function<bool()>& stop);
  // Publishes without blocking. A subscriber whose queue is full (ZMQ_SNDHWM) loses this copy
  // alone and sees the gap in the sequence numbers; false only when the send itself failed.
  bool publish(std::string_view topic, std::string_view payload);
  // Publish of a last message (the end-of-run heartbeat), to every subscriber with room.
  void publish_last(std::string_view topic, const google::protobuf::MessageLite& message);
  // Reads pending subscription frames, so the XPUB inbox does not grow in a long run.
  void drain_subscriptions();

 private:
  zmq::socket_t push_, pub_;
  std::string events_ep_, truth_ep_;
};

}  // namespace l1t::transport
