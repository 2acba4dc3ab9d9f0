#include "common/security/key_pair.h"

#include <sys/stat.h>
#include <zmq.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/files/atomic_file.h"

namespace l1t::security {

namespace {

constexpr size_t kZ85KeyLength = 40;
constexpr std::string_view kZ85Alphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

}  // namespace

bool generate_key_pair(KeyPair* out, std::string* error) {
  char pub[kZ85KeyLength + 1], sec[kZ85KeyLength + 1];
  if (zmq_curve_keypair(pub, sec) != 0) {
    *error = std::string("cannot make a CURVE key pair: ") + zmq_strerror(zmq_errno()) +
             " (libzmq without CURVE?)";
    return false;
  }
  out->public_key = pub;
  out->secret_key = sec;
  return true;
}

bool is_z85_key(const std::string& text) {
  if (text.size() != kZ85KeyLength) return false;
  for (char c : text) {
    if (kZ85Alphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string public_key_path(const std::string& dir, const std::string& role) {
  return dir + "/" + role + ".public";
}

std::string secret_key_path(const std::string& dir, const std::string& role) {
  return dir + "/" + role + ".secret";
}

bool read_key_file(const std::string& path, std::string* key, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read key file " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string k = text.str();
  while (!k.empty() && std::isspace(static_cast<unsigned char>(k.back()))) k.pop_back();
  if (!is_z85_key(k)) {
    *error = "key file " + path + " does not hold one Z85 key of 40 characters";
    return false;
  }
  *key = k;
  return true;
}

bool read_key_pair(const std::string& dir, const std::string& role, KeyPair* out,
                   std::string* error) {
  KeyPair p;
  if (!read_key_file(public_key_path(dir, role), &p.public_key, error) ||
      !read_key_file(secret_key_path(dir, role), &p.secret_key, error)) {
    return false;
  }
  char derived[kZ85KeyLength + 1];
  if (zmq_curve_public(derived, p.secret_key.c_str()) != 0 || p.public_key != derived) {
    *error = "key files of role " + role + " in " + dir +
             " do not match: the public key is not the secret key's";
    return false;
  }
  *out = p;
  return true;
}

bool write_key_pair(const std::string& dir, const std::string& role, const KeyPair& pair,
                    std::string* error) {
  const std::string secret = secret_key_path(dir, role);
  // Created private: a secret is never readable by others, not even for a moment.
  const mode_t before = ::umask(077);
  const bool written = files::write_atomically(secret, pair.secret_key + "\n", error);
  ::umask(before);
  if (!written) return false;
  if (::chmod(secret.c_str(), 0600) != 0) {
    *error = "cannot make " + secret + " private: " + std::strerror(errno);
    return false;
  }
  return files::write_atomically(public_key_path(dir, role), pair.public_key + "\n", error);
}

}  // namespace l1t::security
