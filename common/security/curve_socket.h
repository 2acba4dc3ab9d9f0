// A socket made a CURVE server or client of one channel (README "Security and failure
// behaviour"): before it binds or connects, as libzmq reads these options then.
#pragma once

#include <string>
#include <string_view>
#include <zmq.hpp>

#include "common/security/keyring.h"

namespace l1t::security {

// The binder's side: its own secret key, and the channel as the ZAP domain, so the ZAP handler
// knows which roles to admit. false with *error when libzmq refuses the options.
bool secure_server(zmq::socket_t& socket, const Keyring& keys, std::string_view channel,
                   std::string* error);
// The connecting side: its own pair and the public key of the role that binds channel, so a
// peer that binds in that role's place without its secret key never completes the handshake.
bool secure_client(zmq::socket_t& socket, const Keyring& keys, std::string_view channel,
                   std::string* error);
// The role the ZAP handler admitted the sender of this frame as (libzmq's "User-Id"); empty on
// a socket without CURVE.
std::string user_id(zmq::message_t& frame);

}  // namespace l1t::security
