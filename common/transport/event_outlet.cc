#include "common/transport/event_outlet.h"

#include <chrono>
#include <thread>

#include "common/transport/envelope.h"
#include "common/transport/socket.h"

namespace l1t::transport {

EventOutlet::EventOutlet(zmq::context_t& ctx, const std::string& events_endpoint,
                         const std::string& truth_endpoint, const PrepareSocket& prepare)
    // Not make_publisher: one stuck tap (a capture, a monitor) must not stop the truth of the
    // others, so a full subscriber queue drops that subscriber's copy only, and it counts the
    // loss as a gap in the emulator's sequence numbers.
    : push_(make_socket(ctx, zmq::socket_type::push)),
      pub_(make_socket(ctx, zmq::socket_type::xpub)) {
  push_.set(zmq::sockopt::sndtimeo, 100);   // blocking sends wake up to check for a stop request
  pub_.set(zmq::sockopt::xpub_verbose, 1);  // see every subscriber, not only the first per topic
  if (prepare) {
    prepare(push_, "events");
    prepare(pub_, "truth");
  }
  events_ep_ = bind(push_, events_endpoint);
  truth_ep_ = bind(pub_, truth_endpoint);
}

void EventOutlet::wait_for_truth_subscribers(int n, const std::function<bool()>& stop) {
  for (int seen = 0; seen < n && !stop();) {
    seen += count_subscriptions(pub_, kTopicTruth);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool EventOutlet::push_event(std::string_view payload, bool wait,
                             const std::function<bool()>& stop) {
  SendResult r;
  do {
    r = send(push_, kTopicEvent, payload, /*block=*/true);
  } while (wait && r == SendResult::kWouldBlock && !stop());
  return r == SendResult::kSent;
}

bool EventOutlet::publish(std::string_view topic, std::string_view payload) {
  return send(pub_, topic, payload, /*block=*/false) == SendResult::kSent;
}

void EventOutlet::publish_last(std::string_view topic,
                               const google::protobuf::MessageLite& message) {
  send(pub_, topic, message, /*block=*/true);
}

void EventOutlet::drain_subscriptions() { count_subscriptions(pub_, kTopicTruth); }

}  // namespace l1t::transport
