#include "services/chain/loss_book.h"

#include <algorithm>

#include "common/trigger/label_draws.h"

namespace l1t::chain {

namespace {
// Event ids beyond this are not followed (a hostile or broken peer cannot make the book grow).
constexpr uint64_t kMaxEventId = uint64_t{1} << 32;
}  // namespace

void LossBook::on_truth(const v1::Truth& t) {
  const uint64_t id = t.event_id();
  if (id >= kMaxEventId) {
    ++out_of_range_;
    return;
  }
  if (id >= seen_.size()) seen_.resize(std::max<uint64_t>(id + 1, 2 * seen_.size()));
  if (seen_[id]) return;  // sent again by a restarted emulator
  seen_[id] = true;
  ++events_seen_;
  last_id_ = std::max(last_id_, id);
  if (sampling_.mode != trigger::LabelMode::kOffline &&
      trigger::labels_event(sampling_, id, t.minimum_bias(), false)) {
    label_rows_expected_ += static_cast<uint64_t>(t.origin().size());
  }
}

void LossBook::on_decision(const v1::Decision& d) {
  // Offline labels follow the trigger: counted from each event's first decision.
  const uint64_t id = d.event_id();
  if (sampling_.mode == trigger::LabelMode::kOffline && id < kMaxEventId) {
    if (id >= decided_.size()) decided_.resize(std::max<uint64_t>(id + 1, 2 * decided_.size()));
    if (!decided_[id]) {
      decided_[id] = true;
      if (trigger::labels_event(sampling_, id, false, d.accept())) {
        label_rows_expected_ += static_cast<uint64_t>(d.score_live_size());
      }
    }
  }
  if (version_of_node_.size() >= 256 && version_of_node_.count(d.node()) == 0) return;
  uint64_t& latest = version_of_node_[d.node()];
  if (d.model_version() < latest) ++versions_back_;
  latest = std::max(latest, d.model_version());
}

nlohmann::json LossBook::json(uint64_t planned, uint64_t decided, uint64_t learnt) const {
  auto minus = [](uint64_t a, uint64_t b) { return a > b ? a - b : 0; };
  return {{"events_planned", planned},
          {"events_seen", events_seen_},
          {"events_never_sent", minus(planned, events_seen_)},
          {"events_undecided", minus(events_seen_, decided)},
          {"label_rows_expected", label_rows_expected_},
          {"label_rows_learnt", learnt},
          {"label_rows_lost", minus(label_rows_expected_, learnt)},
          {"decision_versions_back", versions_back_},
          {"truth_ids_out_of_range", out_of_range_}};
}

}  // namespace l1t::chain
