#include "common/transport/envelope.h"

#include <google/protobuf/io/coded_stream.h>

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

bool peek_header(std::string_view payload, v1::Header* header) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(payload.data()),
                                            static_cast<int>(payload.size()));
  constexpr uint32_t kHeaderTag = (1 << 3) | 2;  // field 1, length-delimited
  uint32_t size = 0;
  if (in.ReadTag() != kHeaderTag || !in.ReadVarint32(&size) || size > payload.size()) {
    return false;
  }
  std::string bytes;
  return in.ReadString(&bytes, static_cast<int>(size)) && header->ParseFromString(bytes);
}

}  // namespace l1t::transport
