#include "services/trainer/rollback_command.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "common/security/curve_socket.h"
#include "common/transport/envelope.h"
#include "common/transport/socket.h"

namespace l1t::trainer {
namespace {

void print_versions(const v1::RollbackReply& reply) {
  std::printf("%8s %11s %12s  %-19s  %9s %9s  %9s %9s\n", "version", "rollback_of", "samples",
              "created (UTC)", "win_cand", "win_serv", "ref_cand", "ref_serv");
  for (const auto& k : reply.kept()) {
    char when[32] = "-";
    if (k.created_unix_ns() > 0) {
      const std::time_t t = static_cast<std::time_t>(k.created_unix_ns() / 1000000000);
      std::tm tm{};
      gmtime_r(&t, &tm);
      std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    }
    std::printf("%8llu %11llu %12llu  %-19s  %9.4f %9.4f  %9.4f %9.4f%s\n",
                static_cast<unsigned long long>(k.version()),
                static_cast<unsigned long long>(k.rollback_of()),
                static_cast<unsigned long long>(k.samples_seen()), when, k.window_accuracy(),
                k.window_service_accuracy(), k.reference_accuracy(), k.reference_service_accuracy(),
                k.version() == reply.version_in_service() ? "  <- in service" : "");
  }
}

}  // namespace

int run_rollback_command(const config::Scenario& cfg, uint64_t version, bool list_only,
                         double timeout_s) {
  zmq::context_t ctx(1);
  transport::SocketOptions opts;
  opts.linger_ms = 0;
  auto dealer = transport::make_socket(ctx, zmq::socket_type::dealer, opts);
  // Only the operator's key may roll back or list versions (security/roles.h).
  if (cfg.security.curve) {
    security::Keyring keys;
    std::string error;
    if (!security::Keyring::load(cfg.security.keys_dir, "operator", &keys, &error) ||
        !security::secure_client(dealer, keys, "control", &error)) {
      spdlog::error("rollback: {} (security.keys_dir must hold the operator's keys)", error);
      return 2;
    }
  }
  dealer.connect(cfg.endpoints.control);
  v1::RollbackRequest req;
  transport::HeaderStamper stamp("rollback-command");
  stamp.stamp(req.mutable_header());
  req.set_requester("l1t-trainer --rollback-to (pid " + std::to_string(getpid()) + ")");
  req.set_version(version);
  req.set_list_only(list_only);
  // The DEALER queues the request until the connection is up, so one send is enough.
  transport::send(dealer, transport::kTopicRollback, req, false);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(std::max(0.1, timeout_s));
  while (std::chrono::steady_clock::now() < deadline) {
    zmq::pollitem_t items[] = {{dealer.handle(), 0, ZMQ_POLLIN, 0}};
    transport::poll(items, 1, std::chrono::milliseconds(100));
    auto msg = transport::receive(dealer);
    if (!msg) continue;
    v1::RollbackReply reply;
    if (!msg->well_framed ||
        transport::decode(msg->topic, transport::kTopicRollback, msg->payload_view(), &reply) !=
            transport::Reject::kOk) {
      spdlog::error("rollback: the answer from {} is not a rollback reply", cfg.endpoints.control);
      return 1;
    }
    print_versions(reply);
    if (!reply.ok()) {
      spdlog::error("rollback: refused: {}", reply.message());
      return 1;
    }
    spdlog::info("rollback: {}", reply.message());
    return 0;
  }
  spdlog::error(
      "rollback: no trainer answered on {} within {:.1f} s (config key 'endpoints.control')",
      cfg.endpoints.control, timeout_s);
  return 3;
}

}  // namespace l1t::trainer
