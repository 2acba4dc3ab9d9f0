#include "common/security/auth_monitor.h"

#include <zmq.h>

#include <atomic>
#include <cstdint>
#include <cstring>

namespace l1t::security {

void AuthMonitor::watch(zmq::socket_t& socket, const std::string& channel) {
  static std::atomic<uint64_t> next{0};
  const std::string endpoint = "inproc://l1t-auth-monitor-" + std::to_string(next++);
  const int events = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                     ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
  if (zmq_socket_monitor(socket.handle(), endpoint.c_str(), events) != 0) {
    throw zmq::error_t();
  }
  zmq::socket_t pair(ctx_, zmq::socket_type::pair);
  pair.set(zmq::sockopt::linger, 0);
  pair.connect(endpoint);
  watches_.push_back({channel, std::move(pair)});
}

void AuthMonitor::poll(const std::function<void(const std::string&, const char*)>& failed) {
  for (auto& w : watches_) {
    while (true) {
      // Two frames: the event number and value (6 bytes), then the peer's endpoint.
      zmq::message_t event, address;
      if (!w.events.recv(event, zmq::recv_flags::dontwait)) break;
      if (event.more()) (void)w.events.recv(address, zmq::recv_flags::none);
      if (event.size() < sizeof(uint16_t)) continue;
      uint16_t id = 0;
      std::memcpy(&id, event.data(), sizeof id);
      const char* reason = id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH       ? "auth"
                           : id == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ? "protocol"
                                                                       : "handshake";
      failed(w.channel, reason);
    }
  }
}

}  // namespace l1t::security
