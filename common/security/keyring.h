// What one process knows of the chain's keys, read once at start from security.keys_dir: its own
// pair, the public key of every role that binds a channel it connects to, and the allow-list
// (allow.yaml: for each role, the public keys admitted as that role; two during a rotation).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/security/key_pair.h"

namespace l1t::security {

inline constexpr const char* kAllowFile = "allow.yaml";

class Keyring {
 public:
  // Reads dir for a process authenticating as role; false with *error (a missing file, a key
  // that is not Z85, a pair that does not match, an allow-list naming an unknown role).
  static bool load(const std::string& dir, const std::string& role, Keyring* out,
                   std::string* error);

  const std::string& dir() const { return dir_; }
  const std::string& role() const { return role_; }
  const KeyPair& own() const { return own_; }
  // The public key of the role that binds a channel; false with *error when its file is absent.
  bool server_public(const std::string& role, std::string* key, std::string* error) const;
  // The role admitted with this Z85 public key, empty if the allow-list does not hold it.
  std::string role_of(const std::string& public_key) const;

 private:
  std::string dir_, role_;
  KeyPair own_;
  std::map<std::string, std::string> role_by_key_;
};

// allow.yaml as text, and read back: role -> admitted public keys.
std::string format_allow_list(const std::map<std::string, std::vector<std::string>>& allow);
bool read_allow_list(const std::string& path, std::map<std::string, std::vector<std::string>>* out,
                     std::string* error);

}  // namespace l1t::security
