// The labeller's state and decisions, without sockets: it joins each event's tracks and truth by
// event_id, labels a sampled fraction of the complete events (optionally with flipped labels, as
// an imperfect offline reconstruction would), holds each batch back by the configured delay, and
// forgets halves that never found their partner.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/config/scenario.h"
#include "common/metrics/metrics.h"
#include "common/physics/track.h"
#include "common/transport/envelope.h"
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

  // Either half may come first; the event is labelled (or not, by the sampled fraction) as soon
  // as both are there.
  void on_event(const v1::Event& event);
  void on_truth(const v1::Truth& truth);

  // Forgets (and counts) events whose other half has not come within the unmatched timeout.
  void tick();
  // The batches whose delay has passed, in the order they were labelled.
  std::vector<v1::LabelledBatch> due();
  // Every batch still held back, in order: at shutdown, so that no label is lost.
  std::vector<v1::LabelledBatch> flush();
  // The caller's send result for one batch from due() or flush().
  void sent(bool ok);

  size_t pending() const { return pending_.size(); }  // events waiting for their other half
  size_t delayed() const { return delayed_.size(); }  // batches waiting for their time

  // events_labelled, events_minimum_bias (not labelled), batches_sent, batches_dropped,
  // messages_rejected (bad track words only: the caller adds the messages it rejected itself),
  // events_unmatched.
  nlohmann::json stats() const;

 private:
  struct Pending {
    std::optional<v1::Event> event;
    std::optional<v1::Truth> truth;
    Clock::time_point first_seen;
  };
  struct Delayed {
    Clock::time_point due;
    v1::LabelledBatch batch;
  };

  Pending& entry(uint64_t event_id);
  void label(const v1::Event& event, const v1::Truth& truth);
  std::vector<v1::LabelledBatch> release(bool all);

  config::LabellerSettings settings_;
  Now now_;
  Clock::duration unmatched_timeout_;
  std::map<uint64_t, Pending> pending_;
  std::deque<Delayed> delayed_;
  transport::HeaderStamper stamp_{"labeller"};
  std::vector<physics::Track> tracks_;  // reused per event
  std::vector<float> features_;

  uint64_t labelled_ = 0, skipped_minimum_bias_ = 0, sent_ = 0, dropped_ = 0, rejected_ = 0,
           unmatched_ = 0;

  metrics::Metrics& metrics_;  // rejections are created on the first one, as everywhere
  prometheus::Counter &labelled_events_total_, &labelled_tracks_total_, &unmatched_total_;
  prometheus::Counter &sent_total_, &dropped_total_;
};

}  // namespace l1t::labeller
