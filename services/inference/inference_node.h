// The inference node without its sockets: scores every track of every event with the live and
// the frozen model in bit-exact fixed point, swaps in new weights between events (an update
// marked for a fill waits for that fill's boundary), and watches the live model's scores for
// drift. What it tells the trainer (heartbeats with the current fill, drift alarms) goes out
// through an injected sender, so the node runs in-process in tests.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "common/config/scenario.h"
#include "common/device/log_limiter.h"
#include "common/drift/drift_watch.h"
#include "common/drift/label_watch.h"
#include "common/metrics/metrics.h"
#include "common/physics/track.h"
#include "common/transport/envelope.h"
#include "common/trigger/drift_detector.h"
#include "common/trigger/fill_gated_update.h"
#include "common/trigger/model_slot.h"
#include "services/inference/drift_series.h"

namespace google::protobuf {
class MessageLite;
}

namespace l1t::inference {

struct Counters {
  uint64_t events = 0;
  uint64_t tracks = 0;
  uint64_t rejected = 0;  // events with bad track words or too many tracks
  uint64_t too_many_tracks = 0;
  uint64_t dropped = 0;  // decisions the publisher could not queue
  uint64_t versions_applied = 0;
  uint64_t versions_refused = 0;
  uint64_t versions_held = 0;  // waited for a fill boundary
  uint64_t sequence_gaps = 0;
  uint64_t drift_alarms = 0;
};

class InferenceNode {
 public:
  // Sends a message to the trainer; false when it could not be queued.
  using Sender = std::function<bool(std::string_view topic, const google::protobuf::MessageLite&)>;
  using NowNs = std::function<int64_t()>;  // wall-clock ns, as event timestamps are

  InferenceNode(const config::InferenceSettings& settings, metrics::Metrics& m,
                NowNs now = transport::unix_now_ns);

  void set_trainer_sender(Sender send) { to_trainer_ = std::move(send); }
  // limits.max_tracks_per_event: an event with more is refused ("too_many_tracks"), not scored.
  void set_limits(const config::Limits& limits) { limits_ = limits; }
  // The scenario's drift: section (before the first event); calibrate: whether the labels
  // that come are an unbiased sample (not the labeller's offline mode), source: their mode.
  void set_drift_watch(const drift::WatchSettings& s, bool calibrate = true,
                       std::string label_source = "truth") {
    watch_ = drift::DriftWatch(s);
    label_watch_ = drift::LabelWatch(s, calibrate);
    label_source_ = std::move(label_source);
    trainer_alarms_ = s.trainer_alarms;
  }
  const drift::DriftWatch& drift_watch() const { return watch_; }
  const drift::LabelWatch& label_watch() const { return label_watch_; }
  // A copy of a labelled batch (the labeller's label_copies): scored by the live model for the
  // error-bit detectors, the realised figures and the calibration. Bad ones are counted.
  void on_labels(const v1::LabelledBatch& batch);
  // The stats' "drift": the watch's, with the label watch's under "labels".
  nlohmann::json drift_json() const;
  // The drift statistics as Prometheus series (about once a second: it computes distances).
  void flush_drift();

  // Where an update comes from: a snapshot is what the trainer serves now (taken at once); a
  // broadcast may be marked for a fill boundary.
  enum class Source { kSnapshot, kBroadcast };
  // A weight update: the live slot takes it if it passes the check. The first snapshot of
  // version 1 fills the frozen (never retrained) slot as well.
  void on_model(const v1::ModelUpdate& update, Source source);

  // Decides one event; nullptr when its track words are bad or it has more tracks than
  // limits.max_tracks_per_event (counted by reason). The decision stays valid
  // until the next call.
  const v1::Decision* on_event(const v1::Event& event);
  // Whether the last decision was queued by the publisher (a drop is counted).
  void decision_sent(bool queued);
  // The last decision as the labeller's offline mode reads it (event id, node, version, accept),
  // without the per-track scores it does not need.
  const v1::Decision& accept_of_last();

  // Tells the trainer this node is alive and which fill it is in (fill_boundary policy).
  void heartbeat();
  void flush_metrics();

  bool ready() const { return live_.loaded() && frozen_.loaded(); }
  uint64_t live_version() const { return live_.version(); }
  const Counters& counters() const { return counters_; }
  nlohmann::json stats() const;

 private:
  void hold(const v1::ModelUpdate& update);  // from a broadcast
  void apply(trigger::CheckedModel checked);
  void refuse(const v1::ModelUpdate& update, Source source, const std::string& why);
  void watch_drift(double fraction, uint32_t fill);
  // Sends the trainer the alarms of the detectors drift.trainer_alarms names, once each.
  void forward_alarms(uint32_t fill);
  bool log_allowed(std::string_view key, std::string* more);

  const config::InferenceSettings settings_;
  config::Limits limits_;
  device::LogLimiter log_limiter_;
  metrics::Metrics& metrics_;
  NowNs now_;
  Sender to_trainer_;
  prometheus::Counter &decisions_out_, &decisions_dropped_;
  prometheus::Counter &events_total_, &tracks_total_, &accepted_total_;
  prometheus::Gauge& version_gauge_;
  prometheus::Counter &applied_total_, &refused_total_, &held_total_, &alarms_total_;
  prometheus::Gauge& drift_gauge_;
  metrics::BufferedHistogram latency_;
  metrics::BufferedHistogram live_score_;  // every track's live score (the Drift heatmap)
  transport::HeaderStamper stamp_;
  transport::HeaderStamper control_stamp_;  // alarms and heartbeats to the trainer
  transport::SequenceTracker sequence_;
  trigger::ModelSlot live_, frozen_;
  trigger::FillGatedUpdate pending_;
  trigger::DriftDetector drift_;
  drift::DriftWatch watch_;
  drift::LabelWatch label_watch_;
  std::string label_source_ = "truth";
  std::vector<std::string> trainer_alarms_ = {"cusum"};
  size_t watch_alarms_sent_ = 0, label_alarms_sent_ = 0;
  DriftSeries drift_series_;
  std::vector<float> live_scores_, label_scores_, label_features_;
  std::vector<int64_t> label_inputs_, label_raw_;
  // The latest labelled events (at most kRecentLabelTracks tracks), so that a new model is
  // calibrated at once on labels it scores again rather than after as many new ones.
  struct RecentLabels {
    uint64_t event_id;
    std::vector<float> features, labels;
  };
  std::deque<RecentLabels> recent_labels_;
  size_t recent_label_tracks_ = 0;
  void score_labels(const std::vector<float>& features, size_t n);
  void start_label_model();
  void replay_one_label();
  size_t replay_next_ = 0, replay_end_ = 0;  // recent_labels_ still to score with the new model
  Counters counters_;
  v1::Decision decision_;
  v1::Decision accept_;  // reused by accept_of_last()
  std::vector<physics::Track> tracks_;
  std::vector<float> features_;
  std::vector<int64_t> inputs_, scores_;
};

}  // namespace l1t::inference
