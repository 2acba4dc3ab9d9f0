// The tests' CURVE keys: one set in the test build directory (made by the keys_for_tests ctest
// fixture, or here when a test program runs alone), where the shipped configs' relative
// security.keys_dir finds it for every process a test starts. Raw sockets of a test take a
// role's keys to speak to those processes as that role would.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <zmq.hpp>

#include "common/security/curve_socket.h"
#include "common/security/key_store.h"
#include "common/security/keyring.h"

namespace l1t::testing {

inline std::string keys_dir() {
  static const std::string dir = [] {
    const std::string d = std::string(L1T_BINARY_DIR) + "/tests/keys";
    std::string error;
    if (!security::ensure_keys(d, &error)) ADD_FAILURE() << error;
    return d;
  }();
  return dir;
}

inline security::Keyring keyring(const std::string& role) {
  security::Keyring k;
  std::string error;
  if (!security::Keyring::load(keys_dir(), role, &k, &error)) ADD_FAILURE() << error;
  return k;
}

// Before connect: socket speaks on channel as role.
inline void secure_client(zmq::socket_t& socket, const std::string& role,
                          const std::string& channel) {
  std::string error;
  if (!security::secure_client(socket, keyring(role), channel, &error)) ADD_FAILURE() << error;
}

// Before bind: socket binds channel in its server role's place, with that role's secret key.
// (Without the process's ZAP handler every client holding the public key gets in: the test
// plays the trusted server.)
inline void secure_server(zmq::socket_t& socket, const std::string& role,
                          const std::string& channel) {
  std::string error;
  if (!security::secure_server(socket, keyring(role), channel, &error)) ADD_FAILURE() << error;
}

}  // namespace l1t::testing
