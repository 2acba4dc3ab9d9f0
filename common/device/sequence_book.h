// Per-sender sequence numbers on one input (a channel's topic): which messages come in order,
// after a gap, again (a repeat), or from a sender that restarted. Memory is bounded: at most
// max_senders senders are followed, the one heard from least recently forgotten first.
//
// The rule, for a message with sequence s from a sender last seen at sequence l (Header.sequence
// starts at 1 and counts +1 per message of that sender and topic):
//   first from this sender (or forgotten since): accepted, kFirst.
//   s == l + 1: kInOrder.   s > l + 1: kGap, with s - l - 1 messages missed (counted, accepted).
//   s <= l and s <= 1: kRestart. A restarted sender stamps 1 again (0 if it never stamps): the
//       sender's state starts afresh, counted, accepted.
//   s <= l and s > 1, with a send time later than the latest seen from it: kRestart too (a
//       restarted sender whose first messages were lost, e.g. to a subscription's slow join).
//   otherwise: kRepeat, rejected: the same or an older message again (a duplicate or a replay).
// Sequence numbers are a consistency check, not authentication: a peer that can reach the socket
// can stamp any header (CURVE would be the cure, not a counter).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>

namespace l1t::device {

enum class SequenceVerdict { kFirst, kInOrder, kGap, kRestart, kRepeat };

class SequenceBook {
 public:
  explicit SequenceBook(size_t max_senders) : max_senders_(max_senders == 0 ? 1 : max_senders) {}

  // sender: the header's sender and, on a ROUTER, the peer's routing id (any bytes; hashed).
  // *missed: the messages skipped before this one (0 unless kGap).
  SequenceVerdict observe(std::string_view sender, uint64_t sequence, int64_t sent_unix_ns,
                          uint64_t* missed);

  size_t senders() const { return senders_.size(); }
  uint64_t forgotten() const { return forgotten_; }

 private:
  struct Sender {
    uint64_t last = 0;
    int64_t latest_sent_ns = 0;
    uint64_t used = 0;  // when last heard from, in observe() calls
  };
  size_t max_senders_;
  uint64_t clock_ = 0;
  uint64_t forgotten_ = 0;
  std::unordered_map<uint64_t, Sender> senders_;  // by a 64-bit hash of the sender
};

}  // namespace l1t::device
