#include "common/security/curve_socket.h"

#include <zmq.h>

#include "common/security/roles.h"

namespace l1t::security {

namespace {

bool set_key(zmq::socket_t& socket, int option, const std::string& z85, std::string* error) {
  // 41 bytes: libzmq reads a Z85 key with its terminating zero.
  if (zmq_setsockopt(socket.handle(), option, z85.c_str(), z85.size() + 1) != 0) {
    *error = std::string("cannot set a CURVE key: ") + zmq_strerror(zmq_errno());
    return false;
  }
  return true;
}

}  // namespace

bool secure_server(zmq::socket_t& socket, const Keyring& keys, std::string_view channel,
                   std::string* error) {
  const int on = 1;
  if (zmq_setsockopt(socket.handle(), ZMQ_CURVE_SERVER, &on, sizeof on) != 0) {
    *error = std::string("cannot make a CURVE server: ") + zmq_strerror(zmq_errno());
    return false;
  }
  if (!set_key(socket, ZMQ_CURVE_SECRETKEY, keys.own().secret_key, error)) return false;
  const std::string domain(channel);
  if (zmq_setsockopt(socket.handle(), ZMQ_ZAP_DOMAIN, domain.data(), domain.size()) != 0) {
    *error = std::string("cannot set the ZAP domain: ") + zmq_strerror(zmq_errno());
    return false;
  }
  return true;
}

bool secure_client(zmq::socket_t& socket, const Keyring& keys, std::string_view channel,
                   std::string* error) {
  const std::string server = server_role(channel);
  if (server.empty()) {
    *error = "no role binds channel '" + std::string(channel) + "'";
    return false;
  }
  std::string server_key;
  if (!keys.server_public(server, &server_key, error)) return false;
  return set_key(socket, ZMQ_CURVE_SERVERKEY, server_key, error) &&
         set_key(socket, ZMQ_CURVE_PUBLICKEY, keys.own().public_key, error) &&
         set_key(socket, ZMQ_CURVE_SECRETKEY, keys.own().secret_key, error);
}

std::string user_id(zmq::message_t& frame) {
  const char* id = zmq_msg_gets(frame.handle(), "User-Id");
  return id ? std::string(id) : std::string();
}

}  // namespace l1t::security
