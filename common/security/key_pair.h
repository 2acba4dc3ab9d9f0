// CURVE key pairs as files: DIR/<role>.public and DIR/<role>.secret, each one Z85 line of 40
// characters (libzmq's text form), the secret readable by its owner only.
#pragma once

#include <string>

namespace l1t::security {

struct KeyPair {
  std::string public_key;  // Z85, 40 characters
  std::string secret_key;
};

// A new pair from libsodium's random source (zmq_curve_keypair); false when libzmq lacks CURVE.
bool generate_key_pair(KeyPair* out, std::string* error);
// Whether text is a Z85 key: 40 characters of the Z85 alphabet.
bool is_z85_key(const std::string& text);

std::string public_key_path(const std::string& dir, const std::string& role);
std::string secret_key_path(const std::string& dir, const std::string& role);

// Reads one Z85 key file (trailing whitespace ignored); false with *error naming the file.
bool read_key_file(const std::string& path, std::string* key, std::string* error);
// Reads role's pair from dir and checks the public key is the secret key's own.
bool read_key_pair(const std::string& dir, const std::string& role, KeyPair* out,
                   std::string* error);
// Writes role's pair atomically, the secret with mode 0600.
bool write_key_pair(const std::string& dir, const std::string& role, const KeyPair& pair,
                    std::string* error);

}  // namespace l1t::security
