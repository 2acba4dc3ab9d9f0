#include "common/device/sequence_book.h"

#include <algorithm>

#include "common/hash/fnv1a.h"

namespace l1t::device {

SequenceVerdict SequenceBook::observe(std::string_view sender, uint64_t sequence,
                                      int64_t sent_unix_ns, uint64_t* missed) {
  *missed = 0;
  hash::Fnv1a h;
  h.update(sender);
  const uint64_t key = h.value();
  ++clock_;
  auto it = senders_.find(key);
  if (it == senders_.end()) {
    if (senders_.size() >= max_senders_) {
      // A scan, only when a new sender arrives at the cap: O(max_senders), bounded.
      auto oldest = std::min_element(
          senders_.begin(), senders_.end(),
          [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
      senders_.erase(oldest);
      ++forgotten_;
    }
    senders_[key] = {sequence, sent_unix_ns, clock_};
    return SequenceVerdict::kFirst;
  }
  Sender& s = it->second;
  s.used = clock_;
  if (sequence > s.last) {
    const uint64_t skipped = sequence - s.last - 1;
    s.last = sequence;
    s.latest_sent_ns = std::max(s.latest_sent_ns, sent_unix_ns);
    *missed = skipped;
    return skipped == 0 ? SequenceVerdict::kInOrder : SequenceVerdict::kGap;
  }
  if (sequence <= 1 || sent_unix_ns > s.latest_sent_ns) {
    s.last = sequence;
    s.latest_sent_ns = sent_unix_ns;
    return SequenceVerdict::kRestart;
  }
  return SequenceVerdict::kRepeat;
}

}  // namespace l1t::device
