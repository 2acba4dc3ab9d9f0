// A stream source's outlet (transport::EventOutlet: Event PUSH, events and truth on XPUB) with
// its sends counted as every channel's are: sent and dropped per channel ("events", "truth").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/metrics/metrics.h"
#include "common/transport/event_outlet.h"

namespace l1t::device {

class Outlet {
 public:
  Outlet(zmq::context_t& ctx, metrics::Metrics& m, const std::string& events_endpoint,
         const std::string& truth_endpoint, const transport::PrepareSocket& prepare = {});

  const std::string& events_endpoint() const { return outlet_.events_endpoint(); }
  const std::string& truth_endpoint() const { return outlet_.truth_endpoint(); }
  void wait_for_truth_subscribers(int n, const std::function<bool()>& stop) {
    outlet_.wait_for_truth_subscribers(n, stop);
  }
  // As EventOutlet's, counted; false (a drop) when it was not sent.
  bool push_event(std::string_view payload, bool wait, const std::function<bool()>& stop);
  bool publish(std::string_view topic, std::string_view payload);
  void publish_last(std::string_view topic, const google::protobuf::MessageLite& message) {
    outlet_.publish_last(topic, message);
  }
  void drain_subscriptions() { outlet_.drain_subscriptions(); }

  uint64_t push_dropped() const { return push_dropped_; }
  uint64_t pub_dropped() const { return pub_dropped_; }

 private:
  transport::EventOutlet outlet_;
  prometheus::Counter &sent_events_, &sent_truth_, &dropped_events_, &dropped_truth_;
  uint64_t push_dropped_ = 0, pub_dropped_ = 0;
};

}  // namespace l1t::device
