// l1t-inference: scores every track of every event with the live and the frozen model in
// bit-exact fixed point, publishes decisions, and swaps in new weights between events (an
// update marked for a fill waits for that fill's boundary). It watches the live model's scores
// for drift and tells the trainer (alarms, and heartbeats carrying the current fill).
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "common/metrics/metrics.h"
#include "common/physics/track_word.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"
#include "common/transport/model_codec.h"
#include "common/transport/socket.h"
#include "common/trigger/drift_detector.h"
#include "common/trigger/event_features.h"
#include "common/trigger/fill_gated_update.h"
#include "common/trigger/model_slot.h"

using namespace l1t;
using Clock = std::chrono::steady_clock;

namespace {

struct Counters {
  uint64_t events = 0;
  uint64_t tracks = 0;
  uint64_t rejected = 0;
  uint64_t dropped = 0;
  uint64_t versions_applied = 0;
  uint64_t versions_refused = 0;
  uint64_t versions_held = 0;  // waited for a fill boundary
  uint64_t sequence_gaps = 0;
  uint64_t drift_alarms = 0;
};

trigger::DriftConfig drift_config(const config::InferenceSettings& s) {
  trigger::DriftConfig d;
  d.block_events = static_cast<size_t>(s.drift_block_events);
  d.reference_blocks = static_cast<size_t>(s.drift_reference_blocks);
  d.slack = s.drift_slack;
  d.threshold = s.drift_threshold;
  return d;
}

class InferenceNode {
 public:
  InferenceNode(const config::Scenario& cfg, metrics::Metrics& m)
      : cfg_(cfg),
        metrics_(m),
        events_in_(m.received("events")),
        weights_in_(m.received("weights")),
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
        alarms_total_(m.counter("l1t_drift_alarms_total", "Drift alarms sent to the trainer")),
        drift_gauge_(m.gauge("l1t_drift_cusum",
                             "Drift CUSUM of the live model's primary-track "
                             "fraction, in reference sigmas")),
        latency_(m.histogram("l1t_decision_latency_seconds",
                             "From event creation at the emulator to its decision",
                             metrics::latency_buckets()),
                 metrics::latency_buckets()),
        stamp_(cfg.inference.node),
        control_stamp_(cfg.inference.node),
        drift_(drift_config(cfg.inference)) {}

  // Where alarms and heartbeats go: the DEALER connected to the trainer's ROUTER.
  void set_control_socket(zmq::socket_t* dealer) { control_ = dealer; }

  Counters counters;

  bool ready() const { return live_.loaded() && frozen_.loaded(); }

  // A weight update from the trainer: the live slot takes it if it is valid and newer. The
  // first snapshot of version 1 fills the frozen "no retraining" slot as well.
  void on_model(const transport::Received& msg, std::string_view channel, bool snapshot) {
    weights_in_.Increment();
    v1::ModelUpdate update;
    const auto expected = snapshot ? transport::kTopicSnapshot : transport::kTopicWeights;
    if (!msg.well_framed) return reject(channel, transport::Reject::kMalformed);
    const auto r = transport::decode(msg.topic, expected, msg.payload_view(), &update);
    if (r != transport::Reject::kOk) return reject(channel, r);
    std::string why;
    if (snapshot && update.version() == 1 && !frozen_.loaded()) {
      if (frozen_.offer(update, &why) != trigger::Offer::kApplied) {
        spdlog::warn("inference: base model refused: {}", why);
      }
    }
    // A snapshot is what the trainer serves now: a node that (re)starts takes it at once.
    if (!snapshot && update.activate_at_fill() > 0 && live_.loaded()) return hold(update, channel);
    apply(update, channel);
  }

  // Checks an update now and keeps it until its fill boundary (see FillGatedUpdate).
  void hold(const v1::ModelUpdate& update, std::string_view channel) {
    nn::FixedModel candidate;
    std::string why;
    if (update.version() <= live_.version()) {
      spdlog::debug("inference: ignored weights v{}: not newer than v{}", update.version(),
                    live_.version());
      return;
    }
    if (!transport::decode_model(update, &candidate, &why) ||
        !transport::same_footprint(live_.model(), candidate, &why)) {
      ++counters.versions_refused;
      refused_total_.Increment();
      metrics_.rejected(std::string(channel), "model").Increment();
      spdlog::warn("inference: refused weights v{}: {}", update.version(), why);
      return;
    }
    if (!pending_.hold(update)) return;
    ++counters.versions_held;
    held_total_.Increment();
    spdlog::info("inference: holding weights v{} until the boundary into fill {} (now in fill {})",
                 update.version(), update.activate_at_fill(), pending_.last_fill());
  }

