#include "services/labeller/labeller_node.h"

#include <cmath>
#include <span>
#include <utility>

#include "common/physics/features.h"
#include "common/physics/offline_labels.h"
#include "common/physics/track_word.h"
#include "common/runtime/fault_point.h"
#include "common/trigger/event_features.h"
#include "common/trigger/label_sampling.h"

namespace l1t::labeller {
namespace {

// A reconstructed vertex further than this from the true one is the wrong vertex.
constexpr double kVertexWrongCm = 0.1;

std::vector<double> delay_buckets() {
  return {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600};
}

}  // namespace

LabellerNode::LabellerNode(const config::LabellerSettings& settings, metrics::Metrics& m, Now now,
                           Clock::duration unmatched_timeout)
    : settings_(settings),
      sampling_(trigger::label_sampling(settings)),
      now_(std::move(now)),
      unmatched_timeout_(unmatched_timeout),
      metrics_(m),
      labelled_events_total_(m.counter("l1t_labelled_events_total", "Events labelled")),
      labelled_tracks_total_(m.counter("l1t_labelled_tracks_total", "Tracks labelled")),
      unmatched_total_(m.counter("l1t_unmatched_events_total",
                                 "Events whose tracks, truth or accept never arrived")),
      sent_total_(m.sent("labels")),
      dropped_total_(m.dropped("labels")),
      primary_lost_total_(m.counter("l1t_label_errors_total",
                                    "Labels that differ from the truth, by kind",
                                    {{"kind", "primary_lost"}})),
      pileup_taken_total_(m.counter("l1t_label_errors_total",
                                    "Labels that differ from the truth, by kind",
                                    {{"kind", "pileup_taken"}})),
      vertices_wrong_total_(m.counter("l1t_label_vertices_wrong_total",
                                      "Reconstructed primary vertices more than 1 mm from the "
                                      "true one")),
      delay_(m.histogram("l1t_label_delay_seconds",
                         "From an event being whole at the labeller to its labels leaving",
                         delay_buckets()),
             delay_buckets()) {}

LabellerNode::Pending& LabellerNode::entry(uint64_t event_id) {
  auto [it, added] = pending_.try_emplace(event_id);
  if (added) it->second.first_seen = now_();
  return it->second;
}

void LabellerNode::try_label(std::map<uint64_t, Pending>::iterator it) {
  Pending& p = it->second;
  if (!p.event || !p.truth || (wants_accepts() && !p.accepted)) return;
  label(*p.event, *p.truth, p.accepted.value_or(false));
  pending_.erase(it);
}

void LabellerNode::on_event(const v1::Event& event) {
  if (event.fill() > latest_fill_) close_fills(event.fill());
  Pending& p = entry(event.event_id());
  p.event = event;
  try_label(pending_.find(event.event_id()));
}

void LabellerNode::on_truth(const v1::Truth& truth) {
  entry(truth.event_id()).truth = truth;
  try_label(pending_.find(truth.event_id()));
}

void LabellerNode::on_accept(const v1::Decision& decision) {
  if (!wants_accepts()) return;
  entry(decision.event_id()).accepted = decision.accept();
  try_label(pending_.find(decision.event_id()));
}

void LabellerNode::label(const v1::Event& ev, const v1::Truth& truth, bool accepted) {
  // The draws are the event's own (trigger::LabelDraws): the same labels whenever and by
  // whichever incarnation it is labelled. The rate sample is skipped before any draw.
  trigger::LabelDraws draws(settings_.seed, ev.event_id());
  if (!trigger::labels_event(sampling_, draws, ev.event_id(), truth.minimum_bias(), accepted)) {
    if (sampling_.mode == trigger::LabelMode::kTruth && truth.minimum_bias()) {
      ++skipped_minimum_bias_;
    }
    return;
  }
  const bool reconstructed = sampling_.mode != trigger::LabelMode::kTruth;
  if (!physics::unpack_tracks(ev.track_words(), &tracks_) ||
      truth.origin().size() != tracks_.size() ||
      (reconstructed && static_cast<size_t>(truth.track_true_z0_size()) != tracks_.size())) {
    ++rejected_;
    metrics_.rejected("events_truth", reconstructed ? "track_true_z0" : "track_words").Increment();
    return;
  }
  const auto extra = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double, std::milli>(draws.exponential(settings_.delay_exp_ms)));
  const Clock::duration delay = std::chrono::milliseconds(settings_.delay_ms) + extra;
  if (reconstructed) {
    const physics::OfflineVertex v = physics::offline_labels(
        settings_.reconstruction, tracks_,
        std::span<const float>(truth.track_true_z0().data(), tracks_.size()),
        [&] { return draws.gauss(); }, &reconstructed_);
    if (std::abs(v.z_cm - truth.pv_z0()) > kVertexWrongCm) {
      ++vertices_wrong_;
      vertices_wrong_total_.Increment();
    }
  }
  trigger::event_features(tracks_, &features_);
  v1::LabelledBatch batch;
  stamp_.stamp(batch.mutable_header());
  batch.add_event_ids(ev.event_id());
  batch.set_n_features(physics::kNumFeatures);
  batch.mutable_features()->Add(features_.begin(), features_.end());
  uint64_t lost = 0, taken = 0;
  for (size_t t = 0; t < tracks_.size(); ++t) {
    const bool true_primary = truth.origin()[t] == static_cast<char>(physics::Origin::kPrimary);
    bool primary = reconstructed ? reconstructed_[t] != 0 : true_primary;
    if (draws.flipped(settings_.label_noise)) primary = !primary;
    lost += true_primary && !primary;
    taken += !true_primary && primary;
    batch.add_labels(primary ? 1.0f : 0.0f);
  }
  *batch.mutable_degradation() = ev.degradation();
  const auto now = now_();
  if (settings_.delivery == "end_of_fill") {
    held_.push_back({ev.fill(), delay, now, std::move(batch)});
  } else {
    delayed_.emplace(now + delay, Delayed{now, std::move(batch)});
  }
  runtime::fault_point("labeller.label");  // a crash here loses the batches held back
  ++labelled_;
  tracks_labelled_ += tracks_.size();
  primary_lost_ += lost;
  pileup_taken_ += taken;
  labelled_events_total_.Increment();
  labelled_tracks_total_.Increment(static_cast<double>(tracks_.size()));
  if (lost > 0) primary_lost_total_.Increment(static_cast<double>(lost));
  if (taken > 0) pileup_taken_total_.Increment(static_cast<double>(taken));
}

