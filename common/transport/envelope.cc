#include "common/transport/envelope.h"

#include <chrono>

namespace l1t::transport {

int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void HeaderStamper::stamp(v1::Header* header) {
  header->set_schema_version(kSchemaVersion);
  header->set_sender(sender_);
  header->set_sequence(++sequence_);
  header->set_sent_unix_ns(unix_now_ns());
}

std::string_view reject_name(Reject r) {
  switch (r) {
    case Reject::kOk:
      return "ok";
    case Reject::kMalformed:
      return "malformed";
    case Reject::kWrongTopic:
      return "wrong_topic";
    case Reject::kSchemaVersion:
      return "schema_version";
  }
  return "unknown";
}

uint64_t SequenceTracker::observe(uint64_t sequence) {
  uint64_t skipped = 0;
  if (sequence > last_ + 1 && last_ != 0) skipped = sequence - last_ - 1;
  if (sequence > last_) last_ = sequence;
  missed_ += skipped;
  return skipped;
}

}  // namespace l1t::transport
