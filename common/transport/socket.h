// ZeroMQ sockets set up the project's way: explicit LINGER and high-water marks, port 0 resolved,
// multipart [topic][payload] framing, drops counted by the caller instead of lost silently.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <zmq.hpp>

#include <google/protobuf/message_lite.h>

namespace l1t::transport {

struct SocketOptions {
  int send_hwm = 10000;
  int recv_hwm = 10000;
  int linger_ms = 1000;  // time to flush on close; bounded so shutdown never hangs
};

zmq::socket_t make_socket(zmq::context_t& ctx, zmq::socket_type type,
                          const SocketOptions& opts = {});

// Binds and returns the endpoint actually bound (tcp://127.0.0.1:* becomes a real port).
std::string bind(zmq::socket_t& socket, const std::string& endpoint);

// For publishers: an XPUB that reports EAGAIN at the high-water mark instead of dropping.
zmq::socket_t make_publisher(zmq::context_t& ctx, const SocketOptions& opts = {});

// Reads the XPUB's pending subscription frames without waiting; returns how many subscribed to
// topic. Also what keeps a verbose XPUB's inbox from growing during a long run.
int count_subscriptions(zmq::socket_t& xpub, std::string_view topic);

enum class SendResult { kSent, kWouldBlock, kError };

// Sends [topic][payload]. With block = false a full queue returns kWouldBlock (count it as a drop).
SendResult send(zmq::socket_t& socket, std::string_view topic, std::string_view payload,
                bool block);
SendResult send(zmq::socket_t& socket, std::string_view topic,
                const google::protobuf::MessageLite& message, bool block);

// One received multipart message. Extra frames (beyond two) are reported as malformed.
struct Received {
  std::string topic;
  zmq::message_t payload;
  std::optional<zmq::message_t> routing_id;  // for ROUTER sockets
  bool well_framed = true;
  std::string_view payload_view() const {
    return {static_cast<const char*>(payload.data()), payload.size()};
  }
};

// zmq::poll that treats an interrupting signal as "nothing ready" instead of throwing:
// SIGTERM must lead to a clean drain, not std::terminate.
int poll(zmq::pollitem_t* items, size_t n, std::chrono::milliseconds timeout);

// Non-blocking receive of one whole multipart message; nullopt if none is waiting.
std::optional<Received> receive(zmq::socket_t& socket, bool router = false);

}  // namespace l1t::transport