void LabellerNode::close_fills(uint32_t fill) {
  latest_fill_ = fill;
  const auto now = now_();
  std::vector<Held> still;
  for (Held& h : held_) {
    if (h.fill < fill) {
      delayed_.emplace(now + h.delay, Delayed{h.labelled_at, std::move(h.batch)});
    } else {
      still.push_back(std::move(h));
    }
  }
  held_ = std::move(still);
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
  delay_.flush();
}

std::vector<v1::LabelledBatch> LabellerNode::release(bool all) {
  std::vector<v1::LabelledBatch> out;
  const auto now = now_();
  if (all) close_fills(UINT32_MAX);
  while (!delayed_.empty() && (all || delayed_.begin()->first <= now)) {
    auto node = delayed_.extract(delayed_.begin());
    delay_.observe(std::chrono::duration<double>(now - node.mapped().labelled_at).count());
    out.push_back(std::move(node.mapped().batch));
  }
  if (all) delay_.flush();
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
  const double wrong = static_cast<double>(primary_lost_ + pileup_taken_);
  return {{"events_labelled", labelled_},
          {"events_minimum_bias", skipped_minimum_bias_},
          {"batches_sent", sent_},
          {"batches_dropped", dropped_},
          {"messages_rejected", rejected_},
          {"events_unmatched", unmatched_},
          {"labels",
           {{"mode", settings_.mode},
            {"tracks", tracks_labelled_},
            {"primary_lost", primary_lost_},
            {"pileup_taken", pileup_taken_},
            {"error_rate", tracks_labelled_ > 0 ? wrong / tracks_labelled_ : 0.0},
            {"vertices_wrong", vertices_wrong_}}}};
}

}  // namespace l1t::labeller
