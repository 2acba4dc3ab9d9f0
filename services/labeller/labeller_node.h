// The labeller's state and decisions, without sockets: it joins each event's tracks and truth
// (and, for offline labels, the trigger's accept) by event_id, labels the events its mode samples
// (config::LabellerSettings: truth, scouting or offline), from the truth or from an offline-like
// reconstruction (physics/offline_labels.h), optionally with flipped labels, holds each batch
// back by its delay (or to the end of its fill), and forgets events that never became whole.
// It counts every label that differs from the truth: what a reconstruction costs the trainer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/config/scenario.h"
#include "common/metrics/metrics.h"
#include "common/physics/track.h"
#include "common/transport/envelope.h"
#include "common/trigger/label_draws.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::labeller {

class LabellerNode {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  // now is injected so that tests can step time; the draws are each event's own, from
  // settings.seed and the event id (trigger::LabelDraws).
  LabellerNode(const config::LabellerSettings& settings, metrics::Metrics& m, Now now = Clock::now,
               Clock::duration unmatched_timeout = std::chrono::seconds(5));

  // Any part may come first; the event is labelled (or not, as sampled) once all are there.
  void on_event(const v1::Event& event);
  void on_truth(const v1::Truth& truth);
  // An inference node's decision: only its event id and accept are read (offline mode).
  void on_accept(const v1::Decision& decision);
  bool wants_accepts() const { return sampling_.mode == trigger::LabelMode::kOffline; }

  // Forgets (and counts) events not whole within the unmatched timeout; flushes metrics.
  void tick();
  // The batches whose delay has passed, in the order their delays ended.
  std::vector<v1::LabelledBatch> due();
  // Every batch still held back, in order: at shutdown, so that no label is lost.
  std::vector<v1::LabelledBatch> flush();
  // The caller's send result for one batch from due() or flush().
  void sent(bool ok);

  size_t pending() const { return pending_.size(); }                 // events waiting for a part
  size_t delayed() const { return delayed_.size() + held_.size(); }  // batches not yet due

  // events_labelled, events_minimum_bias (truth mode: not labelled), batches_sent,
  // batches_dropped, messages_rejected (bad track words or truth only: the caller adds the
  // messages it rejected itself), events_unmatched, and `labels`: tracks labelled, how many
  // labels differ from the truth (primary_lost, pileup_taken) and their rate, and the
  // reconstructed vertices further than 1 mm from the true one.
  nlohmann::json stats() const;

 private:
  struct Pending {
    std::optional<v1::Event> event;
    std::optional<v1::Truth> truth;
    std::optional<bool> accepted;
    Clock::time_point first_seen;
  };
  struct Held {  // end_of_fill: waits for the next fill
    uint32_t fill;
    Clock::duration delay;
    Clock::time_point labelled_at;
    v1::LabelledBatch batch;
  };
  struct Delayed {
    Clock::time_point labelled_at;
    v1::LabelledBatch batch;
  };

  Pending& entry(uint64_t event_id);
  void try_label(std::map<uint64_t, Pending>::iterator it);
  void label(const v1::Event& event, const v1::Truth& truth, bool accepted);
  void close_fills(uint32_t fill);
  std::vector<v1::LabelledBatch> release(bool all);

  config::LabellerSettings settings_;
  trigger::LabelSampling sampling_;
  Now now_;
  Clock::duration unmatched_timeout_;
  std::map<uint64_t, Pending> pending_;
  std::multimap<Clock::time_point, Delayed> delayed_;  // by due time, then labelling order
  std::vector<Held> held_;
  uint32_t latest_fill_ = 0;
  transport::HeaderStamper stamp_{"labeller"};
  std::vector<physics::Track> tracks_;  // reused per event
  std::vector<float> features_;
  std::vector<uint8_t> reconstructed_;

  uint64_t labelled_ = 0, skipped_minimum_bias_ = 0, sent_ = 0, dropped_ = 0, rejected_ = 0,
           unmatched_ = 0;
  uint64_t tracks_labelled_ = 0, primary_lost_ = 0, pileup_taken_ = 0, vertices_wrong_ = 0;

  metrics::Metrics& metrics_;  // rejections are created on the first one, as everywhere
  prometheus::Counter &labelled_events_total_, &labelled_tracks_total_, &unmatched_total_;
  prometheus::Counter &sent_total_, &dropped_total_;
  prometheus::Counter &primary_lost_total_, &pileup_taken_total_, &vertices_wrong_total_;
  metrics::BufferedHistogram delay_;
};

}  // namespace l1t::labeller
