// Failed handshakes on a process's CURVE sockets, as libzmq's socket monitor reports them: a
// peer without CURVE or with a wrong server key (a protocol failure) and a key the ZAP handler
// refused (an authentication failure). libzmq tells no one else, so the Device counts these.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

namespace l1t::security {

class AuthMonitor {
 public:
  explicit AuthMonitor(zmq::context_t& ctx) : ctx_(ctx) {}

  // Watches socket (before it binds or connects, so no handshake is missed) for channel.
  void watch(zmq::socket_t& socket, const std::string& channel);
  // Calls failed(channel, reason) for every failed handshake reported since the last call, without
  // waiting; reason is "protocol", "auth" or "handshake".
  void poll(const std::function<void(const std::string&, const char*)>& failed);

 private:
  struct Watch {
    std::string channel;
    zmq::socket_t events;
  };
  zmq::context_t& ctx_;
  std::vector<Watch> watches_;
};

}  // namespace l1t::security
