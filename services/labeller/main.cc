// l1t-labeller: plays offline reconstruction or L1 scouting. It labels the events its mode
// samples (for offline labels, those the trigger accepted: it binds a SUB for the inference
// nodes' accepts), late and from an offline-like reconstruction, with features computed by the
// inference node's own code, and sends them to the trainer. The work is LabellerNode's; this is
// its wiring.
#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

#include "common/device/device.h"
#include "common/transport/envelope.h"
#include "common/transport/socket.h"
#include "services/labeller/labeller_node.h"

using namespace l1t;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  return device::run_main(
      argc, argv, "l1t-labeller: delayed, partial labels from emulated offline reconstruction",
      nullptr, [](const runtime::ProcessOptions& options, const config::Scenario& cfg) {
        device::Device dev("labeller", options, cfg.metrics.bind_address, cfg.metrics.labeller,
                           cfg.limits, cfg.security);
        labeller::LabellerNode node(cfg.labeller, dev.metrics());

        dev.open("events_truth", zmq::socket_type::sub, device::Method::kConnect,
                 cfg.endpoints.truth);
        dev.on<v1::Event>("events_truth", transport::kTopicEvent,
                          [&](v1::Event& e) { node.on_event(e); });
        dev.on<v1::Truth>("events_truth", transport::kTopicTruth,
                          [&](v1::Truth& t) { node.on_truth(t); });
        if (node.wants_accepts()) {
          dev.open("accepts", zmq::socket_type::sub, device::Method::kBind, cfg.endpoints.accepts);
          dev.on<v1::Decision>("accepts", transport::kTopicDecision,
                               [&](v1::Decision& d) { node.on_accept(d); });
        }
        auto& labels = dev.open("labels", zmq::socket_type::push, device::Method::kConnect,
                                cfg.endpoints.labels);
        // Every batch also to the inference nodes, which score it with their live model.
        auto& copies =
            dev.open_publisher("label_copies", device::Method::kBind, cfg.endpoints.label_copies);
        auto send = [&](const std::vector<v1::LabelledBatch>& batches) {
          for (const auto& b : batches) {
            node.sent(transport::send(labels, transport::kTopicLabels, b, false) ==
                      transport::SendResult::kSent);
            transport::send(copies, transport::kTopicLabels, b, false);
          }
        };
        dev.every(20ms, [&] {
          node.tick();
          send(node.due());
        });

        dev.ready();
        spdlog::info(
            "labeller: {} labels, fraction {}, {} ms (+ exp. {} ms) late, {}, metrics on :{}",
            cfg.labeller.mode, cfg.labeller.fraction, cfg.labeller.delay_ms,
            cfg.labeller.delay_exp_ms, cfg.labeller.delivery, dev.metrics().port());
        dev.run(20ms);
        send(node.flush());  // labels already made are not lost at shutdown

        // One rejected count, as before: the device's bad messages plus the node's bad tracks.
        auto stats = node.stats();
        const uint64_t rejected = stats["messages_rejected"].get<uint64_t>() + dev.rejected();
        stats["messages_rejected"] = rejected;
        spdlog::info("labeller: labelled {} events, sent {}, dropped {}, rejected {}",
                     stats["events_labelled"].get<uint64_t>(),
                     stats["batches_sent"].get<uint64_t>(),
                     stats["batches_dropped"].get<uint64_t>(), rejected);
        dev.finish(stats);
        return 0;
      });
}
