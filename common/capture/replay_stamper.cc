#include "common/capture/replay_stamper.h"

#include <algorithm>

#include "common/transport/envelope.h"

namespace l1t::capture {

void ReplayStamper::observe(std::string_view topic, std::string_view payload) {
  const int size = static_cast<int>(payload.size());
  if (topic == transport::kTopicEvent && event_.ParseFromArray(payload.data(), size)) {
    max_event_id_ = std::max(max_event_id_, event_.event_id());
    max_event_sequence_ = std::max(max_event_sequence_, event_.header().sequence());
  } else if (topic == transport::kTopicTruth && truth_.ParseFromArray(payload.data(), size)) {
    max_event_id_ = std::max(max_event_id_, truth_.event_id());
    max_truth_sequence_ = std::max(max_truth_sequence_, truth_.header().sequence());
  }
}

template <class M>
bool ReplayStamper::stamp(M* m, uint64_t pass, int64_t now_ns, uint64_t max_sequence,
                          std::string* out) const {
  if (pass > 0) {
    m->mutable_header()->set_sequence(m->header().sequence() + pass * max_sequence);
    m->set_event_id(m->event_id() + pass * max_event_id_);
  }
  if (restamp_time_) m->mutable_header()->set_sent_unix_ns(now_ns);
  return m->SerializeToString(out);
}

bool ReplayStamper::rewrite(std::string_view topic, std::string_view payload, uint64_t pass,
                            int64_t now_ns, std::string* out) {
  const int size = static_cast<int>(payload.size());
  if (topic == transport::kTopicEvent) {
    if (!event_.ParseFromArray(payload.data(), size)) return false;
    if (restamp_time_) event_.set_timestamp_ns(now_ns);
    return stamp(&event_, pass, now_ns, max_event_sequence_, out);
  }
  if (topic == transport::kTopicTruth) {
    if (!truth_.ParseFromArray(payload.data(), size)) return false;
    return stamp(&truth_, pass, now_ns, max_truth_sequence_, out);
  }
  out->assign(payload);
  return true;
}

}  // namespace l1t::capture
