#include "common/device/outlet.h"

namespace l1t::device {

Outlet::Outlet(zmq::context_t& ctx, metrics::Metrics& m, const std::string& events_endpoint,
               const std::string& truth_endpoint, const transport::PrepareSocket& prepare)
    : outlet_(ctx, events_endpoint, truth_endpoint, prepare),
      sent_events_(m.sent("events")),
      sent_truth_(m.sent("truth")),
      dropped_events_(m.dropped("events")),
      dropped_truth_(m.dropped("truth")) {}

bool Outlet::push_event(std::string_view payload, bool wait, const std::function<bool()>& stop) {
  if (outlet_.push_event(payload, wait, stop)) {
    sent_events_.Increment();
    return true;
  }
  dropped_events_.Increment();
  ++push_dropped_;
  return false;
}

bool Outlet::publish(std::string_view topic, std::string_view payload) {
  if (outlet_.publish(topic, payload)) {
    sent_truth_.Increment();
    return true;
  }
  dropped_truth_.Increment();
  ++pub_dropped_;
  return false;
}

}  // namespace l1t::device
