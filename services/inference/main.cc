// l1t-inference: scores every track of every event with the live and the frozen model in
// bit-exact fixed point, publishes decisions, and swaps in new weights between events.
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/metrics/metrics.h"
#include "common/physics/track_word.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"
#include "common/transport/socket.h"
#include "common/trigger/event_features.h"
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
  uint64_t sequence_gaps = 0;
};

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
        latency_(m.histogram("l1t_decision_latency_seconds",
                             "From event creation at the emulator to its decision",
                             metrics::latency_buckets()),
                 metrics::latency_buckets()),
        stamp_(cfg.inference.node) {}

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
    switch (live_.offer(update, &why)) {
      case trigger::Offer::kApplied:
        ++counters.versions_applied;
        applied_total_.Increment();
        version_gauge_.Set(static_cast<double>(live_.version()));
        spdlog::info("inference: applied weights v{} after {} events", live_.version(),
                     counters.events);
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

    decision_.Clear();
    decision_.set_pv_z0(trigger::event_features(tracks_, &features_));
    trigger::quantise_inputs(features_, live_.model().input, &inputs_);
    const size_t n = tracks_.size();
    const double threshold_raw = cfg_.inference.score_threshold * (1 << live_.output_frac_bits());
    double ht_live = 0, ht_static = 0;
    for (auto [slot, field, ht] : {std::tuple{&live_, decision_.mutable_score_live(), &ht_live},
                                   {&frozen_, decision_.mutable_score_static(), &ht_static}}) {
      scores_.resize(n);
      slot->scorer().score(inputs_.data(), n, scores_.data());
      field->Resize(static_cast<int>(n), 0);
      for (size_t t = 0; t < n; ++t) {
        (*field)[t] = static_cast<int32_t>(scores_[t]);
        if (scores_[t] >= threshold_raw) *ht += tracks_[t].pt();
      }
    }
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

  void flush_metrics() { latency_.flush(); }
  uint64_t live_version() const { return live_.version(); }

 private:
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
  prometheus::Counter &applied_total_, &refused_total_;
  metrics::BufferedHistogram latency_;
  transport::HeaderStamper stamp_;
  transport::SequenceTracker sequence_;
  trigger::ModelSlot live_, frozen_;
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

  // A node that starts late asks for the base and the current weights at once (clone pattern).
  transport::HeaderStamper snap_stamp(cfg.inference.node);
  auto last_request = Clock::now() - std::chrono::seconds(10);
  while (!node.ready() && !runtime::stop_requested()) {
    if (Clock::now() - last_request > std::chrono::seconds(1)) {
      request_snapshot(dealer, snap_stamp, cfg.inference.node, 1);
      request_snapshot(dealer, snap_stamp, cfg.inference.node, 0);
      last_request = Clock::now();
    }
    zmq::pollitem_t items[] = {{dealer.handle(), 0, ZMQ_POLLIN, 0}};
    transport::poll(items, 1, std::chrono::milliseconds(100));
    while (auto msg = transport::receive(dealer)) node.on_model(*msg, "snapshot", true);
    while (auto msg = transport::receive(sub)) node.on_model(*msg, "weights", false);
  }
  runtime::write_json_file(options.ready_file, {{"process", "inference"},
                                                {"metrics_port", metrics.port()},
                                                {"model_version", node.live_version()}});
  spdlog::info("inference: ready with weights v{}, metrics on :{}", node.live_version(),
               metrics.port());

  auto last_flush = Clock::now();
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
                                                {"model_version_final", node.live_version()},
                                                {"event_sequence_gaps", c.sequence_gaps}});
  return 0;
}