  void apply(const v1::ModelUpdate& update, std::string_view channel) {
    std::string why;
    switch (live_.offer(update, &why)) {
      case trigger::Offer::kApplied:
        ++counters.versions_applied;
        applied_total_.Increment();
        version_gauge_.Set(static_cast<double>(live_.version()));
        spdlog::info("inference: applied weights v{} after {} events", live_.version(),
                     counters.events);
        // A pending update older than the one now live will never be wanted.
        if (pending_.holding() && pending_.held().version() <= live_.version()) pending_.clear();
        drift_.reset();  // new weights, new score distribution: a new reference
        break;
      case trigger::Offer::kStale:
        spdlog::debug("inference: ignored weights: {}", why);
        break;
      case trigger::Offer::kRejected:
        ++counters.versions_refused;
        refused_total_.Increment();
        metrics_.rejected(std::string(channel), "model").Increment();
        spdlog::warn("inference: refused weights v{}: {}", update.version(), why);
        break;
    }
  }

  void on_event(const transport::Received& msg, zmq::socket_t& out) {
    events_in_.Increment();
    if (!msg.well_framed) return reject("events", transport::Reject::kMalformed);
    const auto r =
        transport::decode(msg.topic, transport::kTopicEvent, msg.payload_view(), &event_);
    if (r != transport::Reject::kOk) return reject("events", r);
    if (!physics::unpack_tracks(event_.track_words(), &tracks_) ||
        tracks_.size() != event_.n_tracks()) {
      metrics_.rejected("events", "track_words").Increment();
      ++counters.rejected;
      spdlog::warn("inference: event {} has {} bytes of track words for {} tracks; skipped",
                   event_.event_id(), event_.track_words().size(), event_.n_tracks());
      return;
    }
    counters.sequence_gaps += sequence_.observe(event_.header().sequence());
    const bool new_fill = event_.fill() != pending_.last_fill() || counters.events == 0;
    // Between events, never during one: a held update goes live at its fill boundary.
    if (pending_.on_event(event_.fill())) {
      const v1::ModelUpdate update = pending_.take();
      spdlog::info("inference: fill {} begins: weights v{} become active", event_.fill(),
                   update.version());
      apply(update, "weights");
    }
    if (new_fill) heartbeat();

    decision_.Clear();
    decision_.set_pv_z0(trigger::event_features(tracks_, &features_));
    trigger::quantise_inputs(features_, live_.model().input, &inputs_);
    const size_t n = tracks_.size();
    const double threshold_raw = cfg_.inference.score_threshold * (1 << live_.output_frac_bits());
    double ht_live = 0, ht_static = 0;
    size_t primary_live = 0;
    for (auto [slot, field, ht] : {std::tuple{&live_, decision_.mutable_score_live(), &ht_live},
                                   {&frozen_, decision_.mutable_score_static(), &ht_static}}) {
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
    if (n > 0) watch_drift(static_cast<double>(primary_live) / static_cast<double>(n));
    stamp_.stamp(decision_.mutable_header());
    decision_.set_event_id(event_.event_id());
    decision_.set_node(cfg_.inference.node);
    decision_.set_model_version(live_.version());
    *decision_.mutable_degradation() = event_.degradation();
    decision_.set_score_frac_bits(live_.output_frac_bits());
    decision_.set_track_ht_live(ht_live);
    decision_.set_track_ht_static(ht_static);
    decision_.set_accept(ht_live > cfg_.inference.accept_ht_gev);
    decision_.set_event_timestamp_ns(event_.timestamp_ns());
    const int64_t now = transport::unix_now_ns();
    decision_.set_decided_unix_ns(now);
    latency_.observe(1e-9 * static_cast<double>(now - event_.timestamp_ns()));

    if (transport::send(out, transport::kTopicDecision, decision_, false) ==
        transport::SendResult::kSent) {
      decisions_out_.Increment();
    } else {
      decisions_dropped_.Increment();
      ++counters.dropped;
    }
    ++counters.events;
    counters.tracks += n;
    events_total_.Increment();
    tracks_total_.Increment(static_cast<double>(n));
    if (decision_.accept()) accepted_total_.Increment();
  }

  void flush_metrics() {
    latency_.flush();
    drift_gauge_.Set(std::max(drift_.cusum_up(), drift_.cusum_down()));
  }
  uint64_t live_version() const { return live_.version(); }

  // Tells the trainer this node is alive and which fill it is in (fill_boundary policy).
  void heartbeat() {
    if (control_ == nullptr) return;
    v1::Heartbeat hb;
    control_stamp_.stamp(hb.mutable_header());
    hb.set_process(cfg_.inference.node);
    hb.set_state("running");
    hb.set_messages_in(counters.events);
    hb.set_messages_out(counters.events - counters.dropped);
    hb.set_fill(pending_.last_fill());
    transport::send(*control_, transport::kTopicHeartbeat, hb, false);
  }

 private:
  // The live model's per-event fraction of tracks scored as primary, watched for drift.
  void watch_drift(double fraction) {
    trigger::DriftAlarmInfo info;
    if (!drift_.observe(fraction, &info)) return;
    ++counters.drift_alarms;
    alarms_total_.Increment();
    v1::DriftAlarm alarm;
    control_stamp_.stamp(alarm.mutable_header());
    alarm.set_node(cfg_.inference.node);
    alarm.set_fill(event_.fill());
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
    if (control_ == nullptr || transport::send(*control_, transport::kTopicAlarm, alarm, false) !=
                                   transport::SendResult::kSent) {
      metrics_.dropped("alarms").Increment();
    }
  }

  void reject(std::string_view channel, transport::Reject r) {
    ++counters.rejected;
    metrics_.rejected(std::string(channel), std::string(transport::reject_name(r))).Increment();
    spdlog::warn("inference: rejected a message on {}: {}", channel, transport::reject_name(r));
  }

  const config::Scenario& cfg_;
  metrics::Metrics& metrics_;
  prometheus::Counter &events_in_, &weights_in_, &decisions_out_, &decisions_dropped_;
  prometheus::Counter &events_total_, &tracks_total_, &accepted_total_;
  prometheus::Gauge& version_gauge_;
  prometheus::Counter &applied_total_, &refused_total_, &held_total_, &alarms_total_;
  prometheus::Gauge& drift_gauge_;
  metrics::BufferedHistogram latency_;
  transport::HeaderStamper stamp_;
  transport::HeaderStamper control_stamp_;  // alarms and heartbeats to the trainer
  transport::SequenceTracker sequence_;
  trigger::ModelSlot live_, frozen_;
  trigger::FillGatedUpdate pending_;
  trigger::DriftDetector drift_;
  zmq::socket_t* control_ = nullptr;
  v1::Event event_;
  v1::Decision decision_;
  std::vector<physics::Track> tracks_;
  std::vector<float> features_;
  std::vector<int64_t> inputs_, scores_;
};

void request_snapshot(zmq::socket_t& dealer, transport::HeaderStamper& stamp,
                      const std::string& node, uint64_t version) {
  v1::SnapshotRequest req;
  stamp.stamp(req.mutable_header());
  req.set_node(node);
  req.set_version(version);
  transport::send(dealer, transport::kTopicSnapshot, req, false);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "l1t-inference: bit-exact fixed-point scoring of L1 tracks with hot-swapped weights"};
  runtime::ProcessOptions options;
  runtime::add_process_options(app, &options);
  CLI11_PARSE(app, argc, argv);
  config::Scenario cfg;
  if (!runtime::load_process_config(options, &cfg)) return 2;
  runtime::install_stop_handlers();

