// The ZAP handler (ZeroMQ RFC 27) of one process: libzmq asks it about every peer that completes
// a CURVE handshake with one of the process's bound sockets; it admits the peer, with its role
// as the User-Id of every frame it sends, only if the allow-list holds the peer's key and the
// role may connect to that channel (the ZAP domain). Without a handler libzmq 4.3 admits every
// client that knows the server's public key, so it is started before any socket binds.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <zmq.hpp>

#include "common/security/keyring.h"

namespace l1t::security {

class ZapHandler {
 public:
  // Binds inproc://zeromq.zap.01 on ctx (throws zmq::error_t if another handler holds it).
  ZapHandler(zmq::context_t& ctx, Keyring keys);
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  uint64_t admitted() const { return admitted_.load(); }
  uint64_t refused() const { return refused_.load(); }

 private:
  void serve();
  void answer();

  Keyring keys_;
  zmq::socket_t socket_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> admitted_{0}, refused_{0};
  std::thread thread_;
};

}  // namespace l1t::security
