// What l1t-replay changes in a recorded message before it goes out again. By default nothing: the
// recorded bytes are the stream. Two cases need fresh fields, and then the message is parsed and
// re-serialised (its bytes change, its content does not otherwise):
// * later passes of --loop: header.sequence and event_id continue after the first pass (offset by
//   pass x the largest value seen in it), so consumers' gap detection and event joins see a new
//   stream rather than repeats;
// * --restamp: Event.timestamp_ns and header.sent_unix_ns become the send time, so latencies
//   measured downstream are the replay's, not the time since the capture was made.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "l1t/v1/messages.pb.h"

namespace l1t::capture {

class ReplayStamper {
 public:
  explicit ReplayStamper(bool restamp_time) : restamp_time_(restamp_time) {}

  // Whether messages of this pass (0-based) must be rewritten, or go out as recorded.
  bool rewrites(uint64_t pass) const { return restamp_time_ || pass > 0; }

  // Notes the sequences and event ids of the first pass (to offset later passes).
  void observe(std::string_view topic, std::string_view payload);

  // Rewrites an "event" or "truth" payload for this pass into *out. Returns false (and leaves *out
  // alone) for a payload that does not parse; other topics are copied unchanged.
  bool rewrite(std::string_view topic, std::string_view payload, uint64_t pass, int64_t now_ns,
               std::string* out);

 private:
  template <class M>
  bool stamp(M* m, uint64_t pass, int64_t now_ns, uint64_t max_sequence, std::string* out) const;

  bool restamp_time_;
  uint64_t max_event_id_ = 0;
  uint64_t max_event_sequence_ = 0;
  uint64_t max_truth_sequence_ = 0;
  v1::Event event_;
  v1::Truth truth_;
};

}  // namespace l1t::capture
