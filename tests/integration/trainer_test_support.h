// What the trainer integration tests share: a small starting model made once by the real
// trainer (--save-initial), labelled tracks from generated events, and a client that plays the
// labeller (PUSH) and an inference node (SUB weights, DEALER to the ROUTER).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "common/physics/event_generator.h"
#include "common/physics/features.h"
#include "common/transport/envelope.h"
#include "common/transport/socket.h"
#include "common/trigger/training_data.h"
#include "tests/support/service_process.h"

namespace l1t::testing {

using namespace std::chrono_literals;

inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

// A starting model pre-trained briefly by l1t-trainer itself, so every trainer of a test starts
// in a second instead of pre-training for ten.
inline std::string small_initial_model(const std::string& dir) {
  const std::string path = dir + "/initial.pb";
  runtime::ChildProcess p;
  std::string error;
  EXPECT_TRUE(
      p.start({binary("l1t-trainer"), "--config", default_config(), "--save-initial", path, "--set",
               "trainer.pretrain_events=100", "--set", "trainer.pretrain_epochs=2"},
              dir + "/save-initial.log", &error))
      << error;
  const auto code = p.wait_for(60s);
  EXPECT_TRUE(code.has_value() && *code == 0) << "--save-initial failed; log in " << dir;
  return path;
}

// The overrides every trainer of these tests needs: free ports, the small starting model.
inline std::vector<std::string> trainer_overrides(const std::string& initial_model,
                                                  std::vector<std::string> more = {}) {
  std::vector<std::string> o{
      "endpoints.labels=tcp://127.0.0.1:*",     "endpoints.weights=tcp://127.0.0.1:*",
      "endpoints.control=tcp://127.0.0.1:*",    "metrics.trainer=0",
      "trainer.initial_model=" + initial_model, "trainer.gate_reference_rows=2000"};
  o.insert(o.end(), more.begin(), more.end());
  return o;
}

// Labelled tracks of n_events generated events, in batches of one event each (as the labeller
// sends them).
inline std::vector<v1::LabelledBatch> labelled_batches(int n_events, uint64_t seed,
                                                       double smear = 0.0) {
  physics::GeneratorConfig g;
  physics::EventGenerator generator(g, seed);
  physics::DegradationState state;
  state.smear = smear;
  std::vector<v1::LabelledBatch> out;
  transport::HeaderStamper stamp("test-labeller");
  for (int e = 0; e < n_events; ++e) {
    const trigger::TrainingSet rows = trigger::make_training_set(generator, 1, state);
    v1::LabelledBatch b;
    stamp.stamp(b.mutable_header());
    b.set_n_features(physics::kNumFeatures);
    b.add_event_ids(static_cast<uint64_t>(e + 1));
    b.mutable_features()->Add(rows.x.begin(), rows.x.end());
    b.mutable_labels()->Add(rows.y.begin(), rows.y.end());
    out.push_back(std::move(b));
  }
  return out;
}

// Talks to one trainer as the labeller and an inference node do.
struct TrainerClient {
  zmq::context_t ctx{1};
  zmq::socket_t push{transport::make_socket(ctx, zmq::socket_type::push)};
  zmq::socket_t sub{transport::make_socket(ctx, zmq::socket_type::sub)};
  zmq::socket_t dealer{transport::make_socket(ctx, zmq::socket_type::dealer)};
  transport::HeaderStamper stamp{"test-node"};
  std::vector<v1::ModelUpdate> published;  // what came in on the weights topic, in order

  explicit TrainerClient(const Service& trainer) {
    secure_client(push, "labeller", "labels");
    secure_client(sub, "inference", "weights");
    secure_client(dealer, "inference", "control");
    push.connect(trainer.endpoint("labels"));
    sub.set(zmq::sockopt::subscribe, transport::kTopicWeights);
    sub.connect(trainer.endpoint("weights"));
    dealer.connect(trainer.endpoint("control"));
    std::this_thread::sleep_for(300ms);  // let the subscription reach the publisher
  }

  void send_labels(const std::vector<v1::LabelledBatch>& batches, size_t from = 0,
                   size_t to = SIZE_MAX) {
    for (size_t i = from; i < std::min(to, batches.size()); ++i) {
      transport::send(push, transport::kTopicLabels, batches[i], true);
    }
  }

  // Collects weight updates published so far.
  void drain_weights() {
    while (auto msg = transport::receive(sub)) {
      v1::ModelUpdate u;
      if (msg->well_framed &&
          u.ParseFromArray(msg->payload.data(), static_cast<int>(msg->payload.size()))) {
        published.push_back(u);
      }
    }
  }
  uint64_t newest_published() {
    drain_weights();
    return published.empty() ? 0 : published.back().version();
  }
  bool wait_for_version(uint64_t v, std::chrono::milliseconds timeout = 30s) {
    return eventually([&] { return newest_published() >= v; }, timeout);
  }

  // The trainer's answer to a snapshot request (0: the model in service, 1: the base).
  bool snapshot(uint64_t which, v1::ModelUpdate* out) {
    v1::SnapshotRequest req;
    stamp.stamp(req.mutable_header());
    req.set_node("test-node");
    req.set_version(which);
    transport::send(dealer, transport::kTopicSnapshot, req, true);
    return eventually(
        [&] {
          auto msg = transport::receive(dealer);
          return msg && msg->topic == transport::kTopicSnapshot &&
                 out->ParseFromArray(msg->payload.data(), static_cast<int>(msg->payload.size()));
        },
        10s);
  }

  template <class M>
  void send_control(std::string_view topic, M message) {
    stamp.stamp(message.mutable_header());
    transport::send(dealer, topic, message, true);
  }
};

// Runs a command to its end; returns its exit code (-1 if it did not end in time).
inline int run_command(const std::vector<std::string>& argv, const std::string& log,
                       std::chrono::seconds timeout = 30s) {
  runtime::ChildProcess p;
  std::string error;
  EXPECT_TRUE(p.start(argv, log, &error)) << error;
  const auto code = p.wait_for(timeout);
  return code ? *code : -1;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace l1t::testing
