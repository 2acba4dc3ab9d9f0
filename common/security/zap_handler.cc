#include "common/security/zap_handler.h"

#include <zmq.h>

#include <string>
#include <vector>

#include "common/security/roles.h"

namespace l1t::security {

ZapHandler::ZapHandler(zmq::context_t& ctx, Keyring keys)
    : keys_(std::move(keys)), socket_(ctx, zmq::socket_type::rep) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind("inproc://zeromq.zap.01");
  thread_ = std::thread([this] { serve(); });
}

ZapHandler::~ZapHandler() {
  stop_ = true;
  thread_.join();
}

void ZapHandler::serve() {
  while (!stop_) {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    try {
      if (zmq::poll(&item, 1, std::chrono::milliseconds(100)) > 0) answer();
    } catch (const zmq::error_t&) {
      // An interrupted poll (a signal) or a context closing: look at stop_ again.
    }
  }
  socket_.close();
}

void ZapHandler::answer() {
  // version, request id, domain, address, identity, mechanism, credentials...
  std::vector<zmq::message_t> frames;
  do {
    frames.emplace_back();
    if (!socket_.recv(frames.back(), zmq::recv_flags::dontwait)) return;
  } while (frames.back().more());
  const auto text = [&](size_t i) { return i < frames.size() ? frames[i].to_string() : ""; };
  std::string role;
  if (frames.size() >= 7 && text(0) == "1.0" && text(5) == "CURVE" && frames[6].size() == 32) {
    char z85[41];
    if (zmq_z85_encode(z85, static_cast<const uint8_t*>(frames[6].data()), 32) != nullptr) {
      role = keys_.role_of(z85);
    }
  }
  const bool ok = !role.empty() && may_connect(text(2), role);
  (ok ? admitted_ : refused_)++;
  const std::string status = ok ? "200" : "400";
  const std::string reason = ok ? "OK" : "key not allowed on this channel";
  socket_.send(zmq::buffer(std::string("1.0")), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(text(1)), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(status), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(reason), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(ok ? role : std::string()), zmq::send_flags::sndmore);
  socket_.send(zmq::message_t(), zmq::send_flags::none);
}

}  // namespace l1t::security
