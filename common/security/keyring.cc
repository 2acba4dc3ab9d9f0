#include "common/security/keyring.h"

#include <yaml-cpp/yaml.h>

#include "common/security/roles.h"

namespace l1t::security {

std::string format_allow_list(const std::map<std::string, std::vector<std::string>>& allow) {
  std::string out =
      "# Public keys admitted as each role (l1t-keys); a role may list two during a rotation.\n";
  for (const auto& [role, keys] : allow) {
    out += role + ":\n";
    // Quoted: the Z85 alphabet holds YAML's special characters, never a quote or a backslash.
    for (const auto& k : keys) out += "  - \"" + k + "\"\n";
  }
  return out;
}

bool read_allow_list(const std::string& path, std::map<std::string, std::vector<std::string>>* out,
                     std::string* error) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    *error = "cannot read the allow-list " + path + ": " + e.what();
    return false;
  }
  std::map<std::string, std::vector<std::string>> allow;
  if (!root.IsMap()) {
    *error = "allow-list " + path + " must map roles to lists of public keys";
    return false;
  }
  for (const auto& kv : root) {
    const std::string role = kv.first.Scalar();
    if (!is_role(role)) {
      *error = "allow-list " + path + " names an unknown role '" + role + "'";
      return false;
    }
    if (!kv.second.IsSequence()) {
      *error = "allow-list " + path + ": role " + role + " must hold a list of public keys";
      return false;
    }
    for (const auto& k : kv.second) {
      const std::string key = k.IsScalar() ? k.Scalar() : std::string();
      if (!is_z85_key(key)) {
        *error = "allow-list " + path + ": role " + role + " holds a value that is not a Z85 key";
        return false;
      }
      allow[role].push_back(key);
    }
  }
  *out = std::move(allow);
  return true;
}

bool Keyring::load(const std::string& dir, const std::string& role, Keyring* out,
                   std::string* error) {
  if (!is_role(role)) {
    *error = "no keys for role '" + role + "'";
    return false;
  }
  Keyring k;
  k.dir_ = dir;
  k.role_ = role;
  if (!read_key_pair(dir, role, &k.own_, error)) return false;
  std::map<std::string, std::vector<std::string>> allow;
  if (!read_allow_list(dir + "/" + kAllowFile, &allow, error)) return false;
  for (const auto& [r, keys] : allow) {
    for (const auto& key : keys) {
      auto [it, fresh] = k.role_by_key_.emplace(key, r);
      if (!fresh && it->second != r) {
        *error = "allow-list " + dir + "/" + kAllowFile + " admits one key as both " + it->second +
                 " and " + r;
        return false;
      }
    }
  }
  *out = std::move(k);
  return true;
}

bool Keyring::server_public(const std::string& role, std::string* key, std::string* error) const {
  return read_key_file(public_key_path(dir_, role), key, error);
}

std::string Keyring::role_of(const std::string& public_key) const {
  auto it = role_by_key_.find(public_key);
  return it == role_by_key_.end() ? std::string() : it->second;
}

}  // namespace l1t::security
