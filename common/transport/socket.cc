#include "common/transport/socket.h"

#include <string>

namespace l1t::transport {

zmq::socket_t make_socket(zmq::context_t& ctx, zmq::socket_type type, const SocketOptions& opts) {
  zmq::socket_t s(ctx, type);
  s.set(zmq::sockopt::linger, opts.linger_ms);
  s.set(zmq::sockopt::sndhwm, opts.send_hwm);
  s.set(zmq::sockopt::rcvhwm, opts.recv_hwm);
  return s;
}

std::string bind(zmq::socket_t& socket, const std::string& endpoint) {
  socket.bind(endpoint);
  return socket.get(zmq::sockopt::last_endpoint);
}

zmq::socket_t make_publisher(zmq::context_t& ctx, const SocketOptions& opts) {
  zmq::socket_t s = make_socket(ctx, zmq::socket_type::xpub, opts);
  s.set(zmq::sockopt::xpub_nodrop, 1);
  return s;
}

int count_subscriptions(zmq::socket_t& xpub, std::string_view topic) {
  int n = 0;
  zmq::message_t msg;
  while (xpub.recv(msg, zmq::recv_flags::dontwait)) {
    const auto* d = static_cast<const char*>(msg.data());
    if (msg.size() >= 1 && d[0] == 1 && std::string_view(d + 1, msg.size() - 1) == topic) ++n;
  }
  return n;
}

SendResult send(zmq::socket_t& socket, std::string_view topic, std::string_view payload,
                bool block) {
  const auto flags = block ? zmq::send_flags::none : zmq::send_flags::dontwait;
  try {
    if (!socket.send(zmq::buffer(topic), flags | zmq::send_flags::sndmore)) {
      return SendResult::kWouldBlock;
    }
    // Once the first frame is queued the rest of the message is accepted atomically.
    socket.send(zmq::buffer(payload), zmq::send_flags::none);
    return SendResult::kSent;
  } catch (const zmq::error_t&) {
    return SendResult::kError;
  }
}

SendResult send(zmq::socket_t& socket, std::string_view topic,
                const google::protobuf::MessageLite& message, bool block) {
  std::string payload;
  message.SerializeToString(&payload);
  return send(socket, topic, payload, block);
}

int poll(zmq::pollitem_t* items, size_t n, std::chrono::milliseconds timeout) {
  try {
    return zmq::poll(items, n, timeout);
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR) return 0;
    throw;
  }
}

std::optional<Received> receive(zmq::socket_t& socket, bool router) {
  Received r;
  zmq::message_t first;
  try {
    if (!socket.recv(first, zmq::recv_flags::dontwait)) return std::nullopt;
    std::vector<zmq::message_t> frames;
    frames.push_back(std::move(first));
    while (frames.back().more()) {
      zmq::message_t next;
      (void)socket.recv(next, zmq::recv_flags::none);
      frames.push_back(std::move(next));
    }
    size_t i = 0;
    if (router) r.routing_id = std::move(frames[i++]);
    if (frames.size() - i != 2) {
      r.well_framed = false;
      if (i < frames.size()) r.payload = std::move(frames.back());
      return r;
    }
    r.topic = frames[i].to_string();
    r.payload = std::move(frames[i + 1]);
    return r;
  } catch (const zmq::error_t&) {
    return std::nullopt;
  }
}

}  // namespace l1t::transport