  metrics::Metrics metrics(cfg.metrics.bind_address, cfg.metrics.inference);
  InferenceNode node(cfg, metrics);

  zmq::context_t ctx(1);
  auto pull = transport::make_socket(ctx, zmq::socket_type::pull);
  auto sub = transport::make_socket(ctx, zmq::socket_type::sub);
  auto dealer = transport::make_socket(ctx, zmq::socket_type::dealer);
  auto pub = transport::make_publisher(ctx);
  sub.set(zmq::sockopt::subscribe, transport::kTopicWeights);
  pull.connect(cfg.endpoints.events);
  sub.connect(cfg.endpoints.weights);
  dealer.connect(cfg.endpoints.snapshot);
  pub.connect(cfg.endpoints.decisions);
  node.set_control_socket(&dealer);

  // A node that starts late asks for the base and the current weights at once (clone pattern).
  transport::HeaderStamper snap_stamp(cfg.inference.node);
  auto last_request = Clock::now() - std::chrono::seconds(10);
  // Requests go in pairs (base, current) and the trainer answers in order: ready only after a
  // pair's second answer, or a node could start on the base with the current one a moment away.
  uint64_t replies = 0;
  while (!(node.ready() && replies % 2 == 0) && !runtime::stop_requested()) {
    if (Clock::now() - last_request > std::chrono::seconds(1)) {
      request_snapshot(dealer, snap_stamp, cfg.inference.node, 1);
      request_snapshot(dealer, snap_stamp, cfg.inference.node, 0);
      last_request = Clock::now();
    }
    zmq::pollitem_t items[] = {{dealer.handle(), 0, ZMQ_POLLIN, 0}};
    transport::poll(items, 1, std::chrono::milliseconds(100));
    while (auto msg = transport::receive(dealer)) {
      ++replies;
      node.on_model(*msg, "snapshot", true);
    }
    while (auto msg = transport::receive(sub)) node.on_model(*msg, "weights", false);
  }
  runtime::write_json_file(options.ready_file, {{"process", "inference"},
                                                {"metrics_port", metrics.port()},
                                                {"model_version", node.live_version()}});
  spdlog::info("inference: ready with weights v{}, metrics on :{}", node.live_version(),
               metrics.port());

