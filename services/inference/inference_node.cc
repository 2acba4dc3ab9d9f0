#include "services/inference/inference_node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "common/physics/features.h"
#include "common/physics/track_word.h"
#include "common/runtime/fault_point.h"
#include "common/trigger/event_features.h"

namespace l1t::inference {
namespace {

// The labelled tracks a new model is calibrated on at its swap (about 40 labelled crossings).
constexpr size_t kRecentLabelTracks = 8000;

std::vector<double> score_buckets() {
  return {0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
}

trigger::DriftConfig drift_config(const config::InferenceSettings& s) {
  trigger::DriftConfig d;
  d.block_events = static_cast<size_t>(s.drift_block_events);
  d.reference_blocks = static_cast<size_t>(s.drift_reference_blocks);
  d.slack = s.drift_slack;
  d.threshold = s.drift_threshold;
  return d;
}

}  // namespace

InferenceNode::InferenceNode(const config::InferenceSettings& settings, metrics::Metrics& m,
                             NowNs now)
    : settings_(settings),
      metrics_(m),
      now_(std::move(now)),
      decisions_out_(m.sent("decisions")),
      decisions_dropped_(m.dropped("decisions")),
      events_total_(m.counter("l1t_events_total", "Events decided")),
      tracks_total_(m.counter("l1t_tracks_total", "Tracks scored")),
      accepted_total_(m.counter("l1t_trigger_accepts_total", "Events accepted by the trigger")),
      version_gauge_(
          m.gauge("l1t_model_version", "Weight version in service", {{"model", "live"}})),
      applied_total_(
          m.counter("l1t_model_updates_total", "Weight updates", {{"result", "applied"}})),
      refused_total_(
          m.counter("l1t_model_updates_total", "Weight updates", {{"result", "refused"}})),
      held_total_(m.counter("l1t_model_updates_total", "Weight updates", {{"result", "held"}})),
      alarms_total_(m.counter("l1t_drift_alarms_total", "Drift alarms raised",
                              {{"detector", "cusum"}, {"signal", "primary_fraction"}})),
      drift_gauge_(m.gauge("l1t_drift_cusum",
                           "Drift CUSUM of the live model's primary-track "
                           "fraction, in reference sigmas")),
      latency_(m.histogram("l1t_decision_latency_seconds",
                           "From event creation at the emulator to its decision",
                           metrics::latency_buckets()),
               metrics::latency_buckets()),
      live_score_(
          m.histogram("l1t_live_score", "The live model's score of every track", score_buckets()),
          score_buckets()),
      stamp_(settings.node),
      control_stamp_(settings.node),
      drift_(drift_config(settings)),
      drift_series_(m) {}

void InferenceNode::on_model(const v1::ModelUpdate& update, Source source) {
  std::string why;
  if (source == Source::kSnapshot && update.version() == 1 && !frozen_.loaded()) {
    if (frozen_.offer(update, &why) != trigger::Verdict::kAccepted) {
      spdlog::warn("inference: frozen model refused: {}", why);
    }
  }
  // A snapshot is what the trainer serves now: a node that (re)starts takes it at once.
  const bool waits = source == Source::kBroadcast && update.activate_at_fill() > 0;
  if (waits && live_.loaded()) return hold(update);
  trigger::CheckedModel checked;
  switch (live_.check(update, &checked, &why)) {
    case trigger::Verdict::kAccepted:
      return apply(std::move(checked));
    case trigger::Verdict::kStale:
      spdlog::debug("inference: ignored weights: {}", why);
      return;
    case trigger::Verdict::kRejected:
      return refuse(update, source, why);
  }
}

// Checked now, kept until its fill boundary (see FillGatedUpdate).
void InferenceNode::hold(const v1::ModelUpdate& update) {
  std::string why;
  trigger::CheckedModel checked;
  switch (live_.check(update, &checked, &why)) {
    case trigger::Verdict::kAccepted:
      break;
    case trigger::Verdict::kStale:
      spdlog::debug("inference: ignored weights v{}: {}", update.version(), why);
      return;
    case trigger::Verdict::kRejected:
      return refuse(update, Source::kBroadcast, why);
  }
  if (!pending_.hold(std::move(checked))) return;
  ++counters_.versions_held;
  held_total_.Increment();
  spdlog::info("inference: holding weights v{} until the boundary into fill {} (now in fill {})",
               update.version(), update.activate_at_fill(), pending_.last_fill());
}

void InferenceNode::apply(trigger::CheckedModel checked) {
  const uint64_t version = checked.version;
  // Checked and not yet in service: a crash here must leave the chain with the old weights.
  runtime::fault_point("inference.swap");
  if (!live_.install(std::move(checked))) {
    spdlog::debug("inference: ignored weights v{}: v{} is in service", version, live_.version());
    return;
  }
  ++counters_.versions_applied;
  applied_total_.Increment();
  version_gauge_.Set(static_cast<double>(live_.version()));
  spdlog::info("inference: applied weights v{} after {} events", live_.version(), counters_.events);
  // A pending update older than the one now live will never be wanted.
  if (pending_.holding() && pending_.held().version <= live_.version()) pending_.clear();
  drift_.reset();  // new weights, new score distribution: a new reference
}

// One log line per second per kind of refusal; the next says how many were not logged.
bool InferenceNode::log_allowed(std::string_view key, std::string* more) {
  uint64_t suppressed = 0;
  if (!log_limiter_.allow(key, &suppressed)) return false;
  *more = suppressed > 0 ? " (" + std::to_string(suppressed) + " more like it not logged)" : "";
  return true;
}

void InferenceNode::refuse(const v1::ModelUpdate& update, Source source, const std::string& why) {
  ++counters_.versions_refused;
  refused_total_.Increment();
  // "weight_range" and "precision" named apart from the rest ("model"): checked_model.h.
  const std::string reason(trigger::refusal_reason(update));
  metrics_.rejected(source == Source::kSnapshot ? "control" : "weights", reason).Increment();
  std::string more;
  if (log_allowed("weights/" + reason, &more)) {
    spdlog::warn("inference: refused weights v{} ({}): {}{}", update.version(), reason, why, more);
  }
}

const v1::Decision* InferenceNode::on_event(const v1::Event& event) {
  std::string more;
  // Before unpacking: the words of 10^6 tracks are not read to find out there are too many.
  const size_t max_tracks = static_cast<size_t>(limits_.max_tracks_per_event);
  if (event.n_tracks() > max_tracks ||
      event.track_words().size() > max_tracks * physics::kTrackWordBytes) {
    metrics_.rejected("events", "too_many_tracks").Increment();
    ++counters_.rejected;
    ++counters_.too_many_tracks;
    if (log_allowed("events/too_many_tracks", &more)) {
      spdlog::warn("inference: event {} has {} tracks ({} bytes of words), limit {}; skipped{}",
                   event.event_id(), event.n_tracks(), event.track_words().size(), max_tracks,
                   more);
    }
    return nullptr;
  }
  if (!physics::unpack_tracks(event.track_words(), &tracks_) ||
      tracks_.size() != event.n_tracks()) {
    metrics_.rejected("events", "track_words").Increment();
    ++counters_.rejected;
    if (log_allowed("events/track_words", &more)) {
      spdlog::warn("inference: event {} has {} bytes of track words for {} tracks; skipped{}",
                   event.event_id(), event.track_words().size(), event.n_tracks(), more);
    }
    return nullptr;
  }
  counters_.sequence_gaps += sequence_.observe(event.header().sequence());
  const bool new_fill = event.fill() != pending_.last_fill() || counters_.events == 0;
  // Between events, never during one: a held update goes live at its fill boundary.
  if (pending_.on_event(event.fill())) {
    trigger::CheckedModel update = pending_.take();
    spdlog::info("inference: fill {} begins: weights v{} become active", event.fill(),
                 update.version);
    apply(std::move(update));
  }
  if (new_fill) heartbeat();

  decision_.Clear();
  decision_.set_pv_z0(trigger::event_features(tracks_, &features_));
  trigger::quantise_inputs(features_, live_.model().input, &inputs_);
  const size_t n = tracks_.size();
  const double threshold_raw = settings_.score_threshold * (1 << live_.output_frac_bits());
  double ht_live = 0, ht_frozen = 0;
  size_t primary_live = 0;
  for (auto [slot, field, ht] : {std::tuple{&live_, decision_.mutable_score_live(), &ht_live},
                                 {&frozen_, decision_.mutable_score_frozen(), &ht_frozen}}) {
    scores_.resize(n);
    slot->scorer().score(inputs_.data(), n, scores_.data());
    field->Resize(static_cast<int>(n), 0);
    for (size_t t = 0; t < n; ++t) {
      (*field)[t] = static_cast<int32_t>(scores_[t]);
      if (scores_[t] >= threshold_raw) {
        *ht += tracks_[t].pt();
        if (slot == &live_) ++primary_live;
      }
    }
  }
  if (n > 0) watch_drift(static_cast<double>(primary_live) / static_cast<double>(n), event.fill());
  live_scores_.resize(n);
  const float lsb = std::ldexp(1.0f, -live_.output_frac_bits());
  size_t disagree = 0;
  for (size_t t = 0; t < n; ++t) {
    live_scores_[t] = static_cast<float>(decision_.score_live(t)) * lsb;
    live_score_.observe(live_scores_[t]);
    disagree +=
        (decision_.score_live(t) >= threshold_raw) != (decision_.score_frozen(t) >= threshold_raw);
  }
  watch_.observe({event.event_id(), live_.version(), event.degradation().level(), features_,
                  live_scores_, ht_live > settings_.accept_ht_gev, decision_.pv_z0(),
                  n > 0 ? static_cast<double>(disagree) / static_cast<double>(n) : 0.0});
  if (label_watch_.model_version() != live_.version()) start_label_model();
  replay_one_label();
  label_watch_.set_level(event.degradation().level());
  label_watch_.observe_event(live_scores_, settings_.score_threshold);
  forward_alarms(event.fill());
  stamp_.stamp(decision_.mutable_header());
  decision_.set_event_id(event.event_id());
  decision_.set_node(settings_.node);
  decision_.set_model_version(live_.version());
  decision_.set_live_threshold(live_.working_point_threshold());
  *decision_.mutable_degradation() = event.degradation();
  decision_.set_score_frac_bits(live_.output_frac_bits());
  decision_.set_track_ht_live(ht_live);
  decision_.set_track_ht_frozen(ht_frozen);
  decision_.set_accept(ht_live > settings_.accept_ht_gev);
  decision_.set_drift_alarms(watch_.alarms_total());
  if (!watch_.alarms().empty()) {
    const drift::WatchAlarm& a = watch_.alarms().back();
    decision_.set_last_drift_alarm(a.detector + "/" + a.signal);
  }
  decision_.set_event_timestamp_ns(event.timestamp_ns());
  const int64_t now = now_();
  decision_.set_decided_unix_ns(now);
  latency_.observe(1e-9 * static_cast<double>(now - event.timestamp_ns()));

  ++counters_.events;
  counters_.tracks += n;
  events_total_.Increment();
  tracks_total_.Increment(static_cast<double>(n));
  if (decision_.accept()) accepted_total_.Increment();
  return &decision_;
}

void InferenceNode::decision_sent(bool queued) {
  if (queued) {
    decisions_out_.Increment();
  } else {
    decisions_dropped_.Increment();
    ++counters_.dropped;
  }
}

void InferenceNode::heartbeat() {
  if (!to_trainer_) return;
  v1::Heartbeat hb;
  control_stamp_.stamp(hb.mutable_header());
  hb.set_process(settings_.node);
  hb.set_state("running");
  hb.set_messages_in(counters_.events);
  hb.set_messages_out(counters_.events - counters_.dropped);
  hb.set_fill(pending_.last_fill());
  to_trainer_(transport::kTopicHeartbeat, hb);
}

nlohmann::json InferenceNode::drift_json() const {
  nlohmann::json out = watch_.json();
  out["labels"] = label_watch_.json();
  return out;
}

void InferenceNode::flush_drift() {
  label_watch_.refresh();
  forward_alarms(pending_.last_fill());
  drift_series_.update(watch_);
  drift_series_.update(label_watch_, label_source_);
}

void InferenceNode::on_labels(const v1::LabelledBatch& batch) {
  const size_t n = static_cast<size_t>(batch.labels_size());
  bool ok = batch.n_features() == static_cast<uint32_t>(physics::kNumFeatures) &&
            static_cast<size_t>(batch.features_size()) == n * physics::kNumFeatures &&
            batch.event_ids_size() >= 1 && n <= static_cast<size_t>(limits_.max_tracks_per_event);
  for (float f : batch.features()) ok = ok && std::isfinite(f);
  for (float y : batch.labels()) ok = ok && (y == 0 || y == 1);
  std::string more;
  if (!ok) {
    metrics_.rejected("label_copies", "shape").Increment();
    ++counters_.rejected;
    if (log_allowed("label_copies/shape", &more)) {
      spdlog::warn("inference: labelled batch of {} labels, {} features ({} per track) refused{}",
                   n, batch.features_size(), batch.n_features(), more);
    }
    return;
  }
  if (!live_.loaded()) return;
  if (label_watch_.model_version() != live_.version()) start_label_model();
  label_features_.assign(batch.features().begin(), batch.features().end());
  score_labels(label_features_, n);
  const std::span<const float> labels(batch.labels().data(), n);
  label_watch_.set_level(batch.degradation().level());
  label_watch_.observe_labels(batch.event_ids(0), label_scores_, labels, settings_.score_threshold);
  recent_labels_.push_back({batch.event_ids(0), label_features_, {labels.begin(), labels.end()}});
  recent_label_tracks_ += n;
  while (recent_label_tracks_ > kRecentLabelTracks && recent_labels_.size() > 1) {
    recent_label_tracks_ -= recent_labels_.front().labels.size();
    recent_labels_.pop_front();
    if (replay_next_ > 0) --replay_next_;
    if (replay_end_ > 0) --replay_end_;
  }
}

void InferenceNode::score_labels(const std::vector<float>& features, size_t n) {
  trigger::quantise_inputs(features, live_.model().input, &label_inputs_);
  label_raw_.resize(n);
  live_.scorer().score(label_inputs_.data(), n, label_raw_.data());
  const float lsb = std::ldexp(1.0f, -live_.output_frac_bits());
  label_scores_.resize(n);
  for (size_t t = 0; t < n; ++t) label_scores_[t] = static_cast<float>(label_raw_[t]) * lsb;
}

// A new live model: its figures start afresh, from the recent labels scored again, one crossing
// per decided event (all at once would stall the events behind a swap by tens of ms).
void InferenceNode::start_label_model() {
  label_watch_.start_model(live_.version());
  replay_next_ = 0;
  replay_end_ = recent_labels_.size();
}

void InferenceNode::replay_one_label() {
  if (replay_next_ >= replay_end_ || replay_next_ >= recent_labels_.size()) return;
  const RecentLabels& r = recent_labels_[replay_next_++];
  score_labels(r.features, r.labels.size());
  label_watch_.observe_labels(r.event_id, label_scores_, r.labels, settings_.score_threshold,
                              /*replayed=*/true);
}

void InferenceNode::flush_metrics() {
  latency_.flush();
  live_score_.flush();
  drift_gauge_.Set(std::max(drift_.cusum_up(), drift_.cusum_down()));
}

// The live model's per-event fraction of tracks scored as primary, watched for drift.
void InferenceNode::forward_alarms(uint32_t fill) {
  for (auto [list, sent] : {std::pair{&watch_.alarms(), &watch_alarms_sent_},
                            {&label_watch_.alarms(), &label_alarms_sent_}}) {
    for (; *sent < list->size(); ++*sent) {
      const drift::WatchAlarm& a = (*list)[*sent];
      if (std::find(trainer_alarms_.begin(), trainer_alarms_.end(), a.detector) ==
          trainer_alarms_.end()) {
        continue;
      }
      v1::DriftAlarm alarm;
      control_stamp_.stamp(alarm.mutable_header());
      alarm.set_node(settings_.node);
      alarm.set_fill(fill);
      alarm.set_model_version(a.model_version);
      alarm.set_statistic(a.detector + "/" + a.signal);
      alarm.set_events(a.event);
      spdlog::info("inference: {} drift alarm on {} at event {} sent to the trainer", a.detector,
                   a.signal, a.event);
      if (!to_trainer_ || !to_trainer_(transport::kTopicAlarm, alarm)) {
        metrics_.dropped("alarms").Increment();
      }
    }
  }
}

void InferenceNode::watch_drift(double fraction, uint32_t fill) {
  trigger::DriftAlarmInfo info;
  if (!drift_.observe(fraction, &info)) return;
  ++counters_.drift_alarms;
  alarms_total_.Increment();
  if (std::find(trainer_alarms_.begin(), trainer_alarms_.end(), "cusum") == trainer_alarms_.end()) {
    return;
  }
  v1::DriftAlarm alarm;
  control_stamp_.stamp(alarm.mutable_header());
  alarm.set_node(settings_.node);
  alarm.set_fill(fill);
  alarm.set_model_version(live_.version());
  alarm.set_statistic("fraction_scored_primary");
  alarm.set_reference_mean(info.reference_mean);
  alarm.set_reference_sigma(info.reference_sigma);
  alarm.set_recent_mean(info.recent_mean);
  alarm.set_cusum(info.cusum);
  alarm.set_threshold(drift_.config().threshold);
  alarm.set_direction(info.direction);
  alarm.set_events(info.events);
  spdlog::info(
      "inference: drift alarm with v{}: primary fraction {} from {:.4f} +- {:.4f} to {:.4f} "
      "over {} events",
      live_.version(), info.direction > 0 ? "rose" : "fell", info.reference_mean,
      info.reference_sigma, info.recent_mean, info.events);
  if (!to_trainer_ || !to_trainer_(transport::kTopicAlarm, alarm)) {
    metrics_.dropped("alarms").Increment();
  }
}

nlohmann::json InferenceNode::stats() const {
  const Counters& c = counters_;
  return {{"events_decided", c.events},
          {"tracks_scored", c.tracks},
          {"decisions_dropped", c.dropped},
          {"model_versions_applied", c.versions_applied},
          {"model_versions_refused", c.versions_refused},
          {"model_versions_held", c.versions_held},
          {"drift_alarms", c.drift_alarms},
          {"model_version_final", live_.version()},
          {"event_sequence_gaps", c.sequence_gaps},
          {"events_rejected", c.rejected},
          {"events_too_many_tracks", c.too_many_tracks},
          {"drift", drift_json()}};
}

const v1::Decision& InferenceNode::accept_of_last() {
  accept_.Clear();
  *accept_.mutable_header() = decision_.header();
  accept_.set_event_id(decision_.event_id());
  accept_.set_node(decision_.node());
  accept_.set_model_version(decision_.model_version());
  accept_.set_accept(decision_.accept());
  return accept_;
}

}  // namespace l1t::inference
