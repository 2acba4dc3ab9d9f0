#include "services/labeller/labeller_node.h"

#include <utility>

#include "common/physics/features.h"
#include "common/physics/track_word.h"
#include "common/runtime/fault_point.h"
#include "common/trigger/event_features.h"
#include "common/trigger/label_draws.h"

namespace l1t::labeller {

LabellerNode::LabellerNode(const config::LabellerSettings& settings, metrics::Metrics& m, Now now,
                           Clock::duration unmatched_timeout)
    : settings_(settings),
      now_(std::move(now)),
      unmatched_timeout_(unmatched_timeout),
      metrics_(m),
      labelled_events_total_(m.counter("l1t_labelled_events_total", "Events labelled")),
      labelled_tracks_total_(m.counter("l1t_labelled_tracks_total", "Tracks labelled")),
      unmatched_total_(
          m.counter("l1t_unmatched_events_total", "Events whose tracks or truth never arrived")),
      sent_total_(m.sent("labels")),
      dropped_total_(m.dropped("labels")) {}

LabellerNode::Pending& LabellerNode::entry(uint64_t event_id) {
  auto [it, added] = pending_.try_emplace(event_id);
  if (added) it->second.first_seen = now_();
  return it->second;
}

void LabellerNode::on_event(const v1::Event& event) {
  auto it = pending_.find(event.event_id());
  if (it != pending_.end() && it->second.truth) {
    label(event, *it->second.truth);
    pending_.erase(it);
    return;
  }
  entry(event.event_id()).event = event;
}

void LabellerNode::on_truth(const v1::Truth& truth) {
  auto it = pending_.find(truth.event_id());
  if (it != pending_.end() && it->second.event) {
    label(*it->second.event, truth);
    pending_.erase(it);
    return;
  }
  entry(truth.event_id()).truth = truth;
}

void LabellerNode::label(const v1::Event& ev, const v1::Truth& truth) {
  // The draws are the event's own (trigger::LabelDraws): the same labels whenever and by
  // whichever incarnation it is labelled. The rate sample is skipped before any draw.
  if (truth.minimum_bias() && !settings_.label_minimum_bias) {
    ++skipped_minimum_bias_;
    return;
  }
  trigger::LabelDraws draws(settings_.seed, ev.event_id());
  if (!draws.labelled(settings_.fraction)) return;
  if (!physics::unpack_tracks(ev.track_words(), &tracks_) ||
      truth.origin().size() != tracks_.size()) {
    ++rejected_;
    metrics_.rejected("events_truth", "track_words").Increment();
    return;
  }
  trigger::event_features(tracks_, &features_);
  Delayed d{now_() + std::chrono::milliseconds(settings_.delay_ms), {}};
  v1::LabelledBatch& batch = d.batch;
  stamp_.stamp(batch.mutable_header());
  batch.add_event_ids(ev.event_id());
  batch.set_n_features(physics::kNumFeatures);
  batch.mutable_features()->Add(features_.begin(), features_.end());
  for (size_t t = 0; t < tracks_.size(); ++t) {
    bool primary = truth.origin()[t] == static_cast<char>(physics::Origin::kPrimary);
    if (draws.flipped(settings_.label_noise)) primary = !primary;
    batch.add_labels(primary ? 1.0f : 0.0f);
  }
  *batch.mutable_degradation() = ev.degradation();
  delayed_.push_back(std::move(d));
  runtime::fault_point("labeller.label");  // a crash here loses the batches held back
  ++labelled_;
  labelled_events_total_.Increment();
  labelled_tracks_total_.Increment(static_cast<double>(tracks_.size()));
}

void LabellerNode::tick() {
  const auto now = now_();
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now - it->second.first_seen > unmatched_timeout_) {
      ++unmatched_;
      unmatched_total_.Increment();
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<v1::LabelledBatch> LabellerNode::release(bool all) {
  std::vector<v1::LabelledBatch> out;
  const auto now = now_();
  while (!delayed_.empty() && (all || delayed_.front().due <= now)) {
    out.push_back(std::move(delayed_.front().batch));
    delayed_.pop_front();
  }
  return out;
}

std::vector<v1::LabelledBatch> LabellerNode::due() { return release(false); }

std::vector<v1::LabelledBatch> LabellerNode::flush() { return release(true); }

void LabellerNode::sent(bool ok) {
  if (ok) {
    ++sent_;
    sent_total_.Increment();
  } else {
    ++dropped_;
    dropped_total_.Increment();
  }
}

nlohmann::json LabellerNode::stats() const {
  return {{"events_labelled", labelled_},   {"events_minimum_bias", skipped_minimum_bias_},
          {"batches_sent", sent_},          {"batches_dropped", dropped_},
          {"messages_rejected", rejected_}, {"events_unmatched", unmatched_}};
}

}  // namespace l1t::labeller