  // A decision published before a monitor's subscription has arrived is lost (ZeroMQ's slow
  // joiner), so a node told to wait for monitors takes no event until they listen. After the
  // ready file: a bound SUB sends its subscription only once its owner touches the socket, and
  // l1t-chain does that only after this node is ready.
  for (int listening = 0;
       listening < cfg.inference.min_subscribers && !runtime::stop_requested();) {
    zmq::message_t m;
    if (pub.recv(m, zmq::recv_flags::dontwait)) {
      if (m.size() >= 1 && static_cast<const char*>(m.data())[0] == 1) ++listening;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    while (auto msg = transport::receive(sub)) node.on_model(*msg, "weights", false);
  }

  auto last_flush = Clock::now();
  auto last_heartbeat = Clock::now();
  const auto heartbeat_every = std::chrono::duration<double>(cfg.inference.heartbeat_s);
  while (!runtime::stop_requested()) {
    zmq::pollitem_t items[] = {{pull.handle(), 0, ZMQ_POLLIN, 0},
                               {sub.handle(), 0, ZMQ_POLLIN, 0},
                               {dealer.handle(), 0, ZMQ_POLLIN, 0}};
    transport::poll(items, 3, std::chrono::milliseconds(100));
    // Weights first: an update that arrived is applied before the next event, never during one.
    while (auto msg = transport::receive(sub)) node.on_model(*msg, "weights", false);
    while (auto msg = transport::receive(dealer)) node.on_model(*msg, "snapshot", true);
    for (int i = 0; i < 64; ++i) {
      auto msg = transport::receive(pull);
      if (!msg) break;
      node.on_event(*msg, pub);
    }
    if (Clock::now() - last_flush > std::chrono::milliseconds(200)) {
      node.flush_metrics();
      last_flush = Clock::now();
    }
    if (Clock::now() - last_heartbeat > heartbeat_every) {
      node.heartbeat();
      last_heartbeat = Clock::now();
    }
  }
  // Drain: decide what is already queued, then stop.
  while (auto msg = transport::receive(pull)) node.on_event(*msg, pub);
  node.flush_metrics();

  const auto& c = node.counters;
  spdlog::info("inference: stopping after {} events, {} weight versions applied, {} refused",
               c.events, c.versions_applied, c.versions_refused);
  runtime::write_json_file(options.stats_file, {{"process", "inference"},
                                                {"events_decided", c.events},
                                                {"tracks_scored", c.tracks},
                                                {"messages_rejected", c.rejected},
                                                {"decisions_dropped", c.dropped},
                                                {"model_versions_applied", c.versions_applied},
                                                {"model_versions_refused", c.versions_refused},
                                                {"model_versions_held", c.versions_held},
                                                {"drift_alarms", c.drift_alarms},
                                                {"model_version_final", node.live_version()},
                                                {"event_sequence_gaps", c.sequence_gaps}});
  return 0;
}
