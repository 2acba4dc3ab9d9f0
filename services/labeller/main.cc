// l1t-labeller: plays offline reconstruction. It labels a sampled fraction of events, late and
// optionally imperfectly, with features computed by the inference node's own code, and sends
// them to the trainer.
#include <spdlog/spdlog.h>

#include <chrono>
#include <deque>
#include <map>
#include <random>

#include "common/metrics/metrics.h"
#include "common/physics/features.h"
#include "common/physics/track_word.h"
#include "common/runtime/process_options.h"
#include "common/runtime/signals.h"
#include "common/transport/envelope.h"
#include "common/transport/socket.h"
#include "common/trigger/event_features.h"

using namespace l1t;
using Clock = std::chrono::steady_clock;

namespace {

// An event waits here until both its tracks and its truth have arrived.
struct Pending {
  std::optional<v1::Event> event;
  std::optional<v1::Truth> truth;
  Clock::time_point first_seen;
};

struct Delayed {
  Clock::time_point due;
  std::string payload;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"l1t-labeller: delayed, partial labels from emulated offline reconstruction"};
  runtime::ProcessOptions options;
  runtime::add_process_options(app, &options);
  CLI11_PARSE(app, argc, argv);
  config::Scenario cfg;
  if (!runtime::load_process_config(options, &cfg)) return 2;
  runtime::install_stop_handlers();

  metrics::Metrics metrics(cfg.metrics.bind_address, cfg.metrics.labeller);
  auto& received = metrics.received("events_truth");
  auto& sent = metrics.sent("labels");
  auto& dropped = metrics.dropped("labels");
  auto& labelled_events = metrics.counter("l1t_labelled_events_total", "Events labelled");
  auto& labelled_tracks = metrics.counter("l1t_labelled_tracks_total", "Tracks labelled");
  auto& unmatched =
      metrics.counter("l1t_unmatched_events_total", "Events whose tracks or truth never arrived");

  zmq::context_t ctx(1);
  auto sub = transport::make_socket(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::subscribe, transport::kTopicEvent);
  sub.set(zmq::sockopt::subscribe, transport::kTopicTruth);
  sub.connect(cfg.endpoints.truth);
  auto push = transport::make_socket(ctx, zmq::socket_type::push);
  push.connect(cfg.endpoints.labels);
  runtime::write_json_file(options.ready_file,
                           {{"process", "labeller"}, {"metrics_port", metrics.port()}});
  spdlog::info("labeller: labelling {:.0f} % of events {} ms late, metrics on :{}",
               100 * cfg.labeller.fraction, cfg.labeller.delay_ms, metrics.port());

  std::mt19937_64 rng(cfg.labeller.seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::map<uint64_t, Pending> pending;
  std::deque<Delayed> delayed;
  transport::HeaderStamper stamp("labeller");
  std::vector<physics::Track> tracks;
  std::vector<float> features;
  uint64_t n_rejected = 0, n_labelled = 0, n_sent = 0, n_dropped = 0, n_unmatched = 0;

  auto reject = [&](transport::Reject r) {
    ++n_rejected;
    metrics.rejected("events_truth", std::string(transport::reject_name(r))).Increment();
    spdlog::warn("labeller: rejected a message: {}", transport::reject_name(r));
  };

  auto label = [&](const v1::Event& ev, const v1::Truth& truth) {
    if (uniform(rng) >= cfg.labeller.fraction) return;
    if (!physics::unpack_tracks(ev.track_words(), &tracks) ||
        truth.origin().size() != tracks.size()) {
      metrics.rejected("events_truth", "track_words").Increment();
      ++n_rejected;
      return;
    }
    trigger::event_features(tracks, &features);
    v1::LabelledBatch batch;
    stamp.stamp(batch.mutable_header());
    batch.add_event_ids(ev.event_id());
    batch.set_n_features(physics::kNumFeatures);
    batch.mutable_features()->Add(features.begin(), features.end());
    for (size_t t = 0; t < tracks.size(); ++t) {
      bool primary = truth.origin()[t] == static_cast<char>(physics::Origin::kPrimary);
      if (cfg.labeller.label_noise > 0 && uniform(rng) < cfg.labeller.label_noise) {
        primary = !primary;
      }
      batch.add_labels(primary ? 1.0f : 0.0f);
    }
    *batch.mutable_degradation() = ev.degradation();
    delayed.push_back({Clock::now() + std::chrono::milliseconds(cfg.labeller.delay_ms),
                       batch.SerializeAsString()});
    ++n_labelled;
    labelled_events.Increment();
    labelled_tracks.Increment(static_cast<double>(tracks.size()));
  };

  auto release = [&](bool all) {
    while (!delayed.empty() && (all || delayed.front().due <= Clock::now())) {
      if (transport::send(push, transport::kTopicLabels, delayed.front().payload, false) ==
          transport::SendResult::kSent) {
        ++n_sent;
        sent.Increment();
      } else {
        ++n_dropped;
        dropped.Increment();
      }
      delayed.pop_front();
    }
  };

  while (!runtime::stop_requested()) {
    zmq::pollitem_t items[] = {{sub.handle(), 0, ZMQ_POLLIN, 0}};
    transport::poll(items, 1, std::chrono::milliseconds(20));
    while (auto msg = transport::receive(sub)) {
      received.Increment();
      if (!msg->well_framed) {
        reject(transport::Reject::kMalformed);
        continue;
      }
      if (msg->topic == transport::kTopicEvent) {
        v1::Event ev;
        const auto r =
            transport::decode(msg->topic, transport::kTopicEvent, msg->payload_view(), &ev);
        if (r != transport::Reject::kOk) {
          reject(r);
          continue;
        }
        auto& p = pending[ev.event_id()];
        if (!p.event && !p.truth) p.first_seen = Clock::now();
        p.event = std::move(ev);
      } else {
        v1::Truth truth;
        const auto r =
            transport::decode(msg->topic, transport::kTopicTruth, msg->payload_view(), &truth);
        if (r != transport::Reject::kOk) {
          reject(r);
          continue;
        }
        auto& p = pending[truth.event_id()];
        if (!p.event && !p.truth) p.first_seen = Clock::now();
        p.truth = std::move(truth);
      }
    }
    // Label what is complete; forget what stayed incomplete for too long (and count it).
    const auto now = Clock::now();
    for (auto it = pending.begin(); it != pending.end();) {
      if (it->second.event && it->second.truth) {
        label(*it->second.event, *it->second.truth);
        it = pending.erase(it);
      } else if (now - it->second.first_seen > std::chrono::seconds(5)) {
        ++n_unmatched;
        unmatched.Increment();
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
    release(false);
  }
  release(true);  // flush: labels already made are not lost at shutdown
  spdlog::info("labeller: labelled {} events, sent {}, dropped {}, rejected {}", n_labelled, n_sent,
               n_dropped, n_rejected);
  runtime::write_json_file(options.stats_file, {{"process", "labeller"},
                                                {"events_labelled", n_labelled},
                                                {"batches_sent", n_sent},
                                                {"batches_dropped", n_dropped},
                                                {"messages_rejected", n_rejected},
                                                {"events_unmatched", n_unmatched}});
  return 0;
}
