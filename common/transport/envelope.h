// Framing conventions shared by every process: topics, schema version, per-sender sequences.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "l1t/v1/messages.pb.h"

namespace l1t::transport {

inline constexpr uint32_t kSchemaVersion = 1;

// Topics: the first frame of every multipart message.
inline constexpr std::string_view kTopicEvent = "event";
inline constexpr std::string_view kTopicTruth = "truth";
inline constexpr std::string_view kTopicDecision = "decision";
inline constexpr std::string_view kTopicLabels = "labels";
inline constexpr std::string_view kTopicWeights = "weights";
inline constexpr std::string_view kTopicSnapshot = "snapshot";
inline constexpr std::string_view kTopicHeartbeat = "heartbeat";
inline constexpr std::string_view kTopicAlarm = "alarm";        // DriftAlarm, node -> trainer
inline constexpr std::string_view kTopicRollback = "rollback";  // RollbackRequest / Reply

int64_t unix_now_ns();

// Stamps headers for one sender: schema version, name and a sequence that starts at 1.
class HeaderStamper {
 public:
  explicit HeaderStamper(std::string sender) : sender_(std::move(sender)) {}
  void stamp(v1::Header* header);
  uint64_t last_sequence() const { return sequence_; }

 private:
  std::string sender_;
  uint64_t sequence_ = 0;
};

// Why an incoming message was refused; kOk when it may be used.
enum class Reject { kOk, kMalformed, kWrongTopic, kSchemaVersion };
std::string_view reject_name(Reject r);

// Parses payload into message and checks topic and schema version. Never throws.
template <class M>
Reject decode(std::string_view topic, std::string_view expected_topic, std::string_view payload,
              M* message) {
  if (topic != expected_topic) return Reject::kWrongTopic;
  if (!message->ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return Reject::kMalformed;
  }
  if (message->header().schema_version() != kSchemaVersion) return Reject::kSchemaVersion;
  return Reject::kOk;
}

// The header of a serialised message, without parsing the rest: every message has it as field 1,
// which protobuf writes first. For taps that keep payloads as they came (l1t-capture) and still
// follow each sender's sequence. false when the payload does not start with a header.
bool peek_header(std::string_view payload, v1::Header* header);

// Follows one sender's sequence numbers: counts the messages missed in gaps.
class SequenceTracker {
 public:
  // Returns how many messages were skipped before this one (0 when in order).
  uint64_t observe(uint64_t sequence);
  uint64_t missed() const { return missed_; }

 private:
  uint64_t last_ = 0;
  uint64_t missed_ = 0;
};

}  // namespace l1t::transport
